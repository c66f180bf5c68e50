"""Personalised items' drafts in the desktop cart's core (core/drafts.py) against real hubs on
127.0.0.1: edits kept on this computer at once and sent a moment later, kept across a restart
while the hub is away and sent when it is back, the shop's comments and edits arriving live,
its edits only after the shopper's consent, and checkout waiting for a finished form."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartstart_desktop.core.api import HubError, HubUnreachable
from cartstart_desktop.core.connection import Status
from cartstart_desktop.core.draft_state import Draft, NotSaved
from cartstart_desktop.core.session import CartSession
from cartstart_desktop.core.words import explain
from cartstart_server.clock import FakeClock
from cartstart_server.domain.tickets import cart_ref
from cartstart_server.server import HubServer
from shared_protocol.forms import FieldSpec, FieldValue, FormDefinition
from tests.desktop.test_session import PASSWORD, MakeSession, signed_in
from tests.helpers.hubs import hub_config, seed_store
from tests.helpers.waiting import eventually, free_port

INVITATIONS = FormDefinition(
    intro="Tell us what to print.",
    fields=[
        FieldSpec(key="wording", label="Wording", kind="long_text", required=True),
        FieldSpec(key="names", label="Names", kind="text", required=True, max_length=40),
        FieldSpec(key="paper", label="Paper", kind="choice", options=["Cream", "White"]),
        FieldSpec(
            key="guests",
            label="Guest list",
            kind="rows",
            required=True,
            columns=[
                FieldSpec(key="name", label="Name", kind="text", required=True),
                FieldSpec(key="table", label="Table", kind="number", integer=True, max=30),
            ],
        ),
    ],
)


async def personalised_shop(server: HubServer, **stock: int) -> tuple[str, str]:
    """A shop whose products (1,000 EUR minor units each) all have the invitations' form."""
    store_id, key = await seed_store(server.hub, "Paper & Co", stock or {"invites": 5})
    for product_id in stock or {"invites": 5}:
        await server.hub.forms.set(store_id, product_id, INVITATIONS)
    return store_id, key


class Shop:
    """The store's side over HTTP, with its key (the watching routes of docs/personalise.md)."""

    def __init__(self, server: HubServer, store_id: str, key: str, cart_id: str) -> None:
        self._http = httpx.AsyncClient(
            base_url=server.http_url, headers={"Authorization": f"Bearer {key}"}
        )
        self.store_id = store_id
        self.ref = cart_ref(store_id, cart_id)

    def _path(self, product_id: str, tail: str = "") -> str:
        return f"/api/stores/{self.store_id}/drafts/{self.ref}/{product_id}{tail}"

    async def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = await self._http.request(method, path, json=body)
        assert response.status_code < 400, response.text
        return response.json()

    async def draft(self, product_id: str = "invites") -> dict[str, Any]:
        result: dict[str, Any] = await self._call("GET", self._path(product_id))
        return result

    async def comment(self, text: str, field: str | None, product_id: str = "invites") -> Any:
        body = {"field": field, "text": text}
        return await self._call("POST", self._path(product_id, "/comments"), body)

    async def ask(self, product_id: str = "invites") -> Any:
        return await self._call("POST", self._path(product_id, "/takeover"))

    async def edit(self, values: dict[str, Any], product_id: str = "invites") -> Any:
        return await self._call("POST", self._path(product_id), {"values": values})

    async def close(self) -> None:
        await self._http.aclose()


async def carted(session: CartSession, store_id: str, product_id: str = "invites") -> None:
    await session.cart.reserve(store_id, product_id)
    (item,) = [i for i in session.local.state.items.values() if i.ticket.product_id == product_id]
    assert item.ticket.personalised
    await session.drafts.fetch(store_id, product_id)


def editing(draft: Draft | None) -> str:
    """The shop's editing as the cart last heard it."""
    assert draft is not None and draft.view is not None
    return draft.view.shop_editing


async def cart_id_of(server: HubServer, session: CartSession) -> str:
    assert session.api is not None and session.api.token is not None
    return (await server.hub.identity.authenticate_shopper(session.api.token)).cart_id


