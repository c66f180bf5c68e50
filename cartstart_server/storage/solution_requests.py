"""A solution sent to its firms, as ONE transaction: one request per firm with only its lines,
each firm's emails (its contact address and the agents handling those products), its console's
`request_received` event, the buyer's confirmation; for orders, the lines held and bought through
the hub's checkout (orders.checkout), one order per firm. Any refusal (a product gone, not enough
stock) raises before the commit: nothing is stored half.

A firm's answers and the buyer's acceptance are in solution_answers.py."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money
from shared_protocol.orders import OrderView
from shared_protocol.solutions import RequestReceived, RequestUpdated

from ..domain import solution_mail as mail
from ..domain import solutions as rules
from ..domain.solutions import Contact, Line
from ..domain.topics import solution_cart, store_stream
from . import ledger, orders, outbound_queue, outbox
from .directory import StoreRow, require_store
from .solution_views import store_request_view
from .solutions import products
from .sql import Effects, Plan, Row, Stmt, one

NewId = Callable[[str], str]


@dataclass(frozen=True)
class Sending:
    solution: Row
    kind: str
    contact: Contact
    lang: str
    account_id: str | None
    link: str | None  # the private link, in the buyer's confirmation (when the secret was sent)
    warn_before: float


def send(fx: Effects, s: Sending, now: float, new_id: NewId) -> Plan[list[str]]:
    """Every firm's request (ids, in the solution's order of firms)."""
    lines = [Line.of(d) for d in json.loads(s.solution["lines"])]
    if not lines:
        raise rules.empty()
    found = yield from products((line.store_id, line.product_id) for line in lines)
    number = {line.line_id: n for n, line in enumerate(lines, start=1)}
    for line in lines:
        p = found.get((line.store_id, line.product_id))
        if p is None or not p["active"] or not p.get("listed", 1):
            raise rules.unknown_product(number[line.line_id], line)
        if s.kind == "order" and p.get("form") is not None:
            # Its form is filled in from a cart; a quote's notes and the firm's answer do it.
            raise rules.made_to_order(number[line.line_id], line, p["name"])
    ids: list[str] = []
    firms: list[mail.MailFirm] = []
    for store_id, own in rules.by_firm(lines).items():
        store = yield from require_store(store_id)
        request_id = new_id("rq")
        docs = [_sent_line(line, found[store_id, line.product_id]) for line in own]
        order_id = None
        if s.kind == "order":
            order = yield from buy(fx, store, request_id, own, number, found, s, None, now, new_id)
            order_id = order.order_id
        row = one(
            (
                yield Stmt(
                    "INSERT INTO solution_requests (id, solution_id, solution_name, store_id, "
                    "account_id, kind, status, lines, contact, lang, order_id, created_at, "
                    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                    (
                        request_id,
                        s.solution["id"],
                        s.solution["name"],
                        store_id,
                        s.account_id,
                        s.kind,
                        "ordered" if order_id else "sent",
                        json.dumps(docs, ensure_ascii=False),
                        json.dumps(s.contact.doc(), ensure_ascii=False),
                        s.lang,
                        order_id,
                        now,
                        now,
                    ),
                )
            )
        )
        assert row is not None
        yield from tell_store(fx, row, store, True, now)
        mail_lines = [_mail_line(d) for d in docs]
        reference = order_id or request_id
        subject, body = mail.firm_email(
            s.lang,
            kind=s.kind,
            store_name=store.name,
            solution_name=s.solution["name"],
            contact=s.contact,
            lines=mail_lines,
            reference=reference,
        )
        for to in (yield from recipients(store, [line.product_id for line in own])):
            yield from outbound_queue.queued_mail(to, subject, body, now)
        firms.append(mail.MailFirm(store.name, mail_lines, reference))
        ids.append(request_id)
    subject, body = mail.confirmation_email(
        s.lang, kind=s.kind, solution_name=s.solution["name"], firms=firms, link=s.link
    )
    yield from outbound_queue.queued_mail(s.contact.email, subject, body, now)
    return ids


def recipients(store: StoreRow, product_ids: Sequence[str]) -> Plan[list[str]]:
    """The firm's official address and its agents handling any of these products, once each."""
    ids = sorted(set(product_ids))
    marks = ", ".join("?" for _ in ids)
    rows = yield Stmt(
        "SELECT DISTINCT a.email FROM agent_products ap JOIN agents a ON a.id = ap.agent_id "
        f"WHERE ap.store_id = ? AND a.removed_at IS NULL AND ap.product_id IN ({marks}) "
        "ORDER BY a.email",
        (store.id, *ids),
    )
    out = [store.contact_email] if store.contact_email else []
    return out + [r["email"] for r in rows if r["email"] not in out]


