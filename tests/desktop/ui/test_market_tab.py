"""The Marketplace tab, offscreen, against a real hub on 127.0.0.1: search, a facet and the tree
as filters, the display currency, Put in cart (the Cart tab shows the hold), a solution's lines
into the cart, hostile names shown as text."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from babel.messages.pofile import read_po
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QWidget,
)

from cartstart_desktop.core.lang import _
from cartstart_desktop.core.settings import Settings
from cartstart_desktop.ui.cart_model import ITEM
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_desktop.ui.market_models import (
    LINE_RESULT,
    NAME,
    NODE_ROLE,
    PRICE,
    SHOWN,
    node_index,
)
from cartstart_desktop.ui.market_tab import MarketTab
from cartstart_server.server import HubServer
from shared_protocol.i18n import LOCALES_DIR
from tests.desktop.ui.test_main_window import MakeWindow, signed_in
from tests.desktop.ui.test_thumbnails import RED, picture_server, png
from tests.helpers.waiting import eventually
from tests.integration.market_helpers import (
    TREE,
    found_within,
    new_store,
    product,
    put_products,
    set_stock,
)

HOSTILE = '<b>Bold</b> <img src=x onerror="alert(1)">'


@dataclass
class Shop:
    valvia: str
    valvia_key: str
    kontakt: str
    kontakt_key: str
    picture: str


@pytest.fixture
async def shop(server: HubServer, http: httpx.AsyncClient) -> AsyncIterator[Shop]:
    """Valvia (valves, one with a picture) and Kontakt (a contactor with a hostile name), the
    tree of tests/integration/market_helpers.py, and a rate for RSD."""
    with picture_server({"/v1.png": png(RED)}) as (site, _asked):
        await server.hub.market.import_tree(TREE)
        await server.hub.market.set_rates(
            {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17"}},
        )
        a, key_a = await new_store(server.hub, "Valvia")
        b, key_b = await new_store(server.hub, HOSTILE)
        picture = f"{site}/v1.png"
        r = await put_products(http, a, key_a, [
            product("v1", "Solenoid Valve DN25", "157B2210", category="solenoid-valves",
                    image_url=picture, page_url="https://valvia.example/v1"),
            product("v2", "Ball Valve Brass", "BV-2210", amount=6000, category="ball-valves"),
        ])  # fmt: skip
        assert r.status_code == 200, r.text
        r = await put_products(http, b, key_b, [
            product("k1", f"Valve contactor {HOSTILE}", "MC-9", category="contactors"),
        ])  # fmt: skip
        assert r.status_code == 200, r.text
        for store, key, pid, n in ((a, key_a, "v1", 5), (a, key_a, "v2", 2), (b, key_b, "k1", 1)):
            await set_stock(http, store, key, pid, n)
        await found_within(http, "valve", {"v1", "v2", "k1"}, within=3.0)
        yield Shop(a, key_a, b, key_b, picture)


async def market_tab(make_window: MakeWindow, server: HubServer) -> tuple[MainWindow, MarketTab]:
    window, _shopper = await signed_in(make_window, server)
    tab = window.show_market_tab()
    await eventually(lambda: tab.currency.count() == 2, what="currencies")
    await eventually(lambda: tab.tree.model().rowCount() == 2, what="tree")
    return window, tab


def names(tab: MarketTab) -> list[str]:
    model = tab.model
    return [model.data(model.index(row, NAME)) for row in range(model.rowCount())]


def tree_index(tab: MarketTab, node_id: str) -> QModelIndex:
    model = tab.tree.model()
    assert isinstance(model, QStandardItemModel)
    found = node_index(model, node_id)
    assert found is not None, f"{node_id} not in the tree"
    return found


def choose(box: Any, value: str) -> None:
    """Pick an entry of a combo box as the shopper would (its `activated` fires)."""
    index = box.findData(value)
    assert index >= 0, f"{value} not offered"
    box.setCurrentIndex(index)
    box.activated.emit(index)


async def test_search_facets_tree_currency_and_put_in_cart(
    make_window: MakeWindow, server: HubServer, shop: Shop, qtbot: Any
) -> None:
    window, tab = await market_tab(make_window, server)
    assert tab.swap.showing_empty and tab.empty.title.text() == "Search every store at once"
    tree = tab.tree.model()
    assert tree.index(1, 0).data() == "Electrical (3)"

    qtbot.keyClicks(tab.search_box, "valve")
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
    await eventually(lambda: len(names(tab)) == 3, what="three valves")
    assert tab.status.text() == "3 products found"
    assert f"Valve contactor {HOSTILE}" in names(tab)  # as text, as the store wrote it
    await eventually(lambda: tab.thumbnails.state(shop.picture) == "ready", what="picture")

    # A facet: only Valvia's.
    choose(tab.facet_boxes["store"], shop.valvia)
    await eventually(lambda: len(names(tab)) == 2, what="Valvia only")
    assert set(names(tab)) == {"Solenoid Valve DN25", "Ball Valve Brass"}
    assert tab.clear_button.isEnabled()

    # The tree, by keyboard: Ball valves.
    index = tree_index(tab, "ball-valves")
    tab.tree.setCurrentIndex(index)
    qtbot.keyClick(tab.tree, Qt.Key.Key_Return)
    await eventually(lambda: names(tab) == ["Ball Valve Brass"], what="ball valves")
    assert tab.desk.query.filter("subcategory") == "ball-valves"
    await tab.desk.load_tree()  # the tree again (as after signing in): the node stays chosen
    assert tab.tree.currentIndex().data(NODE_ROLE)[-1] == "ball-valves"

    qtbot.mouseClick(tab.clear_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: len(names(tab)) == 3, what="filters cleared")

    # The selected row stays selected when the prices change currency.
    row = names(tab).index("Solenoid Valve DN25")
    tab.view.setCurrentIndex(tab.model.index(row, NAME))
    choose(tab.currency, "RSD")
    await eventually(lambda: "approximate" in tab.status.text(), what="prices in RSD")
    selected = tab.selected()
    assert selected is not None and selected.product_id == "v1"
    model = tab.model
    row = names(tab).index("Solenoid Valve DN25")
    assert model.data(model.index(row, SHOWN)).startswith("≈ ")
    assert "RSD" in model.data(model.index(row, SHOWN))
    assert model.data(model.index(row, PRICE)) == "€10.00"  # the store's own price
    assert window.session.settings.market_currency == "RSD"

    # Put in cart: 2 of them, held like a pick on the page.
    tab.qty.setValue(2)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="held in the cart")
    cart = window.cart_tab.model
    item = cart.index(0, ITEM, cart.index(0, 0))
    assert cart.data(item) == "Solenoid Valve DN25"
    assert tab.status.text() == "2 held: Solenoid Valve DN25"
    (level,) = await server.hub.carts.availability([(shop.valvia, "v1")])
    assert level.available == 3


async def test_nothing_found_and_bad_words_say_what_to_do(
    make_window: MakeWindow, server: HubServer, shop: Shop, qtbot: Any
) -> None:
    _window, tab = await market_tab(make_window, server)
    qtbot.keyClicks(tab.search_box, "*** ///")
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
    await eventually(lambda: tab.desk.state == "error", what="refused")
    assert tab.empty.text.text() == "Type at least one letter or digit."
    tab.search_box.setText("zebra")
    qtbot.keyClick(tab.search_box, Qt.Key.Key_Return)
    await eventually(lambda: tab.empty.title.text() == "Nothing found", what="nothing")
    assert tab.swap.showing_empty and not tab.put_button.isEnabled()


async def test_a_result_beyond_stock_says_how_many_are_left(
    make_window: MakeWindow, server: HubServer, shop: Shop, qtbot: Any
) -> None:
    window, tab = await market_tab(make_window, server)
    await tab.desk.set_text("MC-9")
    await eventually(lambda: len(names(tab)) == 1, what="the contactor")
    tab.view.setCurrentIndex(tab.model.index(0, NAME))
    tab.qty.setValue(4)
    qtbot.mouseClick(tab.put_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: "Not enough stock" in tab.status.text(), what="refused")
    assert tab.status.text() == "Not enough stock: 1 left."
    assert window.cart_tab.model.rowCount() == 0


async def test_a_solution_link_puts_its_lines_in_the_cart(
    make_window: MakeWindow, server: HubServer, shop: Shop, http: httpx.AsyncClient, qtbot: Any
) -> None:
    r = await http.post(
        "/api/market/solutions",
        json={
            "name": f"Kitchen {HOSTILE}",
            "lines": [
                {"store_id": shop.valvia, "product_id": "v1", "qty": 2, "note": HOSTILE},
                {"store_id": shop.valvia, "product_id": "v2", "qty": 5},
                {"store_id": shop.kontakt, "product_id": "k1", "qty": 1},
            ],
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    # Kontakt takes its contactor off the marketplace meanwhile.
    r = await put_products(
        http, shop.kontakt, shop.kontakt_key, [product("k1", "Gone", "MC-9", listed=False)]
    )
    assert r.status_code == 200, r.text
    window, tab = await market_tab(make_window, server)
    dialog = tab.open_solution()
    link = f"{server.http_url}/market/#solution={created['id']}.{created['secret']}"

    qtbot.keyClicks(dialog.link, "not a link")
    qtbot.keyClick(dialog.link, Qt.Key.Key_Return)
    assert dialog.message.text().startswith("That is not a solution's link")

    dialog.link.setText(link)
    qtbot.keyClick(dialog.link, Qt.Key.Key_Return)
    await eventually(lambda: dialog.model.rowCount() == 3, what="the lines")
    assert dialog.title.text() == f"Kitchen {HOSTILE}"
    assert dialog.title.textFormat() == Qt.TextFormat.PlainText
    assert dialog.message.text() == "3 lines; 1 is no longer available"
    assert len(dialog.model.chosen) == 2  # the line no longer listed is not ticked
    tip = dialog.model.data(dialog.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;Bold&lt;/b&gt;" in tip and "<b>" not in tip  # the note, as text

    qtbot.mouseClick(dialog.put_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: dialog.message.text().endswith("not held"), what="outcomes")
    assert dialog.message.text() == "1 line held, 1 line not held"  # of the 2 ticked
    results = [dialog.model.data(dialog.model.index(row, LINE_RESULT)) for row in range(3)]
    assert results == [
        "2 held: Solenoid Valve DN25",
        "Not enough stock: 2 left.",
        "No longer available.",
    ]
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="held in the cart")
    cart = window.cart_tab.model
    store = cart.index(0, 0)
    assert cart.rowCount(store) == 1
    assert cart.data(cart.index(0, ITEM, store)) == "Solenoid Valve DN25"


async def test_a_solution_link_that_opens_nothing_says_so(
    make_window: MakeWindow, server: HubServer, shop: Shop, qtbot: Any
) -> None:
    _window, tab = await market_tab(make_window, server)
    dialog = tab.open_solution()
    dialog.link.setText(f"{server.http_url}/market/#solution=sol00000000.wrongsecret")
    qtbot.mouseClick(dialog.show_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: dialog.message.text().startswith("No solution"), what="refused")
    assert dialog.model.rowCount() == 0 and not dialog.put_button.isEnabled()


@pytest.fixture
def serbian() -> Iterator[None]:
    _.use("sr")
    yield
    _.use("en")


def english_messages() -> list[re.Pattern[str]]:
    """Every marked desktop text whose Serbian differs, as a pattern for its English (with any
    values filled in)."""
    with (LOCALES_DIR / "sr" / "LC_MESSAGES" / "desktop.po").open("rb") as po:
        catalog = read_po(po, locale="sr_Latn", domain="desktop")
    patterns = []
    for message in catalog:
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = (
            [message.string] if isinstance(message.string, str) else list(message.string or ())
        )
        for english in ids:
            if english in strings:
                continue  # the same in both ("{carrier}: {link}")
            parts = re.split(r"\{[a-z_]+\}", english)
            patterns.append(re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL))
    return patterns


def shown_texts(root: QWidget) -> list[str]:
    """What a person can read or hear in a widget and its children."""
    texts: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        texts += [widget.toolTip(), widget.accessibleName(), widget.windowTitle()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QLineEdit):
            texts.append(widget.placeholderText())
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        if isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for column in range(model.columnCount()):
                texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
            for row in range(min(model.rowCount(), 20)):
                for column in range(model.columnCount()):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = model.data(model.index(row, column), role)
                        texts.append(value if isinstance(value, str) else "")
    return [t for t in texts if t.strip()]


async def test_the_window_in_serbian_shows_no_english(
    serbian: None,
    make_window: MakeWindow,
    server: HubServer,
    shop: Shop,
    http: httpx.AsyncClient,
    qtbot: Any,
) -> None:
    r = await http.post(
        "/api/market/solutions",
        json={
            "name": "Kuhinja",
            "lines": [{"store_id": shop.valvia, "product_id": "v1", "qty": 1}],
        },
    )
    created = r.json()
    window, tab = await market_tab(make_window, server)
    assert window.tabs.tabText(window.tabs.indexOf(window.market_lazy)) == "Tržište"
    assert tab.tree.model().index(1, 0).data() == "Elektro (3)"  # the hub's words, in Serbian
    await tab.desk.set_text("valve")
    await eventually(lambda: tab.model.rowCount() == 3, what="results")
    choose(tab.currency, "RSD")
    await eventually(lambda: "približne" in tab.status.text(), what="prices in RSD")
    assert tab.status.text().startswith("3 proizvoda pronađena")
    tab.view.setCurrentIndex(tab.model.index(0, NAME))
    dialog = tab.open_solution()
    dialog.link.setText(f"{server.http_url}/market/#solution={created['id']}.{created['secret']}")
    dialog.load()
    await eventually(lambda: dialog.model.rowCount() == 1, what="the line")
    window.show_live_tab()  # built now, so its words are checked too
    texts = shown_texts(window) + shown_texts(dialog)
    assert "Traži" in texts and "Stavi u korpu" in texts and "Prikaži stavke" in texts
    english = english_messages()
    untranslated = sorted({t for t in texts if any(p.fullmatch(t) for p in english)})
    assert untranslated == []


async def test_the_language_chosen_in_the_app_is_kept(
    make_window: MakeWindow, server: HubServer
) -> None:
    window = make_window()
    chosen: list[str] = []
    window.languageChosen.connect(chosen.append)
    window.choose_language("sr")
    assert chosen == ["sr"]
    assert Settings.load(window.session.directory).language == "sr"
    window.choose_language("en")  # the language in use: nothing to rebuild
    assert chosen == ["sr"]


async def test_hostile_names_are_shown_as_text(
    make_window: MakeWindow, server: HubServer, shop: Shop
) -> None:
    window, tab = await market_tab(make_window, server)
    await tab.desk.set_text("MC-9")
    await eventually(lambda: tab.model.rowCount() == 1, what="the contactor")
    model = tab.model
    assert model.data(model.index(0, NAME)) == f"Valve contactor {HOSTILE}"
    assert model.data(model.index(0, 2)) == HOSTILE  # the store's name
    assert tab.desk.page is not None
    tab.view.setCurrentIndex(model.index(0, NAME))
    tab.put_selected()
    await eventually(lambda: "held" in tab.status.text(), what="held")
    assert tab.status.text() == f"1 held: Valve contactor {HOSTILE}"
    for label in tab.findChildren(QLabel):
        if "<" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="in the cart")
    cart = window.cart_tab.model
    item = cart.index(0, ITEM, cart.index(0, 0))
    assert cart.data(item) == f"Valve contactor {HOSTILE}"
    tip = cart.data(item, Qt.ItemDataRole.ToolTipRole)
    assert "&lt;img" in tip and "<img" not in tip  # the cart's tooltip shows the name as text


async def test_searching_needs_no_account_but_holding_does(
    make_window: MakeWindow, server: HubServer, shop: Shop, qtbot: Any
) -> None:
    window = make_window()
    await window.session.open()
    window.session.settings.hub_url = server.http_url  # the hub this cart used last
    tab = window.show_market_tab()
    await eventually(lambda: tab.currency.count() == 2, what="currencies, signed out")
    await tab.desk.set_text("157B2210")
    await eventually(lambda: names(tab) == ["Solenoid Valve DN25"], what="found by its code")
    tab.view.setCurrentIndex(tab.model.index(0, NAME))
    qtbot.mouseClick(tab.put_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: "Sign in" in tab.status.text(), what="asked to sign in")
    assert tab.status.text() == "Sign in to put products in your cart."


async def test_a_tab_rebuilt_in_another_language_searches_again(
    make_window: MakeWindow, server: HubServer, shop: Shop
) -> None:
    window, tab = await market_tab(make_window, server)
    await tab.desk.set_text("valve")
    await eventually(lambda: tab.status.text() == "3 products found", what="in English")
    tab.detach()
    english = tab.desk.page
    _.use("sr")
    try:
        again = MarketTab(window.session, window.run)  # as in the window the app rebuilds
        assert again.status.text() == "3 proizvoda pronađena"  # our words: at once
        assert again.search_box.placeholderText().startswith("Pretražite")
        # The hub's words follow: the tree, and the same search asked again.
        await eventually(
            lambda: again.tree.model().index(1, 0).data() == "Elektro (3)", what="the tree"
        )
        await eventually(
            lambda: again.desk.page is not english and again.desk.state == "ready",
            what="searched again",
        )
        assert again.status.text() == "3 proizvoda pronađena"
        again.detach()
    finally:
        _.use("en")


async def test_browsing_the_tree_without_words(
    make_window: MakeWindow, server: HubServer, shop: Shop, qtbot: Any
) -> None:
    _window, tab = await market_tab(make_window, server)
    index = tree_index(tab, "valves")
    tab.tree.setCurrentIndex(index)
    qtbot.keyClick(tab.tree, Qt.Key.Key_Return)
    await eventually(lambda: len(names(tab)) == 2, what="the valves")
    assert set(names(tab)) == {"Solenoid Valve DN25", "Ball Valve Brass"}
    assert tab.desk.query.text == "" and tab.desk.query.filter("category") == "valves"
    # "All categories" goes back to nothing chosen: the tab says what to do again.
    tab.tree.setCurrentIndex(tab.tree.model().index(0, 0))
    qtbot.keyClick(tab.tree, Qt.Key.Key_Return)
    await eventually(lambda: tab.desk.state == "idle", what="nothing chosen")
    assert tab.swap.showing_empty and tab.empty.title.text() == "Search every store at once"