async def test_edits_are_kept_at_once_sent_a_moment_later_and_the_shop_sees_them(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, key = await personalised_shop(server)
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    draft = session.drafts.get(store_id, "invites")
    assert draft is not None and draft.view is not None
    assert draft.view.version == 0 and draft.progress is not None
    assert draft.progress.missing == ["Wording", "Names", "Guest list"]
    assert session.drafts.missing(store_id, "invites") == ["Wording", "Names", "Guest list"]

    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})
    # Shown at once, counted at once, and on disk before the hub has it.
    assert draft.values["names"] == "Ana & Ivan" and draft.progress.done == 1
    assert draft.state == "waiting"
    (row,) = await session.local.store.load_drafts()
    assert '"Ana & Ivan"' in row[3]
    await session.drafts.edit(store_id, "invites", {"paper": "Cream", "names": "Ana and Ivan"})
    await eventually(lambda: draft.state == "saved" and not draft.pending, what="saved")
    assert draft.view.values["names"].value == "Ana and Ivan"
    assert draft.view.values["names"].by == "buyer"

    shop = Shop(server, store_id, key, await cart_id_of(server, session))
    try:
        seen = await shop.draft()
        assert seen["values"]["names"]["value"] == "Ana and Ivan"
        assert seen["values"]["paper"]["value"] == "Cream"
        assert seen["progress"]["done"] == 1 and seen["progress"]["required"] == 3
        (row,) = await session.local.store.load_drafts()
        assert row[3] == "{}"  # nothing pending any more
        # Quitting right after typing: what was typed goes before the cart closes.
        await session.drafts.edit(store_id, "invites", {"paper": "White"})
        await session.close()
        assert (await shop.draft())["values"]["paper"]["value"] == "White"
    finally:
        await shop.close()


async def test_a_restart_while_offline_keeps_the_edits_and_sends_them_when_the_hub_is_back(
    tmp_path: Path, make_session: MakeSession
) -> None:
    clock = FakeClock()
    config = hub_config(tmp_path / "hub", port=free_port(), ws_port=free_port())
    async with HubServer(config, clock=clock) as server:
        store_id, key = await personalised_shop(server)
        session = await signed_in(make_session, server)
        await carted(session, store_id)
        await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})
        await session.drafts.flush()
        cart_id = await cart_id_of(server, session)
        await session.close()

    # The hub is away: the cart opens with the form, and the shopper goes on.
    session = make_session()
    assert await session.open()
    await eventually(lambda: session.stream.status is Status.OFFLINE, what="offline")
    draft = session.drafts.get(store_id, "invites")
    assert draft is not None and draft.values["names"] == "Ana & Ivan"
    guests: FieldValue = [{"name": "Ana", "table": 1}, {"name": "Ivan", "table": 1}]
    await session.drafts.edit(store_id, "invites", {"wording": "Together with", "guests": guests})
    await eventually(lambda: draft is not None and draft.state == "offline", what="offline")
    assert "offline" in draft.status_text()
    assert draft.progress is not None and draft.progress.done == 3  # counted here
    await session.close()

    # Started again, still offline: the edits are there, still to send.
    session = make_session()
    assert await session.open()
    draft = session.drafts.get(store_id, "invites")
    assert draft is not None and draft.pending["wording"] == "Together with"
    assert draft.values["guests"] == guests and draft.state == "offline"

    async with HubServer(config, clock=clock) as server:
        await eventually(
            lambda: session.stream.status is Status.WEBSOCKET, within=20, what="reconnected"
        )
        await eventually(lambda: not draft.pending, within=10, what="sent after reconnecting")
        assert draft.view is not None and draft.view.progress.complete
        shop = Shop(server, store_id, key, cart_id)
        try:
            seen = await shop.draft()
        finally:
            await shop.close()
        assert seen["values"]["wording"]["value"] == "Together with"
        assert seen["values"]["names"]["value"] == "Ana & Ivan"
        assert seen["progress"]["complete"] is True
        await session.close()


