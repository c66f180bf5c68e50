"""Support settings, credit and complaints as the console and the shopper read and change them
(the call's side is storage/credit.py): the store's price and credit product, support agents,
grants, balances, complaints and their answers, and what a session's snapshot shows."""

from __future__ import annotations

from shared_protocol.common import Money
from shared_protocol.support import (
    Complaint,
    ComplaintChanged,
    CreditBalance,
    CreditEntry,
    CreditPlan,
    SessionSupport,
    SupportReport,
    SupportSettings,
    SupportSettingsIn,
)

from ..domain import support as rules
from ..domain.tickets import cart_ref
from ..domain.topics import live_stream
from . import credit, outbox
from .selling import SessionRow
from .sql import Effects, Plan, Row, Stmt, one


def settings_view(row: Row | None) -> SupportSettings:
    if row is None:
        return SupportSettings(enabled=False)
    return SupportSettings(
        enabled=True,
        price_per_minute=Money(amount=row["price_amount"], currency=row["currency"]),
        credit_product_id=row["credit_product_id"],
        minutes_per_unit=row["minutes_per_unit"],
    )


def set_settings(store_id: str, body: SupportSettingsIn) -> Plan[SupportSettings]:
    """The currency is fixed once a shopper holds credit in it; the credit product must exist
    and be priced in it."""
    old = yield from credit.settings(store_id)
    if old is not None and old["currency"] != body.currency:
        held = yield Stmt("SELECT 1 FROM credit_entries WHERE store_id = ? LIMIT 1", (store_id,))
        if held:
            raise rules.currency_fixed(old["currency"])
    if body.credit_product_id is not None:
        product = one(
            (
                yield Stmt(
                    "SELECT currency FROM products WHERE store_id = ? AND product_id = ?",
                    (store_id, body.credit_product_id),
                )
            )
        )
        if product is None:
            raise rules.no_product(body.credit_product_id)
        if product["currency"] != body.currency:
            raise rules.product_currency(body.currency)
    row = one(
        (
            yield Stmt(
                "INSERT INTO support_settings (store_id, price_amount, currency, "
                "credit_product_id, minutes_per_unit) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (store_id) DO UPDATE SET price_amount = excluded.price_amount, "
                "currency = excluded.currency, credit_product_id = excluded.credit_product_id, "
                "minutes_per_unit = excluded.minutes_per_unit RETURNING *",
                (
                    store_id,
                    body.price_per_minute,
                    body.currency,
                    body.credit_product_id,
                    body.minutes_per_unit,
                ),
            )
        )
    )
    return settings_view(row)


def set_agent_support(store_id: str, agent_id: str, support: bool) -> Plan[bool]:
    rows = yield Stmt(
        "UPDATE agents SET support = ? WHERE id = ? AND store_id = ? AND removed_at IS NULL "
        "RETURNING id",
        (int(support), agent_id, store_id),
    )
    return bool(rows)


# ---- balances ----------------------------------------------------------------------------------


def account_of_ref(store_id: str, ref: str) -> Plan[str | None]:
    """The account a store knows as `ref`: a customer of the store, or the shopper of one of its
    attached live sessions (the pseudonym is not reversible; the store's own lists are)."""
    row = one(
        (
            yield Stmt(
                "SELECT cart_id FROM customers WHERE store_id = ? AND cart_ref = ?",
                (store_id, ref),
            )
        )
    )
    if row is not None:
        return str(row["cart_id"])
    rows = yield Stmt(
        "SELECT DISTINCT account_id FROM live_sessions WHERE store_id = ? "
        "AND account_id IS NOT NULL UNION SELECT DISTINCT account_id FROM support_credit "
        "WHERE store_id = ?",
        (store_id, store_id),
    )
    return next(
        (str(r["account_id"]) for r in rows if cart_ref(store_id, r["account_id"]) == ref), None
    )


