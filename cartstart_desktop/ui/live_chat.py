"""A live session's chat: one bubble per message (the shopper's on the right, the store's on
the left), each with its author and time, "Seen" under the newest of the shopper's messages the
store has read. Every text is plain text: what a store or anyone types is shown as typed, never
as markup. New messages keep the view at the bottom when it was there (and always after the
shopper's own), and the view says up to which message it shows, for read marks."""

from __future__ import annotations

import html
import re
import time

from ..core.lang import _
from ..core.live_session import ChatRow
from .qt import (
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSize,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

BUBBLE_SHARE = 0.72  # of the chat's width
BUBBLE_PADDING = 10
_LONG_RUN = re.compile(r"(\S{32})(?=\S)")
MINE = "#d6efdd"
THEIRS = "#eef0f3"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as typed (Qt would read a tooltip with a tag as markup)."""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def breakable(text: str) -> str:
    """Lets a label wrap inside words longer than a line (an address, a row of letters): a
    zero-width space every 32 characters of a run without spaces."""
    return _LONG_RUN.sub("\\1\u200b", text)


class ChatText(QLabel):
    """A message's text: as wide as its longest line when that fits, wrapped when it does not
    (a wrapped QLabel otherwise asks for a narrow column, and short messages wrap early)."""

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(line) for line in self.text().split("\n")), default=0
        )
        width = min(widest + 4, self.maximumWidth())
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


def plain_label(text: str = "", *, wrap: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def bold_label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = plain_label(text, wrap=wrap)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class Bubble(QFrame):
    def __init__(self, row: ChatRow) -> None:
        super().__init__()
        self.row = row
        self.setObjectName("bubble")
        self.setStyleSheet(
            f"#bubble {{ background: {MINE if row.mine else THEIRS}; border-radius: 10px; }}"
        )
        self.meta = plain_label()
        self.meta.setStyleSheet("color: #5a5f66; font-size: 11px")
        self.text = ChatText()
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setWordWrap(True)
        self.text.setText(breakable(row.text))
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.text.setStyleSheet("color: #1f2328")
        self.text.setAccessibleName(_("{author} said", author=row.author))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(BUBBLE_PADDING, 6, BUBBLE_PADDING, 7)
        layout.setSpacing(2)
        layout.addWidget(self.meta)
        layout.addWidget(self.text)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Minimum)
        self.set_seen(False)

    def set_seen(self, seen: bool) -> None:
        when = time.strftime("%H:%M", time.localtime(self.row.at))
        self.meta.setText(f"{self.row.author} · {when}" + (" · " + _("Seen") if seen else ""))


class ChatView(QScrollArea):
    scrolled = Signal()
    """The view moved or grew: what it shows may have changed (read marks)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.container = QWidget()
        self.container.setObjectName("chat")
        self.container.setStyleSheet("#chat { background: white; }")
        self.column = QVBoxLayout(self.container)
        self.column.setContentsMargins(10, 10, 10, 10)
        self.column.setSpacing(6)
        self.column.addStretch(1)  # few messages sit at the bottom, as in any chat
        self.empty = plain_label(
            _("No messages yet. Say hello: the store sees your message at once."), wrap=True
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color: #6a6f76")
        self.column.addWidget(self.empty)
        self.setWidget(self.container)
        self.bubbles: dict[str, Bubble] = {}
        self._lines: dict[str, QWidget] = {}
        self._order: list[tuple[int, str]] = []
        self._stick = True
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range)
        bar.valueChanged.connect(self._on_value)

    # ---- content ------------------------------------------------------------------------------

    def show_rows(self, rows: list[ChatRow], seen_seq: int | None) -> None:
        mine_added = False
        for row in rows:
            if row.message_id in self.bubbles:
                continue
            self._add(row)
            mine_added = mine_added or row.mine
        if mine_added:
            self._stick = True  # one's own message is always shown
        for bubble in self.bubbles.values():
            bubble.set_seen(bubble.row.seq == seen_seq)
        self.empty.setVisible(not self.bubbles)
        self._fit_bubbles()

    def _add(self, row: ChatRow) -> None:
        bubble = Bubble(row)
        line = QWidget()
        layout = QHBoxLayout(line)
        layout.setContentsMargins(0, 0, 0, 0)
        if row.mine:
            layout.addStretch(1)
        layout.addWidget(bubble)
        if not row.mine:
            layout.addStretch(1)
        position = sum(1 for seq, _ in self._order if seq < row.seq)
        self._order.insert(position, (row.seq, row.message_id))
        # After the stretch (index 0), in seq order; the empty text stays last.
        self.column.insertWidget(1 + position, line)
        self.bubbles[row.message_id] = bubble
        self._lines[row.message_id] = line

    def texts(self) -> list[str]:
        """What the chat shows, in order (as typed: without the wrapping aids)."""
        return [self.bubbles[mid].row.text for _, mid in self._order]

    # ---- what is shown ----------------------------------------------------------------------

    def shown_up_to(self) -> int:
        """The newest message the view shows, or scrolled past (0 when none)."""
        bottom = self.verticalScrollBar().value() + self.viewport().height()
        seen = 0
        for seq, mid in self._order:
            if self._lines[mid].y() >= bottom:
                break
            seen = seq
        return seen

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._fit_bubbles()
        self.scrolled.emit()

    def _fit_bubbles(self) -> None:
        most = max(160, int(self.viewport().width() * BUBBLE_SHARE))
        for bubble in self.bubbles.values():
            bubble.setMaximumWidth(most)
            bubble.text.setMaximumWidth(most - 2 * BUBBLE_PADDING)
            bubble.text.updateGeometry()

    def _on_range(self, _low: int, high: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(high)
        self.scrolled.emit()

    def _on_value(self, value: int) -> None:
        self._stick = value >= self.verticalScrollBar().maximum() - 4
        self.scrolled.emit()
