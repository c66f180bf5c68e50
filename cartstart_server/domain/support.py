"""Support calls with prepaid credit, as rules: what a call costs, how long a balance lasts, when
the warning comes, what the credit product gives, the report's words, and the refusals' words.
No I/O; times come in as arguments. Money is integer minor units of the store's currency."""

from __future__ import annotations

import math

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.money import format_money

WARN_BEFORE = 60.0  # seconds before the credit runs out that both sides are warned
TICK_EVERY = 15.0  # seconds between two ticks of a running support call (crash recovery)
ORPHAN_AFTER = 30.0  # a support call whose tick is older than this is ended by any node
SWEEP_EVERY = 5.0  # seconds between two looks for orphaned support calls


def cost(seconds: float, price_per_minute: int) -> int:
    """Per second, in whole seconds (a part of a second is free), rounded up to the minor unit
    once per call: 61 s at 100 per minute cost 102."""
    whole = max(0, math.floor(seconds + 1e-9))
    return math.ceil(whole * price_per_minute / 60)


def charge(seconds: float, price_per_minute: int, balance: int) -> int:
    """What a call is charged: its cost, never more than the balance."""
    return min(balance, cost(seconds, price_per_minute))


def seconds_paid(balance: int, price_per_minute: int) -> float:
    """How long a balance lasts: whole seconds it pays for in full."""
    return float(math.floor(balance * 60 / price_per_minute))


def minutes(balance: int, price_per_minute: int | None) -> int:
    return balance // price_per_minute if price_per_minute else 0


def plan_times(answered_at: float, balance: int, price_per_minute: int) -> tuple[float, float]:
    """(warn_at, ends_at) of a call answered at `answered_at` with `balance`."""
    ends_at = answered_at + seconds_paid(balance, price_per_minute)
    return max(answered_at, ends_at - WARN_BEFORE), ends_at


def purchase_credit(qty: int, minutes_per_unit: int, price_per_minute: int) -> int:
    """Buying the credit product: `minutes_per_unit` minutes per unit, at the price per minute
    when the order is confirmed (not what was paid: a discount code or a price change of the
    product does not change the minutes the shopper was promised)."""
    return qty * minutes_per_unit * price_per_minute


def check_can_call(balance: int, price_per_minute: int) -> None:
    if balance < price_per_minute:
        raise ProtocolError(
            ErrorCode.INSUFFICIENT_CREDIT,
            "you need at least one minute of support credit: buy credit or ask the store",
            balance=balance,
            price_per_minute=price_per_minute,
        )


def no_support() -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, "this store does not offer support calls")


def sign_in_first() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        "support calls are for signed-in shoppers: attach this session to your CartStart cart "
        "(or open it from the desktop cart) and ask again",
    )


def nobody_available() -> ProtocolError:
    return ProtocolError(
        ErrorCode.CONFLICT,
        "no support agent is available right now: try again later, or write in the chat",
    )


def already_calling() -> ProtocolError:
    return ProtocolError(
        ErrorCode.CONFLICT, "you are already in a support call with this store: hang it up first"
    )


def only_visitors_ask() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "only the shopper can ask for a support call")


def support_agents_only() -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        "only a support agent can take a support call: ask an owner to mark you as support",
    )


def currency_fixed(currency: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.CONFLICT,
        f"shoppers hold credit in {currency}: the support currency cannot change any more",
        field="currency",
    )


def no_product(product_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND,
        f"no product {product_id!r} in the catalogue",
        field="credit_product_id",
    )


def product_currency(currency: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.INVALID_MESSAGE,
        f"the credit product must be priced in the support currency ({currency})",
        field="credit_product_id",
    )


def unknown_shopper() -> ProtocolError:
    return ProtocolError(
        ErrorCode.NOT_FOUND,
        "no shopper with this reference at your store (it comes from your Customers list or a "
        "live session of a signed-in shopper)",
        field="cart_ref",
    )


def zero_grant() -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_MESSAGE, "give an amount other than 0", field="amount")


def below_zero(balance: int, currency: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.CONFLICT,
        f"the shopper has {format_money(balance, currency)}: you cannot take back more",
    )


def not_a_support_call(call_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"no support call {call_id!r} in this session")


def complain_after() -> ProtocolError:
    return ProtocolError(
        ErrorCode.INVALID_STATE, "the call is still going: tell the agent, or complain after"
    )


def only_visitors_complain() -> ProtocolError:
    return ProtocolError(ErrorCode.FORBIDDEN, "only the shopper can complain about a call")


def no_complaint(complaint_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, f"no complaint {complaint_id!r} at your store")


def already_answered() -> ProtocolError:
    return ProtocolError(ErrorCode.CONFLICT, "this complaint has been answered already")


def report_email(
    store_name: str, seconds: float, charged: int, balance: int, currency: str, reason: str
) -> tuple[str, str]:
    """The report's email (subject, body); names kept on one line."""
    store = " ".join(store_name.split())
    mins, secs = divmod(int(seconds), 60)
    ended = {
        "credit_exhausted": "Your support credit ran out, so the call ended.",
        "interrupted": "The call was interrupted on our side; you were charged only up to then.",
    }.get(reason, "The call has ended.")
    body = (
        f"Your support call with {store}\n\n"
        f"{ended}\n\n"
        f"Duration: {mins} min {secs:02d} s\n"
        f"Credit used: {format_money(charged, currency)}\n"
        f"Credit left: {format_money(balance, currency)}\n\n"
        "You can rate the call, or complain about the answers or the support, from the "
        "session's page or your CartStart desktop cart.\n"
    )
    return f"Your support call with {store}", body