def grant(
    fx: Effects, store_id: str, ref: str, amount: int, reason: str, entry_id: str, now: float
) -> Plan[CreditBalance]:
    if amount == 0:
        raise rules.zero_grant()
    found = yield from credit.settings(store_id)
    if found is None:
        raise rules.no_support()
    account_id = yield from account_of_ref(store_id, ref)
    if account_id is None:
        raise rules.unknown_shopper()
    have = yield from credit.balance(store_id, account_id)
    if have + amount < 0:
        raise rules.below_zero(have, found["currency"])
    yield from credit.add_entry(
        fx,
        entry_id=entry_id,
        store_id=store_id,
        account_id=account_id,
        delta=amount,
        currency=found["currency"],
        price=int(found["price_amount"]),
        kind="grant",
        reason=" ".join(reason.split()),
        now=now,
    )
    return (yield from balance_view(store_id, account_id))


def balance_view(store_id: str, account_id: str, entries: int = 20) -> Plan[CreditBalance]:
    found = yield from credit.settings(store_id)
    row = one(
        (
            yield Stmt(
                "SELECT * FROM support_credit WHERE store_id = ? AND account_id = ?",
                (store_id, account_id),
            )
        )
    )
    currency = row["currency"] if row else (found["currency"] if found else "EUR")
    left = int(row["balance"]) if row else 0
    lines = yield Stmt(
        "SELECT * FROM credit_entries WHERE store_id = ? AND account_id = ? "
        "ORDER BY at DESC, id DESC LIMIT ?",
        (store_id, account_id, entries),
    )
    return CreditBalance(
        store_id=store_id,
        cart_ref=cart_ref(store_id, account_id),
        balance=Money(amount=left, currency=currency),
        minutes=rules.minutes(left, found["price_amount"] if found else None),
        entries=[
            CreditEntry(
                kind=e["kind"],
                delta=Money(amount=abs(e["delta"]), currency=currency),
                credit=e["delta"] >= 0,
                reason=e["reason"],
                order_id=e["order_id"],
                call_id=e["call_id"],
                at=e["at"],
            )
            for e in lines
        ],
    )


def balances(store_id: str) -> Plan[list[CreditBalance]]:
    rows = yield Stmt(
        "SELECT account_id FROM support_credit WHERE store_id = ? ORDER BY balance DESC",
        (store_id,),
    )
    views = []
    for r in rows:
        views.append((yield from balance_view(store_id, r["account_id"], entries=5)))
    return views


# ---- complaints --------------------------------------------------------------------------------


def _complaint(row: Row, for_store: bool) -> Complaint:
    return Complaint(
        complaint_id=row["id"],
        call_id=row["call_id"],
        store_id=row["store_id"],
        cart_ref=cart_ref(row["store_id"], row["account_id"]) if for_store else "",
        about=row["about"],
        text=row["text"],
        at=row["at"],
        answer=row["answer"],
        answered_at=row["answered_at"],
    )


def complain(
    fx: Effects, s: SessionRow, call_id: str, about: str, text: str, cid: str, now: float
) -> Plan[Complaint]:
    call = one(
        (
            yield Stmt(
                "SELECT * FROM live_calls WHERE id = ? AND session_id = ? AND support = 1",
                (call_id, s.id),
            )
        )
    )
    if call is None or call["account_id"] != s.account_id:
        raise rules.not_a_support_call(call_id)
    if call["state"] != "ended":
        raise rules.complain_after()
    row = one(
        (
            yield Stmt(
                "INSERT INTO support_complaints (id, call_id, session_id, store_id, account_id, "
                "about, text, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (cid, call_id, s.id, s.store_id, call["account_id"], about, text.strip(), now),
            )
        )
    )
    assert row is not None
    view = _complaint(row, for_store=False)
    yield from outbox.append(
        fx, live_stream(s.id), lambda seq: ComplaintChanged(seq=seq, complaint=view), now
    )
    return view


