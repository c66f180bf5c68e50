"""The review's findings on solutions (docs/marketplace.md "Solutions, quotes and orders"), on
SQLite and on PostgreSQL + Redis: control characters refused, an accept pins the answer the buyer
saw, a send takes the solution as it is under its lock and counts emails only for new sends, a
retry is recognised by what the client sent, unlisted products shown as gone, names on one line
in emails (and a bad subject fails alone), agents reach only requests of their products, a
decline keeps its note, the display currency in any case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.services.solutions import Solutions
from cartstart_server.storage import outbound_queue
from cartstart_server.storage.sql import Plan, Row, Stmt
from shared_protocol.common import Price
from shared_protocol.store import ProductIn, UpsertProducts
from tests.helpers.hubs import command_id, seed_store
from tests.helpers.peers import peer
from tests.helpers.waiting import eventually
from tests.integration.solution_helpers import (
    Market,
    agent_handling,
    count_rows,
    line,
    mails_to,
    market,
    secret_header,
    text_of,
)
from tests.integration.test_agents import PASSWORD, bearer

BUYER = {"name": "Mira Jovanović", "email": "mira@buyer.example"}


async def create(m: Market, lines: list[dict[str, Any]], name: str = "Refit") -> dict[str, Any]:
    r = await m.http.post("/api/market/solutions", json={"name": name, "lines": lines})
    assert r.status_code == 201, r.text
    return dict(r.json())


async def send(
    m: Market,
    created: dict[str, Any],
    key: str,
    kind: str = "quote",
    contact: dict[str, str] | None = None,
    **more: Any,
) -> Any:
    headers = {**secret_header(created), "Idempotency-Key": key, **more.pop("headers", {})}
    return await m.http.post(
        f"/api/market/solutions/{created['id']}/send",
        json={"kind": kind, "contact": contact or BUYER, **more},
        headers=headers,
    )


async def answer(m: Market, firm: Any, rid: str, token: str, amount: int = 900) -> Any:
    return await m.http.post(
        f"/api/stores/{firm.store_id}/requests/{rid}/answer",
        json={"price": {"amount": amount, "currency": "EUR"}, "valid_until": "2027-02-01"},
        headers=bearer(token),
    )


async def test_control_characters_are_refused_in_words_and_nothing_is_stored(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt = m.firms[0]
        r = await m.http.post(
            "/api/market/solutions", json={"name": "a\u0000b", "lines": [line(volt, "cable", 1)]}
        )
        assert r.status_code == 422, r.text
        assert "control characters" in r.json()["error"]["message"]
        bad_note = {"name": "x", "lines": [line(volt, "cable", 1, note="x\u0000y")]}
        r = await m.http.post("/api/market/solutions", json=bad_note)
        assert r.status_code == 422 and r.json()["error"]["details"]["line"] == 1, r.text
        assert await count_rows(m.server, "solutions") == 0
        # A note may hold line breaks; the contact's one-line fields may not hold NUL.
        created = await create(m, [line(volt, "cable", 1, note="first\nsecond")])
        r = await send(m, created, "key-solfix-nul-1", contact={**BUYER, "company": "c\u0000d"})
        assert r.status_code == 422, r.text
        r = await send(
            m, created, "key-solfix-nul-2", contact={**BUYER, "phone": "1\r\nBcc: x@y.z"}
        )
        assert r.status_code == 422, r.text
        assert await count_rows(m.server, "solution_requests") == 0
        assert await count_rows(m.server, "mail_queue") == 0
        r = await send(m, created, "key-solfix-nul-3")
        assert r.status_code == 201, r.text
        (rq,) = r.json()["requests"]
        r = await m.http.post(
            f"/api/stores/{volt.store_id}/requests/{rq['id']}/decline",
            json={"note": "no\u0000"},
            headers=bearer(volt.key),
        )
        assert r.status_code == 422, r.text
        r = await m.http.post(
            f"/api/stores/{volt.store_id}/requests/{rq['id']}/answer",
            json={"price": {"amount": 1, "currency": "EUR"}, "valid_until": "2027-02-01",
                  "note": "\u0000"},
            headers=bearer(volt.key),
        )  # fmt: skip
        assert r.status_code == 422, r.text


async def test_accepting_pins_the_answer_the_buyer_saw(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        tile = m.firms[2]
        created = await create(m, [line(tile, "tile", 10)])
        (rq,) = (await send(m, created, "key-solfix-pin")).json()["requests"]
        seen = (await answer(m, tile, rq["id"], tile.key, 10_000)).json()["version"]
        assert (await answer(m, tile, rq["id"], tile.key, 15_000)).status_code == 200
        url = f"/api/market/solutions/{created['id']}/requests/{rq['id']}/accept"
        r = await m.http.post(url, json={"version": seen}, headers=secret_header(created))
        assert r.status_code == 409, r.text
        error = r.json()["error"]
        assert error["code"] == "answer_changed" and "changed its answer" in error["message"]
        assert await count_rows(m.server, "orders") == 0
        page = await m.http.get(
            f"/api/market/solutions/{created['id']}", headers=secret_header(created)
        )
        (now,) = page.json()["requests"]
        assert now["answer"]["price"]["amount"] == 15_000 and now["version"] == seen + 1
        r = await m.http.post(url, json={"version": now["version"]}, headers=secret_header(created))
        assert r.status_code == 200, r.text
        assert r.json()["order"]["total"]["amount"] == 15_000


async def test_a_send_takes_the_solution_as_it_is_when_its_transaction_starts(
    tmp_path: Path,
    clock: FakeClock,
    backend_settings: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another tab's edit lands between the link's check and the send's transaction: the firms
    get the edited lines, not the ones read before."""
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe = m.firms[:2]
        created = await create(m, [line(volt, "cable", 1)])
        checked = Solutions._open

        edits: list[int] = []

        async def edited_meanwhile(self: Solutions, *args: Any) -> Row:
            row = await checked(self, *args)
            if edits:  # the edit's own check, or a later call
                return row
            edits.append(1)
            body = {"name": "Edited", "lines": [line(pipe, "valve", 2)], "version": 1}
            r = await m.http.put(
                f"/api/market/solutions/{created['id']}", json=body, headers=secret_header(created)
            )
            assert r.status_code == 200, r.text
            return row

        monkeypatch.setattr(Solutions, "_open", edited_meanwhile)
        r = await send(m, created, "key-solfix-fresh")
        assert r.status_code == 201, r.text
        (rq,) = r.json()["requests"]
        assert rq["store_id"] == pipe.store_id
        assert [li["product_id"] for li in rq["lines"]] == ["valve"]


