"""Solutions sent to several firms (docs/marketplace.md "Solutions, quotes and orders"), on SQLite
and on PostgreSQL + Redis, with a real SMTP server: each firm's inbox and console get only its
lines, the buyer's confirmation lists them all; a firm answers, the buyer accepts, an order
exists in that store; orders are idempotent by key; nothing is stored half."""

from __future__ import annotations

import asyncio
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import httpx
import pytest

from cartstart_server.clock import FakeClock
from cartstart_server.server import HubServer
from cartstart_server.storage.sql import Plan, Stmt, one
from tests.conftest import Nodes
from tests.helpers.hubs import seed_store
from tests.integration.solution_helpers import (
    HOSTILE,
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

BUYER = {"name": "Mira Jovanović", "email": "mira@buyer.example", "company": "Mira d.o.o."}


async def three_firm_solution(m: Market, name: str = "Bathroom refit") -> dict[str, Any]:
    volt, pipe, tile = m.firms
    body = {
        "name": name,
        "lines": [
            line(volt, "cable", 3, note="2.5 mm², grey"),
            line(pipe, "valve", 2),
            line(tile, "tile", 40, note=HOSTILE),
            line(volt, "socket", 4),
        ],
    }
    r = await m.http.post("/api/market/solutions", json=body)
    assert r.status_code == 201, r.text
    created: dict[str, Any] = r.json()
    assert len(created["solution"]["lines"]) == 4
    assert [f["store_name"] for f in created["solution"]["firms"]] == [
        "Volt Electric",
        "Pipe & Co",
        "Tile Works",
    ]
    return created


async def send(
    m: Market, created: dict[str, Any], kind: str, key: str, contact: dict[str, str] | None = None
) -> Any:
    return await m.http.post(
        f"/api/market/solutions/{created['id']}/send",
        json={"kind": kind, "contact": BUYER if contact is None else contact, "lang": "en"},
        headers={**secret_header(created), "Idempotency-Key": key},
    )


async def test_a_quote_request_reaches_each_firm_with_only_its_lines_and_an_answer_is_accepted(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe, tile = m.firms
        await agent_handling(m, volt, "ana@volt.example", ["socket"])
        created = await three_firm_solution(m, name=f"Refit {HOSTILE}")
        r = await send(m, created, "quote", "send-quote-0001")
        assert r.status_code == 201, r.text
        sent = r.json()["requests"]
        assert [(q["store_name"], q["status"], q["kind"]) for q in sent] == [
            ("Volt Electric", "sent", "quote"),
            ("Pipe & Co", "sent", "quote"),
            ("Tile Works", "sent", "quote"),
        ]
        assert [[li["product_id"] for li in q["lines"]] for q in sent] == [
            ["cable", "socket"],
            ["valve"],
            ["tile"],
        ]
        # Each firm's inbox: only its own lines (the official address, and the agent handling
        # one of those products).
        own = {volt.email: ["CABLE", "SOCKET"], pipe.email: ["VALVE"], tile.email: ["TILE"]}
        everything = {"CABLE", "SOCKET", "VALVE", "TILE"}
        for address, codes in own.items():
            (mail,) = await mails_to(m.inbox, address)
            text = text_of(mail)
            assert mail["Subject"].startswith("Request for a quote for ")
            for code in codes:
                assert f"[{code}]" in text, text
            for other in everything - set(codes):
                assert f"[{other}]" not in text, text
            assert "Mira Jovanović <mira@buyer.example>" in text and "Mira d.o.o." in text
        mails = await mails_to(m.inbox, "ana@volt.example", 2)  # the invitation, then this
        agent_mail = mails[-1]
        assert agent_mail["Subject"] == "Request for a quote for Volt Electric"
        assert "[SOCKET]" in text_of(agent_mail) and "[VALVE]" not in text_of(agent_mail)
        tile_text = text_of((await mails_to(m.inbox, tile.email))[0])
        assert HOSTILE in tile_text  # hostile text stays text: the same characters, plain text
        # The buyer's confirmation lists every firm and what it received.
        (confirmation,) = await mails_to(m.inbox, "mira@buyer.example")
        text = text_of(confirmation)
        assert "went to 3 firms" in text
        for firm, q in zip(m.firms, sent, strict=True):
            assert f"{firm.name} (reference {q['id']}):" in text
        for code in everything:
            assert f"[{code}]" in text
        assert f"#solution={created['id']}.{created['secret']}" in text
        # Each console: only its own request, and it heard of it on its stream.
        for firm, q in zip(m.firms, sent, strict=True):
            r = await m.http.get(f"/api/stores/{firm.store_id}/requests", headers=bearer(firm.key))
            assert r.status_code == 200, r.text
            (seen,) = r.json()
            assert seen["id"] == q["id"] and seen["contact"]["email"] == "mira@buyer.example"
            assert seen["solution_name"] == f"Refit {HOSTILE}"
            events = await m.http.get(
                f"/api/stores/{firm.store_id}/events", headers=bearer(firm.key)
            )
            types = [e["type"] for e in events.json()["messages"]]
            assert "request_received" in types, types
        # Another firm cannot answer a request that is not theirs: it does not exist for them.
        tile_request = sent[2]
        r = await m.http.post(
            f"/api/stores/{pipe.store_id}/requests/{tile_request['id']}/answer",
            json={"price": {"amount": 100, "currency": "EUR"}, "valid_until": "2027-02-01"},
            headers=bearer(pipe.key),
        )
        assert r.status_code == 404, r.text
        r = await m.http.post(
            f"/api/stores/{pipe.store_id}/requests/{tile_request['id']}/answer",
            json={"price": {"amount": 100, "currency": "EUR"}, "valid_until": "2027-02-01"},
            headers=bearer(tile.key),  # the right key for the wrong store in the path
        )
        assert r.status_code in (401, 403), r.text
        # Tile Works answers: the buyer is emailed and sees it on the solution's page.
        r = await m.http.post(
            f"/api/stores/{tile.store_id}/requests/{tile_request['id']}/answer",
            json={
                "price": {"amount": 35000, "currency": "EUR"},
                "valid_until": "2027-02-01",
                "note": "Delivery in 3 days " + HOSTILE,
            },
            headers=bearer(tile.key),
        )
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "answered"
        mails = await mails_to(m.inbox, "mira@buyer.example", 2)
        answer_text = text_of(mails[1])
        assert "Tile Works offers €350.00" in answer_text and "Feb 1, 2027" in answer_text
        assert HOSTILE in answer_text
        page = await m.http.get(
            f"/api/market/solutions/{created['id']}?lang=sr", headers=secret_header(created)
        )
        assert page.status_code == 200, page.text
        answered = next(q for q in page.json()["requests"] if q["id"] == tile_request["id"])
        assert answered["answer"]["price"]["amount"] == 35000
        assert answered["answer"]["price"]["text"] == "350,00\xa0€"
        # The buyer accepts: an order in that store at the quoted price.
        accept = f"/api/market/solutions/{created['id']}/requests/{tile_request['id']}/accept"
        r = await m.http.post(accept, headers=secret_header(created))
        assert r.status_code == 200, r.text
        order = r.json()["order"]
        assert r.json()["request"]["status"] == "accepted"
        assert order["store_id"] == tile.store_id and order["total"]["amount"] == 35000
        assert [(li["product_id"], li["qty"]) for li in order["lines"]] == [("tile", 40)]
        orders = await m.http.get(f"/api/stores/{tile.store_id}/orders", headers=bearer(tile.key))
        assert [o["order_id"] for o in orders.json()] == [order["order_id"]]
        again = await m.http.post(accept, headers=secret_header(created))
        assert again.json()["order"]["order_id"] == order["order_id"]  # accepting twice: one order
        # The firm confirms the order: the buyer's page follows its status.
        r = await m.http.post(
            f"/api/stores/{tile.store_id}/orders/{order['order_id']}/status",
            json={"status": "confirmed"},
            headers=bearer(tile.key),
        )
        assert r.status_code == 200, r.text
        page = await m.http.get(
            f"/api/market/solutions/{created['id']}", headers=secret_header(created)
        )
        accepted = next(q for q in page.json()["requests"] if q["id"] == tile_request["id"])
        assert accepted["status"] == "accepted" and accepted["order_status"] == "confirmed"
        for firm in (volt, pipe):
            orders = await m.http.get(
                f"/api/stores/{firm.store_id}/orders", headers=bearer(firm.key)
            )
            assert orders.json() == []
        # An unanswered quote cannot be accepted.
        r = await m.http.post(
            f"/api/market/solutions/{created['id']}/requests/{sent[1]['id']}/accept",
            headers=secret_header(created),
        )
        assert r.status_code == 409, r.text


async def test_sent_as_an_order_each_firm_gets_one_order_and_a_retry_gives_the_same_orders(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        created = await three_firm_solution(m)
        first = await send(m, created, "order", "send-order-0001")
        assert first.status_code == 201, first.text
        sent = first.json()["requests"]
        assert [q["status"] for q in sent] == ["ordered"] * 3
        assert all(q["order_id"] for q in sent)
        retry = await send(m, created, "order", "send-order-0001")
        assert retry.status_code == 201, retry.text
        assert [q["order_id"] for q in retry.json()["requests"]] == [q["order_id"] for q in sent]
        for firm, q in zip(m.firms, sent, strict=True):
            orders = await m.http.get(
                f"/api/stores/{firm.store_id}/orders", headers=bearer(firm.key)
            )
            assert [o["order_id"] for o in orders.json()] == [q["order_id"]]
            assert q["order_status"] == "placed"
            (order_mail,) = await mails_to(m.inbox, firm.email)
            assert order_mail["Subject"].startswith("New order from the marketplace")
        assert await count_rows(m.server, "solution_requests") == 3
        # The same key with another body is refused, and stores nothing.
        other = await send(m, created, "quote", "send-order-0001")
        assert other.status_code == 409, other.text
        assert await count_rows(m.server, "solution_requests") == 3


async def test_an_order_beyond_the_stock_names_the_line_and_stores_nothing(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe = m.firms[:2]
        body = {"name": "Too much", "lines": [line(volt, "cable", 2), line(pipe, "valve", 21)]}
        created = (await m.http.post("/api/market/solutions", json=body)).json()
        r = await send(m, created, "order", "send-order-0002")
        assert r.status_code == 409, r.text
        error = r.json()["error"]
        assert error["code"] == "insufficient_stock"
        assert error["details"]["line"] == 2 and error["details"]["available"] == 20
        assert "line 2 (Product valve): 21 wanted, 20 available" in error["message"]
        assert await count_rows(m.server, "solution_requests") == 0
        assert await count_rows(m.server, "orders") == 0
        assert await count_rows(m.server, "tickets") == 0
        assert await count_rows(m.server, "mail_queue") == 0


async def test_a_registered_buyer_saves_edits_and_reopens_a_solution_with_history_and_wishlist(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe, tile = m.firms
        account = {"email": "lena@buyer.example", "password": "correct horse battery"}
        r = await m.http.post("/api/accounts", json={**account, "display_name": "Lena"})
        assert r.status_code == 201, r.text
        token = (await m.http.post("/api/sessions", json=account)).json()["token"]
        me = bearer(token)
        body = {"name": "Kitchen", "lines": [line(volt, "cable", 1)]}
        created = (await m.http.post("/api/market/solutions", json=body, headers=me)).json()
        (summary,) = (await m.http.get("/api/account/solutions", headers=me)).json()
        assert summary["id"] == created["id"] and summary["lines"] == 1
        # Edit with the version it started from; a stale version is refused.
        edit = {"name": "Kitchen v2", "lines": [line(volt, "cable", 5), line(pipe, "valve", 1)]}
        url = f"/api/market/solutions/{created['id']}"
        r = await m.http.put(url, json={**edit, "version": 1}, headers=me)
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 2
        r = await m.http.put(url, json={**edit, "version": 1}, headers=me)
        assert r.status_code == 409 and r.json()["error"]["code"] == "stale_solution"
        # Reopened later by the account alone (no secret).
        again = (await m.http.get(url, headers=me)).json()
        assert again["name"] == "Kitchen v2"
        assert [(li["product_id"], li["qty"]) for li in again["lines"]] == [
            ("cable", 5),
            ("valve", 1),
        ]
        # Another account, or nobody, does not see it.
        other = {"email": "eve@buyer.example", "password": "correct horse battery"}
        await m.http.post("/api/accounts", json=other)
        eve = bearer((await m.http.post("/api/sessions", json=other)).json()["token"])
        assert (await m.http.get(url, headers=eve)).status_code == 404
        assert (await m.http.get(url)).status_code == 404
        # Sent with the account's own name and email: history.
        r = await m.http.post(
            f"{url}/send",
            json={"kind": "quote", "contact": {"phone": "+381 11 123"}},
            headers={**me, "Idempotency-Key": "send-quote-lena1"},
        )
        assert r.status_code == 201, r.text
        (confirmation,) = await mails_to(m.inbox, "lena@buyer.example")
        assert "went to 2 firms" in text_of(confirmation)
        history = (await m.http.get("/api/account/requests", headers=me)).json()
        assert sorted(h["store_name"] for h in history) == ["Pipe & Co", "Volt Electric"]
        assert (await m.http.get("/api/account/requests", headers=eve)).json() == []
        # Wishlist.
        wish = [
            {"store_id": tile.store_id, "product_id": "grout"},
            {"store_id": volt.store_id, "product_id": "socket"},
        ]
        r = await m.http.put("/api/account/wishlist", json={"items": wish}, headers=me)
        assert r.status_code == 200, r.text
        assert (await m.http.get("/api/account/wishlist", headers=me)).json()["items"] == wish
        assert (await m.http.get("/api/account/wishlist", headers=eve)).json()["items"] == []
        assert (await m.http.get("/api/account/calls", headers=me)).json() == []
        # A call with a firm in a live session attached to Lena's cart, rated: her history.
        await a_rated_call(m.server, volt.store_id, "lena@buyer.example", stars=4)
        (call,) = (await m.http.get("/api/account/calls", headers=me)).json()
        assert call["store_name"] == "Volt Electric" and call["stars"] == 4
        assert call["duration_seconds"] == 125.0 and call["comment"] == "Helpful <b>Ana</b>"
        assert (await m.http.get("/api/account/calls", headers=eve)).json() == []
        assert (await m.http.get("/api/account/wishlist")).status_code == 401


async def a_rated_call(server: HubServer, store_id: str, email: str, stars: int) -> None:
    """A finished, rated call in a live session attached to `email`'s cart (rows as the live
    selling plans write them; those flows are tested in test_calls.py and test_ratings.py)."""

    def plan() -> Plan[None]:
        account = one((yield Stmt("SELECT id FROM accounts WHERE email = ?", (email,))))
        assert account is not None
        yield Stmt(
            "INSERT INTO live_sessions (id, store_id, secret_hash, label, account_id, created_at, "
            "last_activity_at) VALUES ('ls1', ?, 'x', 'Visitor', ?, 1000, 1000)",
            (store_id, account["id"]),
        )
        yield Stmt(
            "INSERT INTO live_calls (id, session_id, store_id, started_by, state, created_at, "
            "answered_at, ended_at) VALUES ('call1', 'ls1', ?, 'visitor', 'ended', 1000, 1005, "
            "1130)",
            (store_id,),
        )
        yield Stmt(
            "INSERT INTO call_ratings (call_id, store_id, session_id, stars, comment, at) "
            "VALUES ('call1', ?, 'ls1', ?, 'Helpful <b>Ana</b>', 1200)",
            (store_id, stars),
        )

    await server.hub.db.write(plan())


async def test_bad_solutions_are_refused_with_words_and_store_nothing(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe, _ = m.firms
        many = {"name": "Huge", "lines": [line(volt, "cable", 1)] * 10_000}
        r = await m.http.post("/api/market/solutions", json=many)
        assert r.status_code == 422, r.text
        assert "up to 200 lines; this one has 10000" in r.json()["error"]["message"]
        for qty in (0, -1, 10_001):
            body = {"name": "Bad", "lines": [line(volt, "cable", 1), line(pipe, "valve", qty)]}
            r = await m.http.post("/api/market/solutions", json=body)
            assert r.status_code == 422, r.text
            assert r.json()["error"]["message"].startswith("line 2: the quantity must be")
            assert r.json()["error"]["details"]["line"] == 2
        long_note = {"lines": [line(volt, "cable", 1, note="x" * 501)]}
        assert (await m.http.post("/api/market/solutions", json=long_note)).status_code == 422
        long_name = {"name": "n" * 121, "lines": []}
        assert (await m.http.post("/api/market/solutions", json=long_name)).status_code == 422
        for not_text in ('{"name": "\\ud800", "lines": []}',
                         '{"lines": [{"store_id": "s", "product_id": "p", "qty": 1, '
                         '"note": "a\\udc00"}]}'):  # fmt: skip
            r = await m.http.post(
                "/api/market/solutions",
                content=not_text,
                headers={"Content-Type": "application/json"},
            )
            assert r.status_code == 422, r.text
            assert "not text" in r.json()["error"]["message"]
        assert await count_rows(m.server, "solutions") == 0
        # An unknown product: kept in the solution (shown unavailable) but refused at sending.
        body = {"name": "Gone", "lines": [line(volt, "cable", 1), line(pipe, "nothing", 1)]}
        created = (await m.http.post("/api/market/solutions", json=body)).json()
        assert [li["available"] for li in created["solution"]["lines"]] == [True, False]
        r = await send(m, created, "quote", "send-bad-00001")
        assert r.status_code == 422, r.text
        assert r.json()["error"]["details"]["line"] == 2
        assert await count_rows(m.server, "solution_requests") == 0
        # A wrong secret opens nothing, changes nothing, sends nothing.
        url = f"/api/market/solutions/{created['id']}"
        wrong = {"X-Solution-Secret": created["secret"][:-2] + "xx"}
        assert (await m.http.get(url, headers=wrong)).status_code == 404
        put = await m.http.put(url, json={"name": "x", "lines": [], "version": 1}, headers=wrong)
        assert put.status_code == 404
        r = await m.http.post(
            f"{url}/send",
            json={"kind": "order", "contact": {"email": "a@b.example"}},
            headers={**wrong, "Idempotency-Key": "send-bad-00002"},
        )
        assert r.status_code == 404
        # A contact without an email address; a send without an idempotency key.
        r = await send(m, created, "quote", "send-bad-00003", contact={"name": "No mail"})
        assert r.status_code == 422 and r.json()["error"]["details"]["field"] == "email"
        r = await m.http.post(
            f"{url}/send", json={"kind": "quote", "contact": BUYER}, headers=secret_header(created)
        )
        assert r.status_code == 422
        assert await count_rows(m.server, "solution_requests") == 0
        assert await count_rows(m.server, "mail_queue") == 0
        # The link emailed to oneself.
        r = await m.http.post(
            f"{url}/email", json={"email": "me@buyer.example", "lang": "sr"},
            headers=secret_header(created),
        )  # fmt: skip
        assert r.status_code == 202, r.text
        (mail,) = await mails_to(m.inbox, "me@buyer.example")
        assert f"#solution={created['id']}.{created['secret']}" in text_of(mail)
        subject = str(make_header(decode_header(mail["Subject"])))
        assert subject == "Vaše rešenje: Gone"  # in the language asked for
        assert "1 stavka:" in text_of(mail)  # the product that is gone is left out


async def test_two_sends_with_the_same_key_at_once_make_one_set_of_orders(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        created = await three_firm_solution(m)
        first, second = await asyncio.gather(
            send(m, created, "order", "send-race-00001"),
            send(m, created, "order", "send-race-00001"),
        )
        assert first.status_code == second.status_code == 201, (first.text, second.text)
        ids = [q["order_id"] for q in first.json()["requests"]]
        assert [q["order_id"] for q in second.json()["requests"]] == ids
        assert await count_rows(m.server, "orders") == 3
        assert await count_rows(m.server, "solution_requests") == 3


@pytest.mark.backends("postgres")  # several nodes need the shared backends
async def test_a_request_sent_on_one_node_reaches_the_console_on_the_other(
    nodes: Nodes, clock: FakeClock
) -> None:
    a, b = nodes
    volt_id, volt_key = await seed_store(a.hub, "Volt Electric", {"cable": 5})
    async with (
        httpx.AsyncClient(base_url=a.http_url, timeout=20) as on_a,
        httpx.AsyncClient(base_url=b.http_url, timeout=20) as on_b,
    ):
        body = {
            "name": "Two nodes",
            "lines": [{"store_id": volt_id, "product_id": "cable", "qty": 2}],
        }
        created = (await on_a.post("/api/market/solutions", json=body)).json()
        # The console on node B waits for its stream; the request is sent through node A.
        waiting = asyncio.create_task(
            on_b.get(f"/api/stores/{volt_id}/events?after=0&wait=10", headers=bearer(volt_key))
        )
        await asyncio.sleep(0.2)
        r = await on_a.post(
            f"/api/market/solutions/{created['id']}/send",
            json={"kind": "quote", "contact": BUYER},
            headers={**secret_header(created), "Idempotency-Key": "send-nodes-0001"},
        )
        assert r.status_code == 201, r.text
        events = (await waiting).json()["messages"]
        assert [e["type"] for e in events] == ["request_received"]
        assert events[0]["request"]["lines"][0]["qty"] == 2
        # Node B answers it; node A's buyer view sees the answer.
        request_id = r.json()["requests"][0]["id"]
        answer = {"price": {"amount": 1800, "currency": "EUR"}, "valid_until": "2027-02-01"}
        r = await on_b.post(
            f"/api/stores/{volt_id}/requests/{request_id}/answer",
            json=answer,
            headers=bearer(volt_key),
        )
        assert r.status_code == 200, r.text
        page = await on_a.get(
            f"/api/market/solutions/{created['id']}", headers=secret_header(created)
        )
        assert page.json()["requests"][0]["status"] == "answered"


async def test_emails_caused_from_one_address_are_limited(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    """Emailing a link or sending needs no account: one client address may cause 20 an hour,
    so the hub cannot be used to email strangers in bulk."""
    async with market(tmp_path, clock, backend_settings) as m:
        volt = m.firms[0]
        body = {"name": "Spam?", "lines": [line(volt, "cable", 1)]}
        created = (await m.http.post("/api/market/solutions", json=body)).json()
        url = f"/api/market/solutions/{created['id']}/email"
        for n in range(20):
            r = await m.http.post(
                url, json={"email": f"someone{n}@x.example"}, headers=secret_header(created)
            )
            assert r.status_code == 202, r.text
        r = await m.http.post(url, json={"email": "one@x.example"}, headers=secret_header(created))
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "rate_limited"
        assert int(r.headers["Retry-After"]) > 0
        r = await send(m, created, "quote", "send-limit-0001")
        assert r.status_code == 429, r.text
        assert await count_rows(m.server, "solution_requests") == 0
        assert await count_rows(m.server, "mail_queue") == 20
        clock.advance(3601)  # an hour later: allowed again
        r = await m.http.post(url, json={"email": "one@x.example"}, headers=secret_header(created))
        assert r.status_code == 202, r.text


async def test_answers_are_checked_a_firm_may_decline_and_its_agents_answer_for_it(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        volt, pipe, tile = m.firms
        created = await three_firm_solution(m)
        quotes = (await send(m, created, "quote", "send-quote-0009")).json()["requests"]
        volt_rq, pipe_rq, tile_rq = (q["id"] for q in quotes)

        async def answer(firm: Any, rid: str, token: str, **body: Any) -> Any:
            return await m.http.post(
                f"/api/stores/{firm.store_id}/requests/{rid}/answer",
                json={"price": {"amount": 900, "currency": "EUR"}, "valid_until": "2027-02-01",
                      **body},
                headers=bearer(token),
            )  # fmt: skip

        r = await answer(volt, volt_rq, volt.key, price={"amount": 900, "currency": "RSD"})
        assert r.status_code == 422 and "(EUR)" in r.json()["error"]["message"]
        r = await answer(volt, volt_rq, volt.key, valid_until="2027-01-14")  # the clock: Jan 15
        assert r.status_code == 422 and "has passed" in r.json()["error"]["message"]
        r = await answer(volt, volt_rq, volt.key, note="x" * 1001)
        assert r.status_code == 422
        # An agent of the firm lists and answers; an agent of another firm reaches nothing.
        await agent_handling(m, volt, "ana@volt.example", ["cable"])
        r = await m.http.post(
            "/api/agent-sessions",
            json={"store_id": volt.store_id, "email": "ana@volt.example", "password": PASSWORD},
        )
        ana = r.json()["token"]
        listed = await m.http.get(f"/api/stores/{volt.store_id}/requests", headers=bearer(ana))
        assert [q["id"] for q in listed.json()] == [volt_rq]
        assert (await answer(volt, volt_rq, ana)).status_code == 200
        other = await m.http.get(f"/api/stores/{pipe.store_id}/requests", headers=bearer(ana))
        assert other.status_code == 403
        assert (await answer(pipe, pipe_rq, ana)).status_code == 403
        # Pipe & Co declines: the buyer is told, and it cannot be answered or accepted any more.
        r = await m.http.post(
            f"/api/stores/{pipe.store_id}/requests/{pipe_rq}/decline",
            json={"note": "Out of this valve until spring"},
            headers=bearer(pipe.key),
        )
        assert r.status_code == 200 and r.json()["status"] == "declined"
        mails = await mails_to(m.inbox, "mira@buyer.example", 3)  # sent, Ana's answer, this
        assert mails[2]["Subject"] == "Pipe & Co declined your request: Bathroom refit"
        assert "Out of this valve until spring" in text_of(mails[2])
        assert (await answer(pipe, pipe_rq, pipe.key)).status_code == 409
        url = f"/api/market/solutions/{created['id']}/requests"
        r = await m.http.post(f"{url}/{pipe_rq}/accept", headers=secret_header(created))
        assert r.status_code == 409
        # An answered quote past its date cannot be accepted; the store's view says why.
        assert (await answer(tile, tile_rq, tile.key, valid_until="2027-01-16")).status_code == 200
        clock.advance(2 * 86400)
        r = await m.http.post(f"{url}/{tile_rq}/accept", headers=secret_header(created))
        assert r.status_code == 409 and "no longer valid" in r.json()["error"]["message"]
        # The request of another solution is not reached through this one's link.
        other_solution = await three_firm_solution(m, name="Other")
        r = await m.http.post(f"{url}/{volt_rq}/accept", headers=secret_header(other_solution))
        assert r.status_code == 404
        assert await count_rows(m.server, "orders") == 0
        # A request sent as an order has no answer to give.
        ordered = (await send(m, other_solution, "order", "send-order-0009")).json()["requests"]
        r = await answer(volt, ordered[0]["id"], volt.key)
        assert r.status_code == 409


async def test_a_solution_is_shown_in_the_buyers_currency_and_sent_in_each_stores_own(
    tmp_path: Path, clock: FakeClock, backend_settings: dict[str, Any]
) -> None:
    async with market(tmp_path, clock, backend_settings) as m:
        created = await three_firm_solution(m)
        _, token = await m.server.hub.hub_admin.create(days=1, label="tests")
        rates = {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17"}}
        r = await m.http.put("/api/admin/market/rates", json=rates, headers=bearer(token))
        assert r.status_code == 200, r.text
        path = f"/api/market/solutions/{created['id']}"

        async def lines(**params: str) -> list[dict[str, Any]]:
            r = await m.http.get(path, params=params, headers=secret_header(created))
            assert r.status_code == 200, r.text
            return list(r.json()["lines"])

        for shown_line in await lines(currency="RSD", lang="sr"):
            assert (
                shown_line["price"]["amount"] == 1000 and shown_line["price"]["currency"] == "EUR"
            )
            assert shown_line["shown"]["amount"] == 117170  # 10.00 EUR at 117.17 RSD
            assert shown_line["shown"]["currency"] == "RSD" and shown_line["shown"]["approximate"]
            assert shown_line["shown"]["text"] == "1.171,70\xa0RSD"
        for own in await lines():  # no display currency asked: each store's own, exact
            assert own["shown"] == {**own["price"], "approximate": False}
        r = await m.http.get(path, params={"currency": "XYZ"}, headers=secret_header(created))
        assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_currency"
        # The firms are asked in their own currency whatever the buyer was shown.
        r = await send(m, created, "quote", "k-currency")
        assert r.status_code == 201, r.text
        for request in r.json()["requests"]:
            assert {li["unit_price"]["currency"] for li in request["lines"]} == {"EUR"}