async def test_the_shop_comments_asks_and_edits_only_after_consent(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, key = await personalised_shop(server)
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    await session.drafts.edit(store_id, "invites", {"names": "Ana"})
    await session.drafts.flush()
    draft = session.drafts.get(store_id, "invites")
    assert draft is not None
    shop = Shop(server, store_id, key, await cart_id_of(server, session))
    try:
        await shop.comment("<b>Surname</b> too?", "names")
        await eventually(
            lambda: draft.view is not None and len(draft.view.comments) == 1, what="comment"
        )
        assert draft.view is not None
        (comment,) = draft.view.comments
        assert comment.text == "<b>Surname</b> too?" and comment.field == "names"

        # Not allowed to edit yet; asking shows in the cart.
        refused = await shop._http.post(
            f"/api/stores/{store_id}/drafts/{shop.ref}/invites", json={"values": {"names": "X"}}
        )
        assert refused.status_code == 403
        await shop.ask()
        await eventually(lambda: editing(draft) == "asked", what="asked")
        await session.drafts.consent(store_id, "invites", True)
        assert editing(draft) == "allowed"
        await shop.edit({"names": "Ana Petrović"})
        await eventually(
            lambda: draft.values["names"] == "Ana Petrović", what="the shop's edit arrives"
        )
        assert draft.view is not None
        state = draft.view.values["names"]
        assert state.by == "shop" and state.by_name == "Paper & Co"

        # The shopper's later edit wins (last writer per field), and then stops the shop.
        await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan Petrović"})
        await session.drafts.flush()
        assert (await shop.draft())["values"]["names"]["by"] == "buyer"
        await session.drafts.consent(store_id, "invites", False)
        assert editing(draft) == "off"
    finally:
        await shop.close()


async def test_a_value_the_hub_would_refuse_stays_here_marked_and_the_rest_is_sent(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _ = await personalised_shop(server)
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    draft = session.drafts.get(store_id, "invites")
    assert draft is not None
    await session.drafts.edit(
        store_id, "invites", {"names": "x" * 41, "wording": "Together with their families"}
    )
    await session.drafts.flush()
    assert draft.view is not None
    assert draft.view.values["wording"].value == "Together with their families"
    assert "names" not in draft.view.values and draft.pending == {"names": "x" * 41}
    assert draft.problems() == {"names": "at most 40 characters"}
    assert draft.state == "refused"
    # The store shortens the field after the cart read the form: the hub refuses, named.
    shorter = INVITATIONS.model_copy(
        update={
            "fields": [
                f.model_copy(update={"max_length": 5}) if f.key == "names" else f
                for f in INVITATIONS.fields
            ]
        }
    )
    await server.hub.forms.set(store_id, "invites", shorter)
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan", "paper": "White"})
    await session.drafts.flush()
    assert draft.pending == {"names": "Ana & Ivan"}
    assert draft.view.values["paper"].value == "White"  # the rest was sent
    assert "names" in draft.problems()


async def test_checkout_waits_for_a_finished_form_and_the_order_carries_it(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _ = await personalised_shop(server)
    plain, _ = await seed_store(server.hub, "Books", {"novel": 2})
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    await session.cart.reserve(plain, "novel")
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})

    review = session.cart.review(None)
    assert [s.store_name for s in review.stores] == ["Books"]
    (waiting,) = review.waiting
    (unfinished,) = waiting.unfinished
    assert unfinished.missing == ["Wording", "Guest list"]
    assert unfinished.text == (
        "Finish personalising Product invites (Wording, Guest list) before checking out."
    )
    result = await session.cart.place(review)  # the books only
    assert [o.store_name for o in result.orders or []] == ["Books"]
    assert session.local.state.held_count() == 1

    # Finished (the last answer still on its way): the order carries the form.
    await session.drafts.edit(
        store_id,
        "invites",
        {"wording": "Together with", "guests": [{"name": "Ana", "table": 1}]},
    )
    review = session.cart.review(store_id)
    assert review.waiting == [] and [s.store_name for s in review.stores] == ["Paper & Co"]
    result = await session.cart.place(review)
    (order,) = result.orders or []
    (line,) = order.lines
    assert line.customisation is not None
    texts = {c.key: c.text for c in line.customisation}
    assert texts["names"] == "Ana & Ivan" and texts["guests"] == "Name: Ana, Table: 1"


async def test_a_form_started_on_the_stores_page_continues_in_the_cart_and_back(
    server: HubServer, make_session: MakeSession
) -> None:
    origin = "https://paper.example"
    store_id, _ = await seed_store(server.hub, "Paper & Co", {"invites": 5}, origins=[origin])
    await server.hub.forms.set(store_id, "invites", INVITATIONS)
    session = await signed_in(make_session, server)
    await session.cart.reserve(store_id, "invites")
    assert session.api is not None
    link = (await session.api.mint_link_token(store_id, "the shop's page")).token
    page_url = f"/api/page/drafts/{store_id}/invites"
    async with httpx.AsyncClient(
        base_url=server.http_url, headers={"Authorization": f"Bearer {link}", "Origin": origin}
    ) as page:
        # Half the form on the page; the cart hears it on its stream.
        r = await page.post(page_url, json={"values": {"names": "Ana & Ivan"}})
        assert r.status_code == 200, r.text
        await eventually(
            lambda: (
                (d := session.drafts.get(store_id, "invites")) is not None
                and d.values.get("names") == "Ana & Ivan"
            ),
            what="the page's answer in the cart",
        )
        assert session.drafts.missing(store_id, "invites") == ["Wording", "Guest list"]
        # More in the cart; the page reads it back.
        await session.drafts.edit(store_id, "invites", {"wording": "Together with"})
        await session.drafts.flush()
        seen = (await page.get(page_url)).json()
        assert seen["values"]["wording"]["value"] == "Together with"
        assert seen["values"]["names"]["value"] == "Ana & Ivan"


async def test_a_save_on_its_way_when_signing_out_writes_nothing_back(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _key = await personalised_shop(server)
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    api = session.api
    assert api is not None
    send = api.edit_draft
    entered = asyncio.Event()
    gate = asyncio.Event()

    async def slow(*args: Any, **kwargs: Any) -> Any:
        answer = await send(*args, **kwargs)  # the hub saved it; the answer is late
        entered.set()
        await gate.wait()
        return answer

    api.edit_draft = slow  # type: ignore[method-assign]
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})
    await asyncio.wait_for(entered.wait(), 10)
    await session.account.sign_out()
    gate.set()
    for _ in range(5):
        await asyncio.sleep(0)
    assert session.drafts.items == {}
    assert await session.local.store.load_drafts() == []
    await session.close()


