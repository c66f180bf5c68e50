"""The Live sessions tab (built the first time it shows): the live sessions attached to this
cart, newest activity first, with what the store wrote that the shopper has not read, and the
buttons to attach one (a dialog for its link) and to open one (a window per session)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..core.api import HubError
from ..core.lang import N_, _
from ..core.live import LiveEntry, ago
from ..core.live_desk import LiveDesk
from ..core.observable import Subscriptions
from ..core.session import CartSession
from .empty_state import EmptyState, Swap
from .list_models import ROW_ROLE, Index, RowsModel
from .live_attach import AttachDialog
from .live_chat import plain_tooltip
from .live_window import LiveWindow
from .qt import (
    QBrush,
    QColor,
    QFont,
    QHBoxLayout,
    QLabel,
    QModelIndex,
    QPushButton,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .row_table import row_table
from .runner import Run

AGO_EVERY_MS = 30_000  # "5 min ago" moves on
_DELETED = QColor(130, 130, 130)


class LiveSessionsModel(RowsModel[LiveEntry]):
    """One row per attached session: the store, how the store knows the shopper, the newest
    message, when, and what is unread (or that it was deleted). Unread rows are bold."""

    STORE, LABEL, MESSAGE, WHEN, STATUS = range(5)
    headers = (N_("Store"), N_("You are"), N_("Last message"), N_("Last activity"), N_("Unread"))

    def __init__(self, rows: Callable[[], list[LiveEntry]], clock: Callable[[], float]) -> None:
        super().__init__(rows)
        self._clock = clock

    def key(self, row: LiveEntry) -> str:
        return row.session_id

    def cell(self, row: LiveEntry, column: int) -> str:
        return (
            row.store_name,
            row.label,
            row.preview,
            ago(row.summary.last_activity_at, self._clock()),
            row.status,
        )[column]

    def tooltip(self, row: LiveEntry, column: int) -> str | None:
        if column == self.MESSAGE and row.preview:
            return plain_tooltip(row.summary.last_message)
        return _("Deleted: it can no longer be opened.") if row.deleted else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row(index)
        if row is not None and role == Qt.ItemDataRole.FontRole and row.unread:
            font = QFont()
            font.setBold(True)
            return font
        if row is not None and role == Qt.ItemDataRole.ForegroundRole and row.deleted:
            return QBrush(_DELETED)
        return super().data(index, role)


class LiveTab(QWidget):
    notice = Signal(str, str)  # title, text: for the window's notice line

    def __init__(self, session: CartSession, run: Run, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._run = run
        self.desk: LiveDesk = session.live
        self.windows: dict[str, LiveWindow] = {}
        self.attach_dialog: AttachDialog | None = None
        self.model = LiveSessionsModel(lambda: self.desk.sessions.entries, session.clock)
        M = LiveSessionsModel
        self.view = row_table(
            self.model, stretch=M.MESSAGE, capped={M.STORE: 220, M.LABEL: 160, M.WHEN: 140}
        )
        self.empty = EmptyState(
            _("No live sessions yet"),
            _(
                "Chatting with a store on its live page? Choose “Copy link to come back later” "
                "there, then Attach a live session… and paste the link: the chat, the products "
                "the store shows you and what you set aside come to this cart."
            ),
            _("Attach a live session…"),
        )
        self.swap = Swap(self.view, self.empty, self.model)
        self.attach_button = QPushButton(_("Attach a live session…"))
        self.open_button = QPushButton(_("Open"))
        self.remove_button = QPushButton(_("Remove from list"))
        self.remove_button.setToolTip(_("Deleted sessions stay listed until you remove them."))
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.open_button)
        hint = QLabel(_("Double-click a session to open its chat, counter and session cart."))
        layout = QVBoxLayout(self)
        layout.addWidget(self.swap)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(self.desk.sessions.changed, lambda _: self._refresh())
        self.attach_button.clicked.connect(self.attach)
        assert self.empty.button is not None
        self.empty.button.clicked.connect(self.attach)
        self.open_button.clicked.connect(self._open_selected)
        self.remove_button.clicked.connect(self._remove_selected)
        self.view.doubleClicked.connect(self._open_index)
        self.view.activated.connect(self._open_index)  # Enter on a row
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self._ago = QTimer(self)
        self._ago.setInterval(AGO_EVERY_MS)
        self._ago.timeout.connect(self.model.refresh)
        self._ago.start()
        self.desk.start()
        self.desk.refresh_soon()
        self._update_buttons()

    def detach(self) -> None:
        self._subscriptions.disconnect_all()
        self._ago.stop()
        for window in list(self.windows.values()):
            window.close()
        if self.attach_dialog is not None:
            self.attach_dialog.done(0)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.desk.refresh_soon()  # the tab is looked at: its counts now, not in 10 s

    # ---- the list -----------------------------------------------------------------------------

    def _refresh(self) -> None:
        self.model.refresh()
        self._update_buttons()
        for session_id, window in list(self.windows.items()):
            entry = self.desk.sessions.get(session_id)
            if entry is None:  # signed out: another account's sessions are not shown
                window.close()
            else:
                window.set_label(entry.label)

    def selected(self) -> LiveEntry | None:
        row: LiveEntry | None = self.model.data(self.view.currentIndex(), ROW_ROLE)
        return row

    def select(self, session_id: str) -> None:
        number = self.model.row_of(session_id)
        if number >= 0:
            self.view.selectRow(number)

    def _update_buttons(self) -> None:
        entry = self.selected()
        self.open_button.setEnabled(entry is not None and not entry.deleted)
        self.remove_button.setVisible(entry is not None and entry.deleted)

    # ---- attaching ----------------------------------------------------------------------------

    def attach(self) -> AttachDialog:
        if self.attach_dialog is not None:
            self.attach_dialog.raise_()
            return self.attach_dialog
        dialog = self.attach_dialog = AttachDialog(self.desk, self._run, self)
        dialog.attached.connect(self._attached)
        dialog.finished.connect(lambda _: setattr(self, "attach_dialog", None))
        dialog.open()
        return dialog

    def _attached(self, session_id: str) -> None:
        entry = self.desk.sessions.get(session_id)
        self.select(session_id)
        if entry is not None:
            self.notice.emit(
                _("Live session attached"),
                _(
                    "{store}: its items are in your cart, and its chat is here.",
                    store=entry.store_name,
                ),
            )

    # ---- opening ------------------------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        entry: LiveEntry | None = self.model.data(index, ROW_ROLE)
        if entry is not None:
            self.open(entry.session_id)

    def _open_selected(self) -> None:
        entry = self.selected()
        if entry is not None:
            self.open(entry.session_id)

    def open(self, session_id: str) -> LiveWindow | None:
        """The session's window (the same one if it is open)."""
        if session_id in self.windows:
            window = self.windows[session_id]
            window.raise_()
            window.activateWindow()
            return window
        entry = self.desk.sessions.get(session_id)
        if entry is None or entry.deleted:
            return None
        try:
            opened = self.desk.open(session_id)
        except HubError as exc:  # signed out meanwhile
            self._run(_fail(exc))
            return None
        window = LiveWindow(opened, self._session, entry.label)
        self.windows[session_id] = window
        window.closed.connect(lambda: self._closed(session_id))
        window.show()
        return window

    def _closed(self, session_id: str) -> None:
        self.windows.pop(session_id, None)
        self._run(self.desk.close(session_id))

    def _remove_selected(self) -> None:
        entry = self.selected()
        if entry is not None and entry.deleted:
            self._run(self.desk.remove(entry.session_id))


async def _fail(error: Exception) -> None:
    raise error  # the runner shows it in words
