"""Support calls with prepaid credit (docs/agents.md "Support calls", docs/shopper.md): a store's
support agents take paid calls from signed-in shoppers, charged per second from a per-store
credit balance in the store's currency. The hub sends a call's `credit_plan` once and both sides
tick it locally; it warns a minute before the credit runs out, ends the call when it does, and
charges each call exactly once."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import CommandId, CurrencyCode, Ident, Inbound, Money, Outbound, Timestamp

MAX_COMPLAINT = 2000  # characters in a complaint or its answer
MAX_REASON = 200  # characters in a grant's reason
ComplaintAbout = Literal["answers", "support"]
EntryKind = Literal["purchase", "grant", "call"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# ---- the store's settings (REST) -------------------------------------------------------------


class SupportSettingsIn(_Body):
    """An owner sets the store's support price per minute and its credit product. Buying one
    unit of `credit_product_id` (once the store confirms the order) adds `minutes_per_unit`
    minutes' worth of credit at the price per minute of that moment."""

    price_per_minute: Annotated[int, Field(ge=1, le=1_000_000)] = Field(
        description="Minor units of `currency` per minute"
    )
    currency: CurrencyCode
    credit_product_id: Ident | None = None
    minutes_per_unit: Annotated[int, Field(ge=1, le=600)] = 10


class SupportSettings(Outbound):
    """A store's support settings; `enabled` is false until an owner set a price."""

    enabled: bool
    price_per_minute: Money | None = None
    credit_product_id: str | None = None
    minutes_per_unit: int = 10


class SupportAgentIn(_Body):
    support: bool


class CreditGrantIn(_Body):
    """The store gives (or, negative, takes back) credit to a shopper it knows by `cart_ref`
    (as its Customers list and live sessions show it), with a reason the shopper reads."""

    cart_ref: Annotated[str, Field(min_length=1, max_length=64)]
    amount: Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000)] = Field(
        description="Minor units of the store's support currency; not 0"
    )
    reason: Annotated[str, Field(min_length=1, max_length=MAX_REASON)]


class CreditEntry(Outbound):
    """One line of a balance's history (append-only)."""

    kind: EntryKind
    delta: Money = Field(description="The amount (its sign is in `credit`)")
    credit: bool = Field(description="True: added to the balance; false: taken from it")
    reason: str = ""
    order_id: str | None = None
    call_id: str | None = None
    at: Timestamp


class CreditBalance(Outbound):
    """A shopper's credit with a store: what is left, in money and in whole minutes."""

    store_id: str
    cart_ref: str = Field(description="The shopper as this store knows them")
    balance: Money
    minutes: int = Field(description="Whole minutes the balance pays for at today's price")
    entries: list[CreditEntry] = Field(default_factory=list, description="Newest first")


class CreditBalances(Outbound):
    """`GET /api/stores/{id}/support/credit`: every shopper with credit history at the store."""

    balances: list[CreditBalance]


# ---- complaints --------------------------------------------------------------------------------


class Complaint(Outbound):
    complaint_id: str
    call_id: str
    store_id: str
    cart_ref: str = Field("", description="Filled in the store's list only")
    about: ComplaintAbout
    text: str
    at: Timestamp
    answer: str | None = None
    answered_at: Timestamp | None = None


class Complaints(Outbound):
    """Unanswered first (oldest first), then answered (newest first)."""

    complaints: list[Complaint]


class ComplaintAnswerIn(_Body):
    answer: Annotated[str, Field(min_length=1, max_length=MAX_COMPLAINT)]


class Complain(Inbound):
    """The shopper complains about a support call of the session that has ended: about the
    answers they got or the support itself. The store answers in its console."""

    type: Literal["complain"] = "complain"
    id: CommandId
    call_id: Ident
    about: ComplaintAbout
    text: Annotated[str, Field(min_length=1, max_length=MAX_COMPLAINT)]


# ---- the session's durable events -------------------------------------------------------------


class CreditPlan(Outbound):
    """Durable, once per support call, when it is answered: both sides show the duration
    (now - answered_at) and the credit left (balance - price per second so far), ticking
    locally; the hub warns at `warn_at` and ends the call at `ends_at`."""

    type: Literal["credit_plan"] = "credit_plan"
    seq: int
    call_id: str
    answered_at: Timestamp
    price_per_minute: Money
    balance: Money
    warn_at: Timestamp
    ends_at: Timestamp


class CreditWarning(Outbound):
    """Durable: a minute of credit is left; the call ends at `ends_at`."""

    type: Literal["credit_warning"] = "credit_warning"
    seq: int
    call_id: str
    ends_at: Timestamp


class SupportReport(Outbound):
    """Durable: a support call ended and was charged (also emailed to the shopper)."""

    type: Literal["support_report"] = "support_report"
    seq: int
    call_id: str
    duration: float = Field(description="Seconds charged")
    charged: Money
    balance: Money = Field(description="What is left")
    end_reason: str
    at: Timestamp


class ComplaintChanged(Outbound):
    """Durable: the shopper filed a complaint, or the store answered it."""

    type: Literal["complaint"] = "complaint"
    seq: int
    complaint: Complaint


class SupportCredit(Outbound):
    """Durable, in each session of the shopper with the store (both sides read it): their
    credit there changed (a grant, a confirmed purchase, a call's charge)."""

    type: Literal["credit"] = "credit"
    seq: int
    balance: Money
    price_per_minute: Money


class ShopperSupport(Outbound):
    """`GET /api/cart/support/{store_id}`: the store's support offer and the shopper's credit,
    complaints and latest reports there."""

    store_id: str
    settings: SupportSettings
    credit: CreditBalance
    complaints: list[Complaint]


class SessionSupport(Outbound):
    """In a session's snapshot (attached to a shopper's cart, at a store that offers support):
    the shopper's credit there, the running support call's plan, the latest report and the
    session's complaints, so a page loaded mid-call or after it shows them."""

    price_per_minute: Money
    balance: Money
    plan: CreditPlan | None = Field(None, description="The running support call's plan")
    warned: bool = Field(False, description="The running call's one-minute warning was given")
    last_report: SupportReport | None = None
    complaints: list[Complaint] = Field(default_factory=list)
