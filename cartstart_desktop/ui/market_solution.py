"""A solution's lines into the cart: paste the solution's link, see its lines, put all of them
(or the ones ticked) into the cart; each line then says what happened to it."""

from __future__ import annotations

from ..core.api import HubError, HubUnreachable
from ..core.lang import _
from ..core.market_desk import words_for
from ..core.market_solution import (
    BadLink,
    Line,
    Solution,
    SolutionLink,
    fetch_solution,
    parse_link,
    put_lines,
    tally,
)
from ..core.session import CartSession
from .market_models import LINE_NAME, LINE_RESULT, LinesModel
from .qt import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from .row_table import row_table
from .runner import Run
from .thumbnails import SIZE, ThumbnailDelegate, Thumbnails


class SolutionDialog(QDialog):
    def __init__(self, session: CartSession, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._run = run
        self.solution: Solution | None = None
        self.setWindowTitle(_("Put a solution in the cart"))
        intro = QLabel(
            _(
                "Paste the link of a solution made on the marketplace (it ends in #solution=…). "
                "Its lines are held in this cart like any other pick."
            )
        )
        intro.setWordWrap(True)
        self.link = QLineEdit()
        self.link.setPlaceholderText("https://hub.example.org/market/#solution=…")
        self.link.setAccessibleName(_("Solution link"))
        self.show_button = QPushButton(_("Show lines"))
        self.show_button.setDefault(True)
        paste = QHBoxLayout()
        paste.addWidget(self.link, 1)
        paste.addWidget(self.show_button)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # the solution's name is anyone's text
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.lines: tuple[Line, ...] = ()
        self.model = LinesModel(lambda: self.lines)
        self.view = row_table(self.model, stretch=LINE_NAME, capped={LINE_RESULT: 260})
        self.view.setAccessibleName(_("The solution's lines"))
        self.view.verticalHeader().setDefaultSectionSize(SIZE + 6)
        self.thumbnails = Thumbnails(session.images)
        self.view.setItemDelegateForColumn(LINE_NAME, ThumbnailDelegate(self.thumbnails, self.view))
        self.thumbnails.changed.connect(lambda: self.view.viewport().update())
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("What happened"))
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing() + 4)
        self.all_button = QPushButton(_("Tick all"))
        self.none_button = QPushButton(_("Tick none"))
        self.put_button = QPushButton(_("Put ticked lines in cart"))
        self.close_button = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.put_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(paste)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(760, 480)

        self.show_button.clicked.connect(self.load)
        self.link.returnPressed.connect(self.load)
        self.all_button.clicked.connect(lambda: self._tick(True))
        self.none_button.clicked.connect(lambda: self._tick(False))
        self.put_button.clicked.connect(self.put)
        self.close_button.clicked.connect(self.reject)
        self.model.dataChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()
        self.link.setFocus()

    def detach(self) -> None:
        self.thumbnails.stop()

    def _update_buttons(self) -> None:
        has_lines = bool(self.lines)
        self.all_button.setEnabled(has_lines)
        self.none_button.setEnabled(has_lines)
        self.put_button.setEnabled(bool(self.model.chosen))

    def _tick(self, chosen: bool) -> None:
        for line in self.lines:
            if line.available:
                self.model.set_chosen(line.line_id, chosen)

    def load(self) -> None:
        try:
            link = parse_link(self.link.text())
        except BadLink as exc:
            self.message.setText(str(exc))
            return
        self.link.setCursorPosition(0)  # the hub's address, not the end of the secret
        self.message.setText(_("Looking up the solution…"))
        self._run(self._load(link))

    async def _load(self, link: SolutionLink) -> None:
        try:
            solution = await fetch_solution(self._session.market, link)
        except HubError as exc:
            if exc.code in ("not_found", "unauthorized", "forbidden"):
                self.message.setText(
                    _(
                        "No solution opens with that link on this cart's hub: it may be cut "
                        "short, or the solution was made on another hub."
                    )
                )
            else:
                self.message.setText(words_for(exc))
            return
        except HubUnreachable as exc:
            self.message.setText(words_for(exc))
            return
        self.show_solution(solution)

    def show_solution(self, solution: Solution) -> None:
        self.solution = solution
        self.lines = solution.lines
        self.model.refresh()
        self.title.setText(solution.name or _("A solution"))
        gone = sum(1 for line in self.lines if not line.available)
        text = _.n("{n} line", "{n} lines", len(self.lines))
        if gone:
            text = _.n(
                "{lines}; {n} is no longer available",
                "{lines}; {n} are no longer available",
                gone,
                lines=text,
            )
        if not self.lines:
            text = _("This solution has no lines yet: add products to it on the marketplace.")
        self.message.setText(text)
        self._update_buttons()

    def put(self) -> None:
        chosen = self.model.chosen_lines()
        if chosen:
            self.put_button.setEnabled(False)
            self.message.setText(_("Putting the lines in the cart…"))
            self._run(self._put(chosen))

    async def _put(self, chosen: list[Line]) -> None:
        try:
            outcomes = await put_lines(self._session.market, chosen, done=self.model.show_outcome)
        finally:
            self._update_buttons()
        self.message.setText(tally(outcomes))
