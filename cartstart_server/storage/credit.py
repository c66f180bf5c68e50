"""Support credit as plans: a shopper's balance per store and its append-only entries; what a
support call needs to start and be answered, its plan, and its charge at the end (one entry per
call, decided by the unique index `credit_call`, in the transaction that ends the call); credit
from a confirmed order of the credit product (one entry per order, `credit_order`).

Session events are appended through the outbox directly (not storage/selling.py), so that
storage/selling.py can settle a running call when a session is deleted."""

from __future__ import annotations

from shared_protocol.common import Money
from shared_protocol.support import CreditPlan, CreditWarning, SupportCredit, SupportReport

from ..domain import support as rules
from ..domain.topics import live_stream
from . import outbound_queue, outbox
from .sql import Effects, Plan, Row, Stmt, one


def settings(store_id: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM support_settings WHERE store_id = ?", (store_id,))))


def balance(store_id: str, account_id: str) -> Plan[int]:
    row = one(
        (
            yield Stmt(
                "SELECT balance FROM support_credit WHERE store_id = ? AND account_id = ?",
                (store_id, account_id),
            )
        )
    )
    return int(row["balance"]) if row else 0


def add_entry(
    fx: Effects,
    *,
    entry_id: str,
    store_id: str,
    account_id: str,
    delta: int,
    currency: str,
    price: int,
    kind: str,
    now: float,
    reason: str = "",
    order_id: str | None = None,
    call_id: str | None = None,
) -> Plan[int | None]:
    """Append an entry and move the balance with it; None when its order or call was counted
    already (nothing changes). The balance never goes below zero (CHECK). Once committed, the
    shopper's open sessions with the store hear the new balance (`price` a minute now)."""
    rows = yield Stmt(
        "INSERT INTO credit_entries (id, store_id, account_id, delta, kind, reason, order_id, "
        "call_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
        (entry_id, store_id, account_id, delta, kind, reason, order_id, call_id, now),
    )
    if not rows:
        return None
    if delta >= 0:  # an INSERT's own row is checked too: only a credit may create the row
        sql = (
            "INSERT INTO support_credit (store_id, account_id, balance, currency) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (store_id, account_id) "
            "DO UPDATE SET balance = support_credit.balance + excluded.balance RETURNING balance"
        )
        args: tuple[object, ...] = (store_id, account_id, delta, currency)
    else:
        sql = (
            "UPDATE support_credit SET balance = balance + ? WHERE store_id = ? "
            "AND account_id = ? RETURNING balance"
        )
        args = (delta, store_id, account_id)
    row = one((yield Stmt(sql, args)))
    assert row is not None
    left = int(row["balance"])
    yield from _tell_sessions(fx, store_id, account_id, left, price, currency, now)
    return left


def _tell_sessions(
    fx: Effects, store_id: str, account_id: str, left: int, price: int, currency: str, now: float
) -> Plan[None]:
    """A durable `credit` event in each live session of this shopper with this store (and no
    other): in the session's stream, so it is ordered with the rest of the session (two changes
    committed on two nodes arrive in commit order), replayed to a page that resumes, and polled
    by one without a WebSocket."""
    rows = yield Stmt(
        "SELECT id FROM live_sessions WHERE account_id = ? AND store_id = ?",
        (account_id, store_id),
    )
    event = SupportCredit(
        seq=0,
        balance=Money(amount=left, currency=currency),
        price_per_minute=Money(amount=price, currency=currency),
    )
    for r in rows:
        yield from outbox.append(
            fx, live_stream(str(r["id"])), lambda seq: event.model_copy(update={"seq": seq}), now
        )


# ---- a support call's life -------------------------------------------------------------------


def check_start(store_id: str, account_id: str | None) -> Plan[int]:
    """A shopper may ask: signed in, the store offers support, a minute of credit, no other
    support call of theirs with the store running. Returns the price per minute."""
    if account_id is None:
        raise rules.sign_in_first()
    found = yield from settings(store_id)
    if found is None:
        raise rules.no_support()
    price = int(found["price_amount"])
    rules.check_can_call((yield from balance(store_id, account_id)), price)
    running = yield Stmt(
        "SELECT id FROM live_calls WHERE store_id = ? AND account_id = ? AND support = 1 "
        "AND state <> 'ended'",
        (store_id, account_id),
    )
    if running:
        raise rules.already_calling()
    return price


def support_agents(store_id: str) -> Plan[set[str]]:
    rows = yield Stmt(
        "SELECT id FROM agents WHERE store_id = ? AND support = 1 AND removed_at IS NULL",
        (store_id,),
    )
    return {str(r["id"]) for r in rows}


def check_taker(store_id: str, agent_id: str | None) -> Plan[None]:
    if agent_id is None or agent_id not in (yield from support_agents(store_id)):
        raise rules.support_agents_only()


def planned(fx: Effects, row: Row, now: float) -> Plan[Row]:
    """The call was answered: fix its plan (the balance and price now), its first tick, and
    tell both sides once."""
    found = yield from settings(row["store_id"])
    assert found is not None, "checked when the call was asked for"
    price, currency = int(row["price_amount"]), str(found["currency"])
    left = yield from balance(row["store_id"], row["account_id"])
    rules.check_can_call(left, price)  # spent in another call meanwhile
    updated = one(
        (
            yield Stmt(
                "UPDATE live_calls SET plan_balance = ?, tick_at = ? WHERE id = ? RETURNING *",
                (left, now, row["id"]),
            )
        )
    )
    assert updated is not None
    warn_at, ends_at = rules.plan_times(now, left, price)
    yield from outbox.append(
        fx,
        live_stream(row["session_id"]),
        lambda seq: CreditPlan(
            seq=seq,
            call_id=row["id"],
            answered_at=now,
            price_per_minute=Money(amount=price, currency=currency),
            balance=Money(amount=left, currency=currency),
            warn_at=warn_at,
            ends_at=ends_at,
        ),
        now,
    )
    return updated


def plan_of(row: Row) -> tuple[float, float]:
    """(warn_at, ends_at) of an answered support call."""
    return rules.plan_times(row["answered_at"], row["plan_balance"], row["price_amount"])


def settle(fx: Effects, row: Row, now: float) -> Plan[SupportReport | None]:
    """A support call has ended (`row` as the ending UPDATE returned it): charge it once, mail
    the shopper the report and put it in the session's stream. An unanswered call costs
    nothing and has no report."""
    if not row["support"] or row["answered_at"] is None:
        return None
    store_id, account_id, call_id = row["store_id"], row["account_id"], row["id"]
    found = yield from settings(store_id)
    assert found is not None
    currency = str(found["currency"])
    seconds = max(0.0, row["ended_at"] - row["answered_at"])
    charged = rules.charge(seconds, row["price_amount"], (yield from balance(store_id, account_id)))
    left = yield from add_entry(
        fx,
        entry_id=f"ce-{call_id}",
        store_id=store_id,
        account_id=account_id,
        delta=-charged,
        currency=currency,
        price=int(found["price_amount"]),
        kind="call",
        call_id=call_id,
        now=now,
    )
    if left is None:
        return None  # charged already
    report = SupportReport(
        seq=0,
        call_id=call_id,
        duration=float(int(seconds)),
        charged=Money(amount=charged, currency=currency),
        balance=Money(amount=left, currency=currency),
        end_reason=row["end_reason"] or "hung_up",
        at=now,
    )
    account = one((yield Stmt("SELECT email FROM accounts WHERE id = ?", (account_id,))))
    store = one((yield Stmt("SELECT name FROM stores WHERE id = ?", (store_id,))))
    if account is not None and store is not None:
        subject, body = rules.report_email(
            store["name"], seconds, charged, left, currency, report.end_reason
        )
        yield from outbound_queue.queued_mail(account["email"], subject, body, now)
    seq = yield from outbox.append(
        fx,
        live_stream(row["session_id"]),
        lambda seq: report.model_copy(update={"seq": seq}),
        now,
    )
    return report.model_copy(update={"seq": seq})


def tick(call_id: str, now: float) -> Plan[Row | None]:
    """The running node's sign of life for a support call (None: it has ended)."""
    return one(
        (
            yield Stmt(
                "UPDATE live_calls SET tick_at = ? WHERE id = ? AND state = 'active' RETURNING *",
                (now, call_id),
            )
        )
    )


def call_row(call_id: str) -> Plan[Row | None]:
    return one((yield Stmt("SELECT * FROM live_calls WHERE id = ?", (call_id,))))


def warn(fx: Effects, call_id: str, now: float) -> Plan[bool]:
    """The one-minute warning, a durable event both sides get: once (false if it was given or
    the call ended)."""
    row = one(
        (
            yield Stmt(
                "UPDATE live_calls SET warned_at = ? WHERE id = ? AND state = 'active' "
                "AND warned_at IS NULL RETURNING *",
                (now, call_id),
            )
        )
    )
    if row is None:
        return False
    _, ends_at = plan_of(row)
    yield from outbox.append(
        fx,
        live_stream(row["session_id"]),
        lambda seq: CreditWarning(seq=seq, call_id=call_id, ends_at=ends_at),
        now,
    )
    return True


def orphans(before: float) -> Plan[list[str]]:
    rows = yield Stmt(
        "SELECT id FROM live_calls WHERE support = 1 AND state = 'active' AND tick_at < ?",
        (before,),
    )
    return [str(r["id"]) for r in rows]


# ---- credit from a confirmed order -------------------------------------------------------------


def from_order(
    fx: Effects, store_id: str, account_id: str, order_id: str, qty_of: dict[str, int], now: float
) -> Plan[int | None]:
    """An order of the store's credit product was confirmed: add its minutes' worth (once per
    order). None when the order holds no credit product or the store sells no credit."""
    found = yield from settings(store_id)
    if found is None or found["credit_product_id"] is None:
        return None
    qty = qty_of.get(found["credit_product_id"], 0)
    if qty <= 0:
        return None
    amount = rules.purchase_credit(qty, found["minutes_per_unit"], found["price_amount"])
    return (
        yield from add_entry(
            fx,
            entry_id=f"co-{order_id}",
            store_id=store_id,
            account_id=account_id,
            delta=amount,
            currency=found["currency"],
            price=int(found["price_amount"]),
            kind="purchase",
            order_id=order_id,
            now=now,
            reason=f"{qty} × {found['minutes_per_unit']} min",
        )
    )
