"""The cart's pure state: events in, changes and notices out. No Qt, no network."""

from __future__ import annotations

from typing import Any

from cartstart_desktop.core.cart import CartState, countdown
from cartstart_desktop.core.money import format_money, format_totals, totals
from shared_protocol.cart import (
    CartSnapshot,
    ItemAdded,
    QuantityChanged,
    TicketExpired,
    TicketExpiringSoon,
    TicketReleased,
    TicketRevoked,
)
from shared_protocol.common import Availability, Money, RevokeReason, TicketView

NOW = 1_800_000_000.0


def view(
    ticket_id: str = "t1", *, store: str = "s1", qty: int = 1, version: int = 1, **extra: Any
) -> TicketView:
    values: dict[str, Any] = {
        "ticket_id": ticket_id,
        "store_id": store,
        "store_name": f"Store {store}",
        "product_id": f"p-{ticket_id}",
        "name": f"Product {ticket_id}",
        "code": "C",
        "price": Money(amount=1999, currency="EUR"),
        "qty": qty,
        "state": "held",
        "created_at": NOW,
        "expires_at": NOW + 900,
        "renewals_left": 2,
        "version": version,
    }
    values.update(extra)
    return TicketView(**values)


def test_events_add_update_and_group_by_store() -> None:
    state = CartState()
    changes, notice = state.apply_event(ItemAdded(seq=1, ticket=view("a")), NOW)
    assert [c.kind for c in changes] == ["added"] and notice is None
    state.apply_event(
        ItemAdded(seq=2, ticket=view("b", store="s2", price=Money(amount=500, currency="GBP"))), NOW
    )
    changes, _ = state.apply_event(
        QuantityChanged(seq=3, ticket=view("a", qty=3, version=2), previous_qty=1), NOW
    )
    assert [c.kind for c in changes] == ["updated"]
    groups = state.groups()
    assert [(g.store_id, [i.ticket.qty for i in g.items]) for g in groups] == [
        ("s1", [3]),
        ("s2", [1]),
    ]
    assert groups[0].totals == {"EUR": 5997}
    assert state.totals() == {"EUR": 5997, "GBP": 500}


def test_an_older_view_never_overwrites_a_newer_one() -> None:
    state = CartState()
    state.apply_ticket(view("a", qty=3, version=3))
    assert state.apply_ticket(view("a", qty=1, version=2)) == []
    assert state.items["a"].ticket.qty == 3


def test_expiry_warning_expiry_and_revocation_say_why() -> None:
    state = CartState()
    state.apply_event(ItemAdded(seq=1, ticket=view("a")), NOW)
    _, notice = state.apply_event(TicketExpiringSoon(seq=2, ticket=view("a")), NOW + 840)
    assert notice is not None and notice.kind == "expiring" and "1 minute" in notice.text
    assert "renew" in state.items["a"].note
    _, notice = state.apply_event(
        TicketExpired(seq=3, ticket=view("a", state="expired", version=2)), NOW + 900
    )
    assert notice is not None and notice.kind == "expired"
    assert not state.items["a"].held and state.items["a"].note.startswith("Expired")
    state.apply_event(ItemAdded(seq=4, ticket=view("b")), NOW)
    revoked = TicketRevoked(
        seq=5,
        ticket=view("b", state="revoked", version=2),
        revoked_qty=1,
        reason=RevokeReason.SOLD_IN_SHOP,
        message="The shop sold this item over the counter.",
    )
    _, notice = state.apply_event(revoked, NOW)
    assert notice is not None and notice.kind == "revoked"
    assert state.items["b"].note == "The shop sold this item over the counter."
    # Only held items count towards totals.
    assert state.totals() == {}


def test_a_release_removes_the_row() -> None:
    state = CartState()
    state.apply_event(ItemAdded(seq=1, ticket=view("a")), NOW)
    changes, _ = state.apply_event(
        TicketReleased(seq=2, ticket=view("a", state="released", version=2)), NOW
    )
    assert [c.kind for c in changes] == ["removed"] and state.items == {}


def test_reconcile_marks_what_the_hub_no_longer_holds() -> None:
    state = CartState()
    state.apply_ticket(view("gone-expired", expires_at=NOW - 5))
    state.apply_ticket(view("gone-early", expires_at=NOW + 500))
    state.apply_ticket(view("kept", qty=1))
    snapshot = CartSnapshot(
        head_seq=9,
        tickets=[view("kept", qty=2, version=2), view("new-while-away", store="s2")],
        availability=[Availability(store_id="s1", product_id="p-kept", available=4, version=7)],
    )
    changes = state.reconcile(snapshot, NOW)
    assert {c.ticket_id for c in changes} == {
        "gone-expired",
        "gone-early",
        "kept",
        "new-while-away",
    }
    assert state.items["gone-expired"].ticket.state == "expired"
    assert "offline" in state.items["gone-expired"].note
    assert state.items["gone-early"].ticket.state == "revoked"
    assert state.items["kept"].ticket.qty == 2 and state.items["kept"].available == 4
    assert state.items["new-while-away"].held
    # Nothing was dropped: every row is still there for the shopper to see.
    assert len(state.items) == 4


def test_availability_keeps_the_newest_version() -> None:
    state = CartState()
    state.apply_ticket(view("a"))
    state.apply_availability(Availability(store_id="s1", product_id="p-a", available=3, version=5))
    assert (
        state.apply_availability(
            Availability(store_id="s1", product_id="p-a", available=9, version=4)
        )
        == []
    )
    assert state.items["a"].available == 3


def test_money_is_exact_and_formatted_per_currency() -> None:
    assert format_money(1999, "EUR") == "€19.99"
    assert format_money(150000, "JPY") == "¥150,000"
    assert format_money(1234, "KWD") == "1.234 KWD"
    assert format_money(5, "SEK") == "0.05 SEK"
    lines = [(Money(amount=10, currency="EUR"), 1)] * 3 + [(Money(amount=1, currency="GBP"), 1)]
    assert totals(lines) == {"EUR": 30, "GBP": 1}  # never 0.30000000000000004
    assert totals([(Money(amount=1999, currency="EUR"), 3)]) == {"EUR": 5997}
    assert format_totals({"EUR": 30, "GBP": 1}) == "€0.30 + £0.01"


def test_countdown() -> None:
    assert countdown(899.9) == "14:59"
    assert countdown(3723) == "1:02:03"
    assert countdown(0) == "0:00"
