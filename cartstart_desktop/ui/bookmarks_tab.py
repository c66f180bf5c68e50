"""The Bookmarks tab: the store pages products were picked on; double-click opens one linked to
this cart."""

from __future__ import annotations

from ..core.lang import _
from ..core.observable import Subscriptions
from ..core.session import CartSession
from .empty_state import EmptyState, Swap
from .list_models import ROW_ROLE, BookmarksModel
from .qt import QLabel, QModelIndex, QVBoxLayout, QWidget
from .row_table import row_table
from .runner import Run

M = BookmarksModel


class BookmarksTab(QWidget):
    def __init__(self, session: CartSession, run: Run) -> None:
        super().__init__()
        self._session = session
        self._run = run
        self.model = BookmarksModel(lambda: session.bookmarks.pages)
        self.view = row_table(self.model, stretch=M.PAGE, capped={M.STORE: 200, M.ADDRESS: 320})
        self.empty = EmptyState(
            _("No bookmarks yet"),
            _(
                "Each store page you pick a product on is kept here, so you can go back to it "
                "later, linked to this cart."
            ),
        )
        self.swap = Swap(self.view, self.empty, self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(self.swap)
        layout.addWidget(
            QLabel(_("Double-click a page to open it in your browser, linked to this cart."))
        )
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(session.bookmarks.changed, lambda _: self.model.refresh())
        self.view.doubleClicked.connect(self._open)

    def detach(self) -> None:
        self._subscriptions.disconnect_all()

    def _open(self, index: QModelIndex) -> None:
        mark = self.model.data(index, ROW_ROLE)
        if mark is not None:
            self._run(self._session.pairing.open_page(mark.url, mark.store_id, mark.store_name))
