"""Personalise… in the desktop cart's window, offscreen, against a real hub on 127.0.0.1: the
form of a personalised cart item with every kind of field, progress in the row, the shop's
comments, its request to edit and its changes arriving live, hostile text shown as text, and
the checkout review saying what is missing and placing only the finished stores' orders."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidgetItem

from cartstart_desktop.core.lang import _
from cartstart_desktop.ui.cart_model import STATUS
from cartstart_desktop.ui.form_fields import ChoiceEditor, LineEditor, RowsEditor, TextBoxEditor
from cartstart_desktop.ui.main_window import MainWindow
from cartstart_desktop.ui.personalise_dialog import PersonaliseDialog
from cartstart_server.server import HubServer
from shared_protocol.cart import Reserve
from shared_protocol.forms import FieldSpec, FormDefinition
from tests.desktop.test_drafts import Shop
from tests.desktop.ui.test_main_window import MakeWindow, cell, signed_in
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.waiting import eventually

HOSTILE = "<b>bold</b><img src=x>"
EVERY_KIND = FormDefinition(
    intro=f"Intro {HOSTILE}",
    fields=[
        FieldSpec(key="wording", label=f"Wording {HOSTILE}", kind="long_text", required=True),
        FieldSpec(key="names", label="Names", kind="text", required=True, max_length=40),
        FieldSpec(key="paper", label="Paper", kind="choice", options=["Cream", HOSTILE]),
        FieldSpec(key="count", label="Count", kind="number", integer=True, max=500),
        FieldSpec(key="day", label="Day", kind="date", help=f"Help {HOSTILE}"),
        FieldSpec(
            key="guests",
            label="Guest list",
            kind="rows",
            required=True,
            columns=[
                FieldSpec(key="name", label="Name", kind="text", required=True),
                FieldSpec(key="table", label="Table", kind="number", integer=True),
            ],
        ),
    ],
)


async def personalised(
    make_window: MakeWindow, server: HubServer
) -> tuple[MainWindow, str, str, Any]:
    store_id, key = await seed_store(server.hub, f"Paper {HOSTILE}", {"invites": 5})
    await server.hub.forms.set(store_id, "invites", EVERY_KIND)
    window, shopper = await signed_in(make_window, server)
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=store_id, product_id="invites")
    )
    await eventually(lambda: window.cart_tab.model.rowCount() == 1, what="the row")
    return window, store_id, key, shopper


async def open_form(window: MainWindow, qtbot: Any) -> PersonaliseDialog:
    tab = window.cart_tab
    tab.view.setCurrentIndex(tab.model.index(0, 0, tab.model.index(0, 0)))
    assert tab.personalise_button.isEnabled()
    qtbot.mouseClick(tab.personalise_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: bool(tab.forms), what="the form opens")
    (dialog,) = tab.forms.values()
    assert dialog.isVisible()
    return dialog


def texts(dialog: PersonaliseDialog) -> list[str]:
    return [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]


async def test_the_form_from_the_cart_row_every_kind_and_the_shop_live(
    make_window: MakeWindow, server: HubServer, qtbot: Any
) -> None:
    window, store_id, key, shopper = await personalised(make_window, server)
    # The hub's unstarted draft reaches the cart with the item: the row counts from it.
    await eventually(lambda: cell(window, 0, 0, STATUS) == "Held · 0 of 3 done", what="0 of 3")
    dialog = await open_form(window, qtbot)
    shown = texts(dialog)
    assert f"Wording {HOSTILE} *" in shown and f"Intro {HOSTILE}" in shown
    assert any(t.startswith(f"Help {HOSTILE}") for t in shown)
    assert (
        "0 of 3 required answers done. Still to fill: Wording <b>bold</b><img src=x>, "
        "Names, Guest list." in shown
    )
    # Everything the store or the shopper wrote is plain text (Qt would read tags otherwise).
    for label in dialog.findChildren(QLabel):
        if "<" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()

    blocks = dialog.blocks
    assert isinstance(blocks["wording"].editor, TextBoxEditor)
    qtbot.keyClicks(blocks["wording"].editor.box, "Together with their families")
    names = blocks["names"].editor
    assert isinstance(names, LineEditor)
    qtbot.keyClicks(names.line, "Ana & Ivan")
    paper = blocks["paper"].editor
    assert isinstance(paper, ChoiceEditor) and paper.combo.itemText(2) == HOSTILE
    paper.combo.setCurrentIndex(1)
    paper.combo.activated.emit(1)
    count = blocks["count"].editor
    assert isinstance(count, LineEditor)
    qtbot.keyClicks(count.line, "120")
    day = blocks["day"].editor
    assert isinstance(day, LineEditor)
    qtbot.keyClicks(day.line, "2026-06-2")
    await eventually(
        lambda: blocks["day"].problem.text() == "Not saved: write the date as YYYY-MM-DD",
        what="a half-typed date is marked",
    )
    qtbot.keyClicks(day.line, "0")
    await eventually(lambda: blocks["day"].problem.text() == "", what="a whole date is not")
    guests = blocks["guests"].editor
    assert isinstance(guests, RowsEditor)
    qtbot.mouseClick(guests.add_button, Qt.MouseButton.LeftButton)
    guests.table.setItem(0, 0, QTableWidgetItem("Ana"))
    guests.table.setItem(0, 1, QTableWidgetItem("3"))
    await eventually(lambda: cell(window, 0, 0, STATUS) == "Held · personalised", what="done")
    await eventually(lambda: dialog.status.text() == "Saved", what="saved at the hub")

    shop = Shop(server, store_id, key, shopper.cart_id)
    try:
        seen = (await shop.draft())["values"]
        assert seen["wording"]["value"] == "Together with their families"
        assert seen["paper"]["value"] == "Cream" and seen["count"]["value"] == 120
        assert seen["day"]["value"] == "2026-06-20"
        assert seen["guests"]["value"] == [{"name": "Ana", "table": 3}]

        # The shop comments: under its field, at once, as text.
        await shop.comment(f"Surname too? {HOSTILE}", "names")
        await shop.comment("Welcome!", None)
        said = f"Paper {HOSTILE} (shop): Surname too? {HOSTILE}"
        await eventually(lambda: said in texts(dialog), what="the comment, under its field")
        assert said in [label.text() for label in blocks["names"].findChildren(QLabel)]
        await eventually(
            lambda: f"Paper {HOSTILE} (shop): Welcome!" in texts(dialog), what="on the form"
        )

        # It asks to edit; the shopper allows; its change shows, marked.
        await shop.ask()
        await eventually(lambda: dialog.allow_button.isVisible(), what="the shop asks")
        assert any("asks to edit this form with you" in t for t in texts(dialog))
        qtbot.mouseClick(dialog.allow_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: dialog.stop_button.isVisible(), what="allowed")
        await shop.edit({"names": "Ana & Ivan Petrović"})
        await eventually(lambda: names.line.text() == "Ana & Ivan Petrović", what="its edit")
        assert blocks["names"].mark.text().startswith("Changed by ")
        assert blocks["names"].mark.text().endswith("(shop)")
        qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
        await eventually(lambda: not dialog.consent.isVisible(), what="stopped")
        assert (await shop.draft())["shop_editing"] == "off"
    finally:
        await shop.close()
    dialog.close()
    await eventually(lambda: not window.cart_tab.forms, what="closed")


async def test_the_review_says_what_is_missing_and_places_only_finished_stores(
    make_window: MakeWindow, server: HubServer, qtbot: Any
) -> None:
    window, store_id, _key, shopper = await personalised(make_window, server)
    books, _ = await seed_store(server.hub, "Books", {"novel": 2})
    await server.hub.carts.command(
        shopper, Reserve(id=command_id(), store_id=books, product_id="novel")
    )
    session = window.session
    await eventually(lambda: session.local.state.held_count() == 2, what="two items")
    await session.drafts.fetch(store_id, "invites")
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})

    tab = window.cart_tab
    qtbot.mouseClick(tab.checkout_all_button, Qt.MouseButton.LeftButton)
    review = tab.review_dialog
    assert review is not None and review.isVisible()
    shown = [label.text() for label in review.findChildren(QLabel)]
    assert (
        f"Finish personalising Product invites (Wording {HOSTILE}, Guest list) before "
        "checking out." in shown
    )
    assert "1 order, €10.00 in all. You can follow them under Deliveries." in shown
    qtbot.mouseClick(review.confirm_button, Qt.MouseButton.LeftButton)
    await eventually(lambda: len(session.purchases.deliveries) == 1, what="the books' order")
    assert session.purchases.deliveries[0].order.store_name == "Books"
    assert session.local.state.held_count() == 1

    # Only the personalised item is left: the review sends the shopper to its form.
    review = tab.review(None)
    assert not review.confirm_button.isEnabled()
    assert review.summary.text() == "Finish the forms above first: nothing can be bought yet."
    buttons = [
        b for b in review.findChildren(type(review.confirm_button)) if b.text() == "Personalise…"
    ]
    (button,) = buttons
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    await eventually(lambda: bool(tab.forms), what="the form opens from the review")
    assert not review.isVisible()


async def test_the_form_in_serbian(make_window: MakeWindow, server: HubServer, qtbot: Any) -> None:
    _.use("sr")
    try:
        window, _store_id, _key, _shopper = await personalised(make_window, server)
        tab = window.cart_tab
        assert tab.personalise_button.text() == "Prilagodi…"
        await eventually(
            lambda: cell(window, 0, 0, STATUS) == "Rezervisano · urađeno 0 od 3", what="status"
        )
        dialog = await open_form(window, qtbot)
        shown = texts(dialog)
        assert dialog.windowTitle() == "Prilagodi: Product invites"
        (price,) = [t for t in shown if t.startswith("Cena sa vašim odgovorima: ")]
        assert price.endswith(" po komadu") and "10" in price
        assert any(t.startswith("Urađeno 0 od 3 obaveznih odgovora.") for t in shown)
        assert "najviše 40 znakova" in shown
        guests = dialog.blocks["guests"].editor
        assert isinstance(guests, RowsEditor) and guests.add_button.text() == "Dodaj red"
        assert dialog.close_button.text() == "Zatvori"
    finally:
        _.use("en")


async def test_reopening_shows_the_unsaved_answers_and_comments_are_not_redrawn_needlessly(
    make_window: MakeWindow, server: HubServer, qtbot: Any
) -> None:
    window, store_id, key, shopper = await personalised(make_window, server)
    drafts = window.session.drafts
    await drafts.fetch(store_id, "invites")
    shop = Shop(server, store_id, key, shopper.cart_id)
    try:
        await shop.comment("Surname too?", "names")
        await shop.comment("Welcome!", None)
    finally:
        await shop.close()
    draft = drafts.items[(store_id, "invites")]
    await eventually(lambda: draft.view is not None and len(draft.view.comments) == 2)
    # Too long to send (kept, marked) and one typed a moment ago: both unsaved.
    await drafts.edit(store_id, "invites", {"count": 900})  # over its limit of 500
    await drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})
    dialog = await open_form(window, qtbot)
    names = dialog.blocks["names"].editor
    count = dialog.blocks["count"].editor
    assert isinstance(names, LineEditor) and isinstance(count, LineEditor)
    assert count.line.text() == "900"
    assert names.line.text() == "Ana & Ivan"
    assert dialog.blocks["count"].problem.text().startswith("Not saved: ")

    # Saves and other changes do not rebuild the comments (no flicker); new ones do show.
    (comment,) = [
        label
        for label in dialog.blocks["names"].findChildren(QLabel)
        if label.text().endswith("Surname too?")
    ]
    (welcome,) = [
        label for label in dialog.findChildren(QLabel) if label.text().endswith("Welcome!")
    ]
    await drafts.edit(store_id, "invites", {"paper": "Cream"})
    await eventually(lambda: dialog.status.text() != "Saving…", what="saved")
    dialog.refresh()
    assert comment in dialog.blocks["names"].findChildren(QLabel) and comment.isVisible()
    assert welcome.isVisible() and welcome.parent() is not None

    # An offline edit the core did not send (answered elsewhere since): said under its field.
    draft.overridden["day"] = "2026-06-20"
    drafts.changed.emit(dialog.key)
    assert dialog.blocks["day"].problem.text() == (
        "Changed elsewhere; your offline edit was not sent. You had typed: 2026-06-20"
    )
    assert dialog.status.text().startswith("Changed elsewhere meanwhile")
    dialog.close()
