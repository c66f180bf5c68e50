"""A firm answers a marketplace request for a quote (price, validity, note) or declines it, and
the buyer is emailed; the buyer accepts an answer, which buys the firm's lines at the quoted price
in the same transaction (solution_requests.buy: held and checked out, one order)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money
from shared_protocol.orders import OrderView

from ..domain import solution_mail as mail
from ..domain import solutions as rules
from ..domain.solutions import Contact, Line
from . import outbound_queue
from .directory import require_store
from .solution_requests import Sending, buy, tell_store
from .solutions import products
from .sql import Effects, Plan, Row, Stmt, one

NewId = Callable[[str], str]


def _own(store_id: str, request_id: str) -> Plan[Row]:
    """A store reaches only its own requests: another store's looks like no request at all."""
    row = one(
        (
            yield Stmt(
                "SELECT * FROM solution_requests WHERE id = ? AND store_id = ?",
                (request_id, store_id),
            )
        )
    )
    if row is None:
        raise rules.no_request(request_id)
    return row


# ---- the firm answers, the buyer accepts -------------------------------------------------------


def answer(
    fx: Effects,
    *,
    store_id: str,
    request_id: str,
    price: Money,
    valid_until: str,
    note: str,
    now: float,
) -> Plan[Row]:
    row = yield from _own(store_id, request_id)
    rules.check_step(row["status"], "answered")
    until = rules.check_answer(valid_until, note, _today(now))
    currency = json.loads(row["lines"])[0]["currency"]
    if price.currency != currency:
        raise rules.wrong_currency(currency)
    doc = {
        "amount": price.amount,
        "currency": price.currency,
        "valid_until": until.isoformat(),
        "note": note,
    }
    row = yield from _step(fx, row, "answered", "answer = ?", (json.dumps(doc),), now)
    store = yield from require_store(store_id)
    subject, body = mail.answer_email(
        row["lang"],
        store_name=store.name,
        solution_name=row["solution_name"],
        amount=price.amount,
        currency=price.currency,
        valid_until=until,
        note=note,
    )
    yield from outbound_queue.queued_mail(json.loads(row["contact"])["email"], subject, body, now)
    return row


def decline(fx: Effects, *, store_id: str, request_id: str, note: str, now: float) -> Plan[Row]:
    row = yield from _own(store_id, request_id)
    rules.check_step(row["status"], "declined")
    rules.check_note(note)
    row = yield from _step(fx, row, "declined", "answer = answer", (), now)
    store = yield from require_store(store_id)
    subject, body = mail.declined_email(
        row["lang"], store_name=store.name, solution_name=row["solution_name"], note=note
    )
    yield from outbound_queue.queued_mail(json.loads(row["contact"])["email"], subject, body, now)
    return row


def accept(
    fx: Effects, *, solution_id: str, request_id: str, warn_before: float, now: float, new_id: NewId
) -> Plan[tuple[Row, OrderView]]:
    """The buyer takes a firm's answer: its lines bought at the quoted price, as one order. The
    row is locked first (a no-op write), so a second accept waits and finds the first's order."""
    yield Stmt("UPDATE solution_requests SET version = version WHERE id = ?", (request_id,))
    row = one(
        (
            yield Stmt(
                "SELECT * FROM solution_requests WHERE id = ? AND solution_id = ?",
                (request_id, solution_id),
            )
        )
    )
    if row is None:
        raise rules.no_request(request_id)
    if row["status"] == "accepted":  # accepted already (a retry): the same order
        order = yield from _order(row["order_id"])
        return row, order
    ans = json.loads(row["answer"]) if row["answer"] else None
    rules.check_acceptable(
        row["kind"], row["status"], ans["valid_until"] if ans else None, _today(now)
    )
    assert ans is not None
    docs = json.loads(row["lines"])
    lines = [Line.of(d) for d in docs]
    found = yield from products((line.store_id, line.product_id) for line in lines)
    number = {line.line_id: n for n, line in enumerate(lines, start=1)}
    for line in lines:
        p = found.get((line.store_id, line.product_id))
        if p is None or not p["active"]:
            raise rules.unknown_product(number[line.line_id], line)
    store = yield from require_store(row["store_id"])
    contact = json.loads(row["contact"])
    s = Sending({}, "order", Contact(**contact), row["lang"], None, None, warn_before)
    quote = Money(amount=ans["amount"], currency=ans["currency"])
    order = yield from buy(fx, store, request_id, lines, number, found, s, quote, now, new_id)
    row = yield from _step(fx, row, "accepted", "order_id = ?", (order.order_id,), now)
    return row, order


def _order(order_id: str) -> Plan[OrderView]:
    row = one((yield Stmt("SELECT doc FROM orders WHERE id = ?", (order_id,))))
    assert row is not None
    return OrderView.model_validate_json(row["doc"])


def _step(
    fx: Effects, row: Row, status: str, assignments: str, params: tuple[object, ...], now: float
) -> Plan[Row]:
    """Move a request on if nobody moved it since it was read (optimistic, as tickets are)."""
    changed = one(
        (
            yield Stmt(
                f"UPDATE solution_requests SET status = ?, {assignments}, updated_at = ?, "
                "version = version + 1 WHERE id = ? AND version = ? RETURNING *",
                (status, *params, now, row["id"], row["version"]),
            )
        )
    )
    if changed is None:
        raise ProtocolError(
            ErrorCode.CONFLICT, "this request was changed at the same moment; look again"
        )
    store = yield from require_store(row["store_id"])
    yield from tell_store(fx, changed, store, False, now)
    return changed


def _today(now: float) -> dt.date:
    return dt.datetime.fromtimestamp(now, dt.UTC).date()