def _sent_line(line: Line, product: Row) -> dict[str, object]:
    return {
        **line.doc(),
        "name": product["name"],
        "code": product["code"],
        "unit_amount": product["price_amount"],
        "currency": product["currency"],
    }


def _mail_line(doc: dict[str, object]) -> mail.MailLine:
    return mail.MailLine(
        name=str(doc["name"]),
        code=str(doc["code"]),
        qty=int(doc["qty"]),  # type: ignore[call-overload]
        unit_amount=int(doc["unit_amount"]),  # type: ignore[call-overload]
        currency=str(doc["currency"]),
        note=str(doc["note"]),
        options=dict(doc["options"]),  # type: ignore[call-overload]
    )


def buy(
    fx: Effects,
    store: StoreRow,
    request_id: str,
    lines: Sequence[Line],
    number: dict[str, int],
    found: dict[tuple[str, str], Row],
    s: Sending,
    quote: Money | None,
    now: float,
    new_id: NewId,
) -> Plan[OrderView]:
    """Hold the firm's lines in the request's own guest-style cart and check it out at once."""
    cart = solution_cart(request_id)
    for line in lines:
        try:
            yield from ledger.reserve(
                fx,
                new_ticket_id=new_id("t"),
                cart_id=cart,
                store_id=store.id,
                product_id=line.product_id,
                qty=line.qty,
                source_url=None,
                now=now,
                warn_before=s.warn_before,
            )
        except ProtocolError as exc:
            n = number[line.line_id]
            if exc.code is ErrorCode.INSUFFICIENT_STOCK:
                available = int(exc.details.get("available", 0))
                name = found[store.id, line.product_id]["name"]
                raise rules.not_enough(n, name, line.qty, available) from None
            raise rules.unknown_product(n, line) from None
    placed, _ = yield from orders.checkout(
        fx,
        cart_id=cart,
        checkout_id=request_id,
        store_ids=[store.id],
        codes=[],
        now=now,
        new_id=new_id,
        buyer=orders.Buyer(cart, s.contact.email, s.contact.name),
        quotes={store.id: quote} if quote else None,
    )
    return placed[0]


def tell_store(fx: Effects, row: Row, store: StoreRow, received: bool, now: float) -> Plan[None]:
    view = store_request_view(row, store.name, row["solution_name"])
    yield from outbox.append(
        fx,
        store_stream(store.id),
        lambda seq: (RequestReceived if received else RequestUpdated)(seq=seq, request=view),
        now,
    )


# ---- reading -----------------------------------------------------------------------------------

# A request with its order's status now (placed, confirmed, dispatched, ...), when it has one.
_WITH_ORDER = (
    "SELECT r.*, o.status AS order_status FROM solution_requests r "
    "LEFT JOIN orders o ON o.id = r.order_id"
)


def of_solution(solution_id: str) -> Plan[list[Row]]:
    return (
        yield Stmt(
            f"{_WITH_ORDER} WHERE r.solution_id = ? ORDER BY r.created_at, r.id",
            (solution_id,),
        )
    )


def of_store(store_id: str, limit: int = 200) -> Plan[list[Row]]:
    return (
        yield Stmt(
            f"{_WITH_ORDER} WHERE r.store_id = ? ORDER BY r.created_at DESC, r.id LIMIT ?",
            (store_id, limit),
        )
    )


def handled_by(agent_id: str, store_id: str) -> Plan[frozenset[str]]:
    """The products an agent of the store handles (agent_products)."""
    rows = yield Stmt(
        "SELECT product_id FROM agent_products WHERE agent_id = ? AND store_id = ?",
        (agent_id, store_id),
    )
    return frozenset(r["product_id"] for r in rows)


def line_products(row: Row) -> list[str]:
    return [str(d["product_id"]) for d in json.loads(row["lines"])]


def of_account(account_id: str, limit: int = 200) -> Plan[list[Row]]:
    return (
        yield Stmt(
            f"{_WITH_ORDER} WHERE r.account_id = ? ORDER BY r.created_at DESC, r.id LIMIT ?",
            (account_id, limit),
        )
    )


def by_ids(ids: Sequence[str]) -> Plan[list[Row]]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    rows = yield Stmt(f"{_WITH_ORDER} WHERE r.id IN ({marks})", tuple(ids))
    order = {rid: n for n, rid in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r["id"]])