async def test_a_retry_is_recognised_by_what_the_client_sent(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt = m.firms[0]
        created = await create(m, [line(volt, "cable", 1)])
        first = await send(m, created, "key-solfix-retry", headers={"Accept-Language": "sr"})
        assert first.status_code == 201, first.text
        # Edited since, and retried from a browser in English: the same send.
        body = {"name": "Edited", "lines": [line(volt, "cable", 2)], "version": 1}
        url = f"/api/market/solutions/{created['id']}"
        assert (await m.http.put(url, json=body, headers=secret_header(created))).status_code == 200
        retry = await send(m, created, "key-solfix-retry", headers={"Accept-Language": "en"})
        assert retry.status_code == 201, retry.text
        assert retry.json()["requests"][0]["id"] == first.json()["requests"][0]["id"]
        assert await count_rows(m.server, "solution_requests") == 1
        # Another kind with the same key is another request: refused.
        other = await send(m, created, "key-solfix-retry", kind="order")
        assert other.status_code == 409 and other.json()["error"]["code"] == "idempotency_conflict"


async def test_only_new_sends_count_against_the_email_budget(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe = m.firms[:2]
        created = await create(m, [line(volt, "cable", 1)])
        assert (await send(m, created, "key-solfix-budget")).status_code == 201
        url = f"/api/market/solutions/{created['id']}"
        for n in range(18):
            r = await m.http.post(
                f"{url}/email", json={"email": f"me{n}@x.example"}, headers=secret_header(created)
            )
            assert r.status_code == 202, r.text
        # 19 so far. A send that fails uses no budget: the next good one is the 20th.
        too_many = await create(m, [line(pipe, "valve", 21)])
        assert (await send(m, too_many, "key-solfix-stock", kind="order")).status_code == 409
        assert (await send(m, too_many, "key-solfix-quote")).status_code == 201
        # A retry of a send that went through is not a new email: no 429.
        again = await send(m, created, "key-solfix-budget")
        assert again.status_code == 201, again.text
        r = await m.http.post(
            f"{url}/email", json={"email": "one@x.example"}, headers=secret_header(created)
        )
        assert r.status_code == 429, r.text
        # A signed-in buyer is counted for their account, not for the address.
        account = {"email": "lena@buyer.example", "password": "correct horse battery"}
        r = await m.http.post("/api/accounts", json={**account, "display_name": "Lena"})
        assert r.status_code == 201, r.text
        me = bearer((await m.http.post("/api/sessions", json=account)).json()["token"])
        r = await m.http.post(f"{url}/email", json={"email": "lena@buyer.example"}, headers={
            **secret_header(created), **me})  # fmt: skip
        assert r.status_code == 202, r.text


async def test_unlisted_and_inactive_products_are_shown_like_gone_ones(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, _, tile = m.firms
        created = await create(
            m, [line(volt, "cable", 1), line(volt, "socket", 1), line(tile, "grout", 1)]
        )
        hidden = [
            ProductIn(id="cable", name="Secret cable", code="SC-1",
                      price=Price(amount=7, currency="EUR"), listed=False),
            ProductIn(id="socket", name="Old socket", code="OS-1",
                      price=Price(amount=8, currency="EUR"), active=False),
        ]  # fmt: skip
        await m.server.hub.stores.command(
            volt.store_id, UpsertProducts(id=command_id(), products=hidden)
        )
        url = f"/api/market/solutions/{created['id']}"
        lines = (await m.http.get(url, headers=secret_header(created))).json()["lines"]
        for gone in lines[:2]:
            assert gone["available"] is False and gone["price"] is None, gone
            assert gone["name"] == "" and gone["code"] == "" and gone["image_url"] is None
        assert lines[2]["available"] is True and lines[2]["name"] == "Product grout"
        firms = (await m.http.get(url, headers=secret_header(created))).json()["firms"]
        assert [f["store_id"] for f in firms] == [tile.store_id]
        r = await m.http.post(
            f"{url}/email", json={"email": "me@x.example"}, headers=secret_header(created)
        )
        assert r.status_code == 202, r.text
        text = text_of((await mails_to(m.inbox, "me@x.example"))[0])
        assert "1 line:" in text and "[GROUT]" in text
        assert "Secret cable" not in text and "SC-1" not in text and "Old socket" not in text


async def test_a_store_name_with_a_line_break_stays_on_one_line_and_a_bad_subject_fails_alone(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        hub = m.server.hub
        evil_id, evil_key = await seed_store(hub, "Evil\nBcc: victim@x.example", {"nut": 5})
        r = await m.http.patch(
            f"/api/stores/{evil_id}/settings",
            json={"contact_email": "evil@firm.example"},
            headers=bearer(evil_key),
        )
        assert r.status_code == 200, r.text
        created = await create(m, [{"store_id": evil_id, "product_id": "nut", "qty": 1}])
        assert (await send(m, created, "key-solfix-evil")).status_code == 201
        (firm_mail,) = await mails_to(m.inbox, "evil@firm.example")
        assert firm_mail["Subject"] == "Request for a quote for Evil Bcc: victim@x.example"
        assert firm_mail["Bcc"] is None
        (confirmation,) = await mails_to(m.inbox, "mira@buyer.example")
        assert "Evil Bcc: victim@x.example (reference" in text_of(confirmation)
        # A subject the email library refuses (queued before this fix): a failed delivery with
        # its reason; the email queued after it still goes.
        now = clock.now()

        def queue_two() -> Plan[None]:
            yield from outbound_queue.queued_mail("a@x.example", "bad\nBcc: b@x", "body", now)
            yield from outbound_queue.queued_mail("c@x.example", "fine", "body", now)

        await hub.db.write(queue_two())
        hub.outbound.wake()
        await mails_to(m.inbox, "c@x.example")

        def bad_row() -> Plan[list[Row]]:
            return (
                yield Stmt(
                    "SELECT attempts, last_error, sent_at FROM mail_queue WHERE to_addr = ?",
                    ("a@x.example",),
                )
            )

        async def failed() -> bool:
            (row,) = await hub.db.read(bad_row())
            return bool(row["attempts"] == 1 and row["last_error"] and row["sent_at"] is None)

        await eventually(failed, 10, "the bad subject marked as a failed delivery")


async def test_agents_reach_only_requests_with_a_product_they_handle(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt = m.firms[0]
        await agent_handling(m, volt, "ana@volt.example", ["socket"])
        r = await m.http.post(
            "/api/agent-sessions",
            json={"store_id": volt.store_id, "email": "ana@volt.example", "password": PASSWORD},
        )
        ana = r.json()["token"]
        cables = await create(m, [line(volt, "cable", 1)], name="Cables")
        (not_hers,) = (await send(m, cables, "key-solfix-cables")).json()["requests"]
        both = await create(m, [line(volt, "cable", 1), line(volt, "socket", 1)], name="Both")
        (hers,) = (await send(m, both, "key-solfix-both")).json()["requests"]
        url = f"/api/stores/{volt.store_id}/requests"
        listed = await m.http.get(url, headers=bearer(ana))
        assert [q["id"] for q in listed.json()] == [hers["id"]], listed.text
        owner = await m.http.get(url, headers=bearer(volt.key))
        assert {q["id"] for q in owner.json()} == {hers["id"], not_hers["id"]}
        assert (await answer(m, volt, not_hers["id"], ana)).status_code == 404
        r = await m.http.post(
            f"{url}/{not_hers['id']}/decline", json={"note": ""}, headers=bearer(ana)
        )
        assert r.status_code == 404, r.text
        assert (await answer(m, volt, hers["id"], ana)).status_code == 200


async def test_an_agents_console_hears_only_requests_it_may_reach(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    """The store stream carries each request with the buyer's contact: an agent's console hears
    the requests of products they handle, the key's console hears them all."""
    async with market(tmp_path, clock, backend_settings) as m:
        volt = m.firms[0]
        await agent_handling(m, volt, "ana@volt.example", ["socket"])
        r = await m.http.post(
            "/api/agent-sessions",
            json={"store_id": volt.store_id, "email": "ana@volt.example", "password": PASSWORD},
        )
        ana = r.json()["token"]
        ignore = ("ticket", "order", "stock")
        async with (
            peer(m.server, "store", ignore=ignore) as agent,
            peer(m.server, "store", ignore=ignore) as key,
        ):
            for console, token in ((agent, ana), (key, volt.key)):
                await console.hello(token)
                await console.expect("snapshot")
            cables = await create(m, [line(volt, "cable", 1)], name="Cables")
            (not_hers,) = (await send(m, cables, "key-stream-cables")).json()["requests"]
            both = await create(m, [line(volt, "cable", 1), line(volt, "socket", 1)])
            (hers,) = (await send(m, both, "key-stream-both")).json()["requests"]
            heard = [(await key.expect("request_received"))["request"]["id"] for _ in range(2)]
            assert heard == [not_hers["id"], hers["id"]]
            first = await agent.expect("request_received")
            assert first["request"]["id"] == hers["id"]  # the cables-only request never came
            assert first["request"]["contact"]["email"]


async def test_a_decline_keeps_its_note_and_drops_an_earlier_price(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        tile = m.firms[2]
        created = await create(m, [line(tile, "tile", 5)])
        (rq,) = (await send(m, created, "key-solfix-decline")).json()["requests"]
        too_much = await answer(m, tile, rq["id"], tile.key, 2_000_000_001)  # above a Price
        assert too_much.status_code == 422, too_much.text
        assert (await answer(m, tile, rq["id"], tile.key)).status_code == 200
        r = await m.http.post(
            f"/api/stores/{tile.store_id}/requests/{rq['id']}/decline",
            json={"note": "Sold out after all"},
            headers=bearer(tile.key),
        )
        assert r.status_code == 200, r.text
        assert r.json()["answer"] is None and r.json()["decline_note"] == "Sold out after all"
        page = await m.http.get(
            f"/api/market/solutions/{created['id']}", headers=secret_header(created)
        )
        (seen,) = page.json()["requests"]
        assert seen["status"] == "declined" and seen["answer"] is None
        assert seen["decline_note"] == "Sold out after all"


async def test_the_display_currency_is_taken_in_any_case(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        created = await create(m, [line(m.firms[0], "cable", 1)])
        _, token = await m.server.hub.hub_admin.create(days=1, label="tests")
        rates = {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17"}}
        r = await m.http.put("/api/admin/market/rates", json=rates, headers=bearer(token))
        assert r.status_code == 200, r.text
        r = await m.http.get(
            f"/api/market/solutions/{created['id']}?currency=rsd", headers=secret_header(created)
        )
        assert r.status_code == 200, r.text
        assert r.json()["lines"][0]["shown"]["currency"] == "RSD"