async def test_no_checkout_while_answers_of_the_items_bought_are_not_saved(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _ = await personalised_shop(server)
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    guests: FieldValue = [{"name": "Ana", "table": 1}]
    await session.drafts.edit(
        store_id, "invites", {"wording": "Together with", "names": "Ana & Ivan", "guests": guests}
    )
    await session.drafts.flush()
    # The paper changed, and the hub's answer to the save before the checkout is lost.
    api = session.api
    assert api is not None
    send = api.edit_draft

    async def lost(*args: Any, **kwargs: Any) -> Any:
        raise HubUnreachable("lost")

    api.edit_draft = lost  # type: ignore[method-assign]
    await session.drafts.edit(store_id, "invites", {"paper": "Cream"})
    review = session.cart.review(store_id)
    assert [s.store_name for s in review.stores] == ["Paper & Co"]
    with pytest.raises(NotSaved) as stopped:
        await session.cart.place(review)
    assert stopped.value.names == ["Product invites"]
    assert explain(stopped.value) == (
        "Nothing was bought: answers not saved yet: Product invites. Open Personalise… to see "
        "why, then check out again."
    )
    assert session.local.state.held_count() == 1 and not session.purchases.deliveries
    api.edit_draft = send  # type: ignore[method-assign]
    result = await session.cart.place(session.cart.review(store_id))
    (order,) = result.orders or []
    texts = {c.key: c.text for c in order.lines[0].customisation or []}
    assert texts["paper"] == "Cream"


async def test_an_answer_the_hub_refused_is_not_done_and_the_store_waits(
    server: HubServer, make_session: MakeSession
) -> None:
    store_id, _ = await personalised_shop(server)
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    guests: FieldValue = [{"name": "Ana", "table": 1}]
    await session.drafts.edit(store_id, "invites", {"wording": "Together with", "guests": guests})
    await session.drafts.flush()
    api = session.api
    assert api is not None

    async def refused(*args: Any, **kwargs: Any) -> Any:  # a rule only the hub knows
        raise HubError("bad_value", "no", {"field": "names"})

    api.edit_draft = refused  # type: ignore[method-assign]
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})
    await session.drafts.flush()
    draft = session.drafts.get(store_id, "invites")
    assert draft is not None and "names" in draft.refused
    assert draft.progress is not None and not draft.progress.complete
    assert draft.progress.done == 2 and draft.progress.missing == ["Names"]
    review = session.cart.review(store_id)
    assert review.stores == [] and [s.store_name for s in review.waiting] == ["Paper & Co"]
    await session.close()


