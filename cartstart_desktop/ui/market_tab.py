"""The Marketplace tab: one search over every store of the hub, the category tree with counts,
facets as filters, a display currency, and "Put in cart" (a hold, as a pick on a page). A
solution's link opens its lines (market_solution.py).

The tab renders `session.market` (core/market_desk.py) and forwards what the shopper does; it is
built the first time it shows, and asks the hub for the tree and currencies then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.lang import _
from ..core.market import FACET_TITLES, FACETS, Result, chosen_node, summary
from ..core.market_desk import MarketDesk
from ..core.observable import Subscriptions
from ..core.session import CartSession
from .empty_state import EmptyState, Swap
from .market_models import NAME, NODE_ROLE, ResultsModel, node_index, tree_model
from .qt import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPushButton,
    QShortcut,
    QSpinBox,
    QSplitter,
    Qt,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from .row_table import row_table
from .runner import Run
from .thumbnails import SIZE, ThumbnailDelegate, Thumbnails

if TYPE_CHECKING:
    from .market_solution import SolutionDialog


def plain(label: QLabel) -> QLabel:
    """Text from stores and the hub is shown as text, never interpreted as rich text."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class MarketTab(QWidget):
    held = Signal(str)  # words for what "Put in cart" did

    def __init__(self, session: CartSession, run: Run) -> None:
        super().__init__()
        self._session = session
        self._run = run
        self.desk: MarketDesk = session.market
        self.solution_dialog: SolutionDialog | None = None

        # The search line: words, currency, solution link.
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(_("Search every store: a name, a code or part of one"))
        self.search_box.setAccessibleName(_("Search the marketplace"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setMaxLength(400)
        self.search_button = QPushButton(_("Search"))
        self.currency = QComboBox()
        self.currency.setAccessibleName(_("Show prices in"))
        currency_label = QLabel(_("Prices in"))
        currency_label.setBuddy(self.currency)
        self.solution_button = QPushButton(_("Open a solution link…"))
        self.solution_button.setToolTip(_("Put the lines of a marketplace solution in the cart"))
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.search_button)
        top.addSpacing(12)
        top.addWidget(currency_label)
        top.addWidget(self.currency)
        top.addSpacing(12)
        top.addWidget(self.solution_button)

        # Left: the tree, then the facets.
        self.tree = QTreeView()
        self.tree.setAccessibleName(_("Categories"))
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setModel(tree_model(()))
        self.facet_boxes: dict[str, QComboBox] = {}
        facets = QFormLayout()
        for kind in FACETS:
            box = self.facet_boxes[kind] = QComboBox()
            box.setAccessibleName(_(FACET_TITLES[kind]))
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(12)
            box.activated.connect(lambda _i, k=kind: self._facet_chosen(k))
            facets.addRow(_(FACET_TITLES[kind]), box)
        self.clear_button = QPushButton(_("Clear filters"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(facets)
        left_layout.addWidget(self.clear_button)

        # Right: what was found (or what to do), the pages and "Put in cart".
        self.model = ResultsModel(self._rows)
        self.view = row_table(self.model, stretch=NAME, capped={2: 200})
        self.view.setAccessibleName(_("Products found"))
        self.view.verticalHeader().setDefaultSectionSize(SIZE + 6)
        self.thumbnails = Thumbnails(session.images)
        self.view.setItemDelegateForColumn(NAME, ThumbnailDelegate(self.thumbnails, self.view))
        self.thumbnails.changed.connect(lambda: self.view.viewport().update())
        self.empty = EmptyState(" ", " ", _("Clear filters"))  # its words follow the search
        assert self.empty.button is not None
        self.swap = Swap(self.view, self.empty, self.model)
        self.status = plain(QLabel())
        self.status.setAccessibleName(_("Search status"))
        self.status.setMinimumHeight(self.status.sizeHint().height())
        self.prev_button = QPushButton(_("← Previous"))
        self.next_button = QPushButton(_("Next →"))
        self.qty = QSpinBox()
        self.qty.setRange(1, 999)
        self.qty.setAccessibleName(_("Quantity"))
        qty_label = QLabel(_("Quantity"))
        qty_label.setBuddy(self.qty)
        self.put_button = QPushButton(_("Put in cart"))
        self.put_button.setToolTip(_("Hold the selected product in your cart (Enter)"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.prev_button)
        bottom.addWidget(self.next_button)
        bottom.addStretch(1)
        bottom.addWidget(qty_label)
        bottom.addWidget(self.qty)
        bottom.addWidget(self.put_button)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.swap, 1)
        right_layout.addLayout(bottom)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 700])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        # core -> view (undone by `detach`)
        self._subscriptions = Subscriptions()
        self._subscriptions.connect(self.desk.changed, self._on_changed)
        # Signed in (maybe to another hub): the tree and currencies are that hub's.
        self._subscriptions.connect(session.account.logged_in, self._on_logged_in)
        # view -> core
        self.search_box.returnPressed.connect(self._search)
        self.search_button.clicked.connect(self._search)
        self.currency.activated.connect(self._currency_chosen)
        self.tree.clicked.connect(self._node_chosen)
        self.tree.activated.connect(self._node_chosen)
        self.clear_button.clicked.connect(lambda: self._run(self.desk.clear_filters()))
        self.empty.button.clicked.connect(lambda: self._run(self.desk.clear_filters()))
        self.prev_button.clicked.connect(lambda: self._turn(-1))
        self.next_button.clicked.connect(lambda: self._turn(1))
        self.put_button.clicked.connect(self.put_selected)
        self.view.activated.connect(lambda _index: self.put_selected())
        self.view.selectionModel().currentChanged.connect(lambda *_: self._update_buttons())
        self.solution_button.clicked.connect(self.open_solution)
        find = QShortcut(QKeySequence.StandardKey.Find, self)  # Ctrl+F: to the search box
        find.activated.connect(self.focus_search)

        self._show_currencies()
        self._show_tree()
        self._show_results()
        self._run(self._reload())

    def detach(self) -> None:
        self._subscriptions.disconnect_all()
        self.thumbnails.stop()
        if self.solution_dialog is not None:
            self.solution_dialog.done(0)

    # ---- core -> view -----------------------------------------------------------------------

    async def _reload(self) -> None:
        """The tree and currencies, and the last search again: the window may have been rebuilt
        in another language, and the hub's words (names, amounts) follow it."""
        await self.desk.start()
        if self.desk.page is not None:
            await self.desk.search()

    def _on_logged_in(self, _outcome: object) -> None:
        self._run(self.desk.start())

    def _rows(self) -> tuple[Result, ...]:
        page = self.desk.page
        return page.results if page is not None else ()

    def _on_changed(self, what: str) -> None:
        if what == "results":
            self._show_results()
        elif what == "tree":
            self._show_tree()
        elif what == "currencies":
            self._show_currencies()

    def _show_results(self) -> None:
        desk = self.desk
        self.model.refresh()
        page = desk.page
        if desk.state == "loading":
            self.status.setText(_("Searching…"))
        elif desk.state == "error":
            self.status.setText(desk.error)
        elif page is not None:
            self.status.setText(summary(page))
        else:
            self.status.setText("")
        self._show_empty()
        self._show_facets()
        self._update_buttons()

    def _show_empty(self) -> None:
        desk = self.desk
        filtered = bool(desk.query.filters)
        if desk.state == "error":
            title, text = _("The search did not work"), desk.error
        elif desk.state == "idle":
            title = _("Search every store at once")
            text = _(
                "Type what you need (a name, a product code or part of one) and press Enter, "
                "or pick a category on the left. Found products go into your cart with Put in "
                "cart, held for you like a pick on a store's page."
            )
        elif desk.state == "loading":
            title, text = _("Searching…"), ""
        else:
            title = _("Nothing found")
            text = (
                _(
                    "No product matches every word with these filters. Clear the filters, or "
                    "use fewer words."
                )
                if filtered
                else _(
                    "No product matches every word. Check the spelling, or use fewer or shorter "
                    "words."
                )
            )
        self.empty.title.setText(title)
        self.empty.text.setText(text)
        label = self.empty.text
        label.setFixedHeight(max(label.fontMetrics().height(), label.heightForWidth(label.width())))
        assert self.empty.button is not None
        self.empty.button.setVisible(filtered and desk.state in ("ready", "error"))

    def _show_facets(self) -> None:
        page = self.desk.page
        query = self.desk.query
        for kind, box in self.facet_boxes.items():
            chosen = query.filter(kind)
            box.blockSignals(True)
            box.clear()
            box.addItem(_("Any"), "")
            for facet in page.facets.get(kind, ()) if page is not None else ():
                box.addItem(f"{facet.name} ({facet.count})", facet.id)
            index = box.findData(chosen) if chosen else 0
            if index < 0:  # chosen, but no longer among the facets: keep it visible
                box.addItem(chosen, chosen)
                index = box.count() - 1
            box.setCurrentIndex(index)
            box.blockSignals(False)
        self.clear_button.setEnabled(bool(query.filters))

    def _show_tree(self) -> None:
        model = tree_model(self.desk.tree)
        self.tree.setModel(model)
        self.tree.expandToDepth(0)
        chosen = chosen_node(self.desk.tree, self.desk.query)
        if chosen:
            found = node_index(model, chosen)
            if found is not None:  # the node browsed: selected again
                self.tree.setCurrentIndex(found)

    def _show_currencies(self) -> None:
        box = self.currency
        box.blockSignals(True)
        box.clear()
        codes = self.desk.currencies or ((self.desk.base,) if self.desk.base else ())
        for code in codes:
            label = _("{code} (the hub's own)", code=code) if code == self.desk.base else code
            box.addItem(label, code)
        wanted = self.desk.query.currency or self.desk.base
        box.setCurrentIndex(max(0, box.findData(wanted)))
        box.setEnabled(box.count() > 1)
        box.blockSignals(False)

    def _update_buttons(self) -> None:
        page = self.desk.page
        self.prev_button.setEnabled(page is not None and page.page > 1)
        self.next_button.setEnabled(page is not None and page.page < page.pages)
        self.put_button.setEnabled(self.selected() is not None)

    # ---- view -> core -----------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def selected(self) -> Result | None:
        return self.model.row(self.view.currentIndex())

    def _search(self) -> None:
        self._run(self.desk.set_text(self.search_box.text()))

    def _facet_chosen(self, kind: str) -> None:
        value: Any = self.facet_boxes[kind].currentData()
        self._run(self.desk.set_filter(kind, str(value or "")))

    def _node_chosen(self, index: QModelIndex) -> None:
        ids: Any = index.data(NODE_ROLE)
        if not isinstance(ids, list):
            return
        if ids == [] or chosen_node(self.desk.tree, self.desk.query) != ids[-1]:
            self._run(self.desk.browse([str(i) for i in ids]))

    def _currency_chosen(self, _index: int) -> None:
        code: Any = self.currency.currentData()
        if code:
            self._run(self.desk.set_currency(str(code)))

    def _turn(self, step: int) -> None:
        page = self.desk.page
        if page is not None:
            self._run(self.desk.turn_page(page.page + step))

    def put_selected(self) -> None:
        result = self.selected()
        if result is not None:
            self._run(self._put(result, self.qty.value()))

    async def _put(self, result: Result, qty: int) -> None:
        outcome = await self.desk.put_in_cart(result, qty)
        self.status.setText(outcome.text)
        self.held.emit(outcome.text)

    def open_solution(self) -> SolutionDialog:
        from .market_solution import SolutionDialog  # when first asked for

        if self.solution_dialog is not None:
            self.solution_dialog.raise_()
            return self.solution_dialog
        dialog = self.solution_dialog = SolutionDialog(self._session, self._run, self)
        dialog.finished.connect(lambda _: self._solution_closed(dialog))
        dialog.open()
        return dialog

    def _solution_closed(self, dialog: SolutionDialog) -> None:
        dialog.detach()
        if self.solution_dialog is dialog:
            self.solution_dialog = None
