"""The cart as the shopper sees it: items grouped by store, why each row looks as it does, totals.

Pure state: events, command results and snapshots go in, `Change`s and `Notice`s come out.
Views of a ticket are applied only if they are at least as new as the one held (`version`), so
the same change arriving twice (a command's result, then its event) is harmless.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from shared_protocol.cart import (
    CartSnapshot,
    CartTicketEvent,
    TicketExpired,
    TicketExpiringSoon,
    TicketRevoked,
)
from shared_protocol.common import Availability, Money, TicketState, TicketView

from .lang import _
from .money import times, totals


@dataclass
class CartItem:
    ticket: TicketView
    note: str = ""
    """Why the row looks as it does: "Expires soon", "Expired", the shop's reason for a revoke."""
    available: int | None = None
    """How many more units the store has (live), when known."""

    @property
    def ticket_id(self) -> str:
        return self.ticket.ticket_id

    @property
    def held(self) -> bool:
        return self.ticket.state is TicketState.HELD

    @property
    def renewable(self) -> bool:
        return self.held and self.ticket.renewals_left > 0

    @property
    def page(self) -> str | None:
        """The page to open for this row: where it was picked, else the product's page."""
        return self.ticket.source_url or self.ticket.page_url

    @property
    def line_total(self) -> Money:
        return times(self.ticket.price, self.ticket.qty)

    def seconds_left(self, now: float) -> float:
        return max(0.0, self.ticket.expires_at - now)


@dataclass(frozen=True)
class Change:
    kind: Literal["added", "updated", "removed"]
    ticket_id: str
    store_id: str


@dataclass(frozen=True)
class Notice:
    """Something worth a notification (tray message)."""

    kind: Literal["expiring", "expired", "revoked", "order", "discount", "live"]
    title: str
    text: str
    ticket_id: str = ""  # the row it is about (an order id for order notices, a live session)


@dataclass
class StoreGroup:
    store_id: str
    store_name: str
    items: list[CartItem] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return totals((i.ticket.price, i.ticket.qty) for i in self.items if i.held)


def count_text(held: int, listed: int) -> str:
    """How many items are held, and how many listed rows no longer are (expired, taken back):
    the same words for a store's row and for the whole cart."""
    text = _.n("{n} item held", "{n} items held", held)
    gone = listed - held
    if gone > 0:
        return _.n("{held}, {n} no longer held", "{held}, {n} no longer held", gone, held=text)
    return text


def countdown(seconds: float) -> str:
    """A compact countdown: 14:59, 1:02:03, or 0:00."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class CartState:
    def __init__(self) -> None:
        self.items: dict[str, CartItem] = {}
        self._availability: dict[tuple[str, str], tuple[int, int]] = {}

    # ---- reading ----------------------------------------------------------------------------

    def groups(self) -> list[StoreGroup]:
        by_store: dict[str, StoreGroup] = {}
        for item in self.items.values():
            group = by_store.get(item.ticket.store_id)
            if group is None:
                group = by_store[item.ticket.store_id] = StoreGroup(
                    item.ticket.store_id, item.ticket.store_name
                )
            group.items.append(item)
        return list(by_store.values())

    def totals(self) -> dict[str, int]:
        return totals((i.ticket.price, i.ticket.qty) for i in self.items.values() if i.held)

    def held_count(self) -> int:
        return sum(1 for i in self.items.values() if i.held)

    def count_text(self) -> str:
        return count_text(self.held_count(), len(self.items))

    def holds_in(self, store_id: str | None) -> bool:
        """Whether the cart holds anything from this store (so it can be checked out)."""
        return any(i.held and i.ticket.store_id == store_id for i in self.items.values())

    # ---- changing ---------------------------------------------------------------------------

    def load(self, items: Iterable[CartItem]) -> None:
        self.items = {item.ticket_id: item for item in items}

    def apply_ticket(self, view: TicketView, note: str = "") -> list[Change]:
        """Take a ticket view if it is not older than ours. Released tickets leave the cart."""
        current = self.items.get(view.ticket_id)
        if current is not None and view.version < current.ticket.version:
            return []
        if view.state is TicketState.RELEASED:
            return self.remove(view.ticket_id)
        key = (view.store_id, view.product_id)
        available = self._availability[key][0] if key in self._availability else None
        if current is None:
            self.items[view.ticket_id] = CartItem(view, note, available)
            return [Change("added", view.ticket_id, view.store_id)]
        current.ticket = view
        current.note = note
        return [Change("updated", view.ticket_id, view.store_id)]

    def apply_event(self, event: CartTicketEvent, now: float) -> tuple[list[Change], Notice | None]:
        ticket = event.ticket
        if isinstance(event, TicketExpiringSoon):
            minutes = max(1, math.ceil((ticket.expires_at - now) / 60))
            note = _("Expires soon: renew it to keep it")
            notice = Notice(
                "expiring",
                _("A hold is about to expire"),
                _.n(
                    "{name} ({store}) expires in {n} minute.",
                    "{name} ({store}) expires in {n} minutes.",
                    minutes,
                    name=ticket.name,
                    store=ticket.store_name,
                ),
                ticket.ticket_id,
            )
            return self.apply_ticket(ticket, note), notice
        if isinstance(event, TicketExpired):
            note = _("Expired: back on sale at {store}", store=ticket.store_name)
            notice = Notice(
                "expired", _("A hold expired"), f"{ticket.name}: {note}.", ticket.ticket_id
            )
            return self.apply_ticket(ticket, note), notice
        if isinstance(event, TicketRevoked):
            notice = Notice(
                "revoked",
                _("{store} took back {name}", store=ticket.store_name, name=ticket.name),
                event.message,
                ticket.ticket_id,
            )
            return self.apply_ticket(ticket, event.message), notice
        return self.apply_ticket(ticket), None

    def apply_availability(self, item: Availability) -> list[Change]:
        key = (item.store_id, item.product_id)
        known = self._availability.get(key)
        if known is not None and item.version <= known[1]:
            return []
        self._availability[key] = (item.available, item.version)
        changes = []
        for cart_item in self.items.values():
            if (cart_item.ticket.store_id, cart_item.ticket.product_id) == key:
                cart_item.available = item.available
                changes.append(Change("updated", cart_item.ticket_id, key[0]))
        return changes

    def reconcile(self, snapshot: CartSnapshot, now: float) -> list[Change]:
        """Make the cart agree with the hub's snapshot. Rows the hub no longer holds stay, marked
        with what most likely happened, so the shopper sees it rather than losing it silently."""
        changes: list[Change] = []
        listed = {t.ticket_id for t in snapshot.tickets}
        for view in snapshot.tickets:
            changes += self.apply_ticket(view)
        for item in list(self.items.values()):
            if item.ticket_id in listed or not item.held:
                continue
            if item.ticket.expires_at <= now:
                state, note = TicketState.EXPIRED, _("Expired while the cart was offline")
            else:
                state = TicketState.REVOKED
                note = _("No longer held (released elsewhere or sold)")
            item.ticket = item.ticket.model_copy(update={"state": state})
            item.note = note
            changes.append(Change("updated", item.ticket_id, item.ticket.store_id))
        for availability in snapshot.availability:
            changes += self.apply_availability(availability)
        return changes

    def remove(self, ticket_id: str) -> list[Change]:
        item = self.items.pop(ticket_id, None)
        return [Change("removed", ticket_id, item.ticket.store_id)] if item else []