def answer(fx: Effects, store_id: str, cid: str, text: str, now: float) -> Plan[Complaint]:
    row = one(
        (
            yield Stmt(
                "SELECT * FROM support_complaints WHERE id = ? AND store_id = ?", (cid, store_id)
            )
        )
    )
    if row is None:
        raise rules.no_complaint(cid)
    changed = one(
        (
            yield Stmt(
                "UPDATE support_complaints SET answer = ?, answered_at = ? WHERE id = ? "
                "AND answered_at IS NULL RETURNING *",
                (text.strip(), now, cid),
            )
        )
    )
    if changed is None:
        raise rules.already_answered()
    shopper = _complaint(changed, for_store=False)
    alive = one((yield Stmt("SELECT id FROM live_sessions WHERE id = ?", (row["session_id"],))))
    if alive is not None:  # a deleted session's shopper reads it in their cart's support view
        yield from outbox.append(
            fx,
            live_stream(row["session_id"]),
            lambda seq: ComplaintChanged(seq=seq, complaint=shopper),
            now,
        )
    return _complaint(changed, for_store=True)


def complaints(store_id: str, account_id: str | None = None) -> Plan[list[Complaint]]:
    """A store's complaints (or one shopper's there): unanswered first, oldest first; then the
    answered ones, newest first."""
    where, args = "store_id = ?", [store_id]
    if account_id is not None:
        where, args = where + " AND account_id = ?", [*args, account_id]
    rows = yield Stmt(
        f"SELECT * FROM support_complaints WHERE {where} "
        "ORDER BY CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END, "
        "CASE WHEN answered_at IS NULL THEN at ELSE -answered_at END LIMIT 200",
        tuple(args),
    )
    return [_complaint(r, for_store=account_id is None) for r in rows]


# ---- a session's snapshot ----------------------------------------------------------------------


def of_session(s: SessionRow) -> Plan[SessionSupport | None]:
    found = yield from credit.settings(s.store_id)
    if found is None or s.account_id is None:
        return None
    currency = found["currency"]
    left = yield from credit.balance(s.store_id, s.account_id)
    running = one(
        (
            yield Stmt(
                "SELECT * FROM live_calls WHERE session_id = ? AND support = 1 "
                "AND state = 'active'",
                (s.id,),
            )
        )
    )
    plan = None
    if running is not None and running["plan_balance"] is not None:
        warn_at, ends_at = credit.plan_of(running)
        plan = CreditPlan(
            seq=0,
            call_id=running["id"],
            answered_at=running["answered_at"],
            price_per_minute=Money(amount=running["price_amount"], currency=currency),
            balance=Money(amount=running["plan_balance"], currency=currency),
            warn_at=warn_at,
            ends_at=ends_at,
        )
    last = one(
        (
            yield Stmt(
                "SELECT c.*, e.delta FROM live_calls c JOIN credit_entries e ON e.call_id = c.id "
                "WHERE c.session_id = ? AND c.support = 1 AND c.state = 'ended' "
                "ORDER BY c.ended_at DESC LIMIT 1",
                (s.id,),
            )
        )
    )
    report = None
    if last is not None:  # the balance said is today's (later entries may have moved it)
        report = SupportReport(
            seq=0,
            call_id=last["id"],
            duration=float(int(last["ended_at"] - last["answered_at"])),
            charged=Money(amount=-last["delta"], currency=currency),
            balance=Money(amount=left, currency=currency),
            end_reason=last["end_reason"] or "hung_up",
            at=last["ended_at"],
        )
    mine = yield Stmt(
        "SELECT * FROM support_complaints WHERE session_id = ? ORDER BY at DESC LIMIT 50", (s.id,)
    )
    return SessionSupport(
        price_per_minute=Money(amount=found["price_amount"], currency=currency),
        balance=Money(amount=left, currency=currency),
        plan=plan,
        warned=running is not None and running["warned_at"] is not None,
        last_report=report,
        complaints=[_complaint(r, for_store=False) for r in mine],
    )