async def test_an_offline_edit_older_than_an_answer_given_elsewhere_is_not_sent(
    server: HubServer, make_session: MakeSession, clock: FakeClock
) -> None:
    store_id, key = await personalised_shop(server)
    session = await signed_in(make_session, server)
    await carted(session, store_id)
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan", "paper": "Cream"})
    await session.drafts.flush()
    shop = Shop(server, store_id, key, await cart_id_of(server, session))
    await shop.ask()
    await session.drafts.consent(store_id, "invites", True)
    api = session.api
    assert api is not None
    send = api.edit_draft

    async def away(*args: Any, **kwargs: Any) -> Any:
        raise HubUnreachable("away")

    # Monday, the hub out of reach: the shopper changes the names (and the paper) here.
    api.edit_draft = away  # type: ignore[method-assign]
    clock.advance(60)
    await session.drafts.edit(store_id, "invites", {"names": "Monday's names", "paper": "White"})
    await session.drafts.flush()
    draft = session.drafts.get(store_id, "invites")
    assert draft is not None and draft.state == "offline"
    # Tuesday, the names are answered elsewhere; then the cart is back.
    clock.advance(60)
    try:
        await shop.edit({"names": "Tuesday's names"})
        api.edit_draft = send  # type: ignore[method-assign]
        await session.drafts.refresh()
        await session.drafts.flush()
        await eventually(lambda: not draft.pending, what="the paper sent")
        seen = (await shop.draft())["values"]
    finally:
        await shop.close()
    assert seen["names"]["value"] == "Tuesday's names"  # the newer answer stays
    assert seen["paper"]["value"] == "White"  # not changed elsewhere: sent
    assert draft.overridden == {"names": "Monday's names"}
    assert draft.status_text() == (
        "Changed elsewhere meanwhile, so your offline edits were not sent. What you had typed: "
        "Names: Monday's names"
    )
    assert draft.values["names"] == "Tuesday's names"
    # Typing in the field again is a new edit, sent as usual.
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})
    await session.drafts.flush()
    assert draft.overridden == {} and draft.view is not None
    assert draft.view.values["names"].value == "Ana & Ivan"
    await session.close()


async def test_typing_online_wins_over_a_shop_edit_that_reached_the_hub_a_moment_before(
    server: HubServer, make_session: MakeSession, clock: FakeClock
) -> None:
    """Last writer wins per field: the shopper's typing, waiting for its save, is a later write
    than the shop's edit made meanwhile, so it is sent and kept (as on the store's page)."""
    store_id, key = await personalised_shop(server)
    session = make_session(draft_delay=30.0)  # the save waits until flushed below
    await session.open()
    await session.account.log_in(
        server.http_url, "alice@example.org", PASSWORD, create_account=True
    )
    await eventually(lambda: session.stream.status is Status.WEBSOCKET, what="websocket")
    await carted(session, store_id)
    await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan"})
    await session.drafts.flush()
    shop = Shop(server, store_id, key, await cart_id_of(server, session))
    await shop.ask()
    await session.drafts.consent(store_id, "invites", True)
    try:
        await session.drafts.edit(store_id, "invites", {"names": "Ana & Ivan Petrović"})
        clock.advance(1)
        await shop.edit({"names": "The shop's names"})  # while the shopper's save waits
        draft = session.drafts.get(store_id, "invites")
        assert draft is not None
        await eventually(
            lambda: (
                draft.view is not None and draft.view.values["names"].value == "The shop's names"
            ),
            what="the shop's edit seen by the cart",
        )
        assert draft.values["names"] == "Ana & Ivan Petrović"  # the typing still shows
        await session.drafts.flush()
        seen = (await shop.draft())["values"]["names"]
    finally:
        await shop.close()
    assert seen["value"] == "Ana & Ivan Petrović" and seen["by"] == "buyer"
    assert draft.overridden == {}
