"""The marketplace's solutions (docs/marketplace.md "Solutions, quotes and orders"): a named list
of lines from several firms, sent to each firm as a request for a quote or as an order.

Inbound bodies are loosely typed on purpose: the hub's rules (cartstart_server/domain/solutions.py)
check limits and answer with words for people, naming the line that is wrong.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .common import Money, Outbound, Timestamp
from .orders import OrderStatus, OrderView

RequestKind = Literal["quote", "order"]
RequestStatus = Literal["sent", "answered", "accepted", "ordered", "declined"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- what the buyer sends --------------------------------------------------------------------


class SolutionLineIn(_Body):
    line_id: str | None = Field(None, description="Kept when given; made up when missing")
    store_id: str
    product_id: str
    qty: int = Field(description="1 to 10,000")
    note: str = Field("", description="Up to 500 characters")
    options: dict[str, str] = Field(default_factory=dict, description="Up to 10")


class SolutionIn(_Body):
    name: str = Field("", description="Up to 120 characters")
    lines: list[SolutionLineIn] = Field(default_factory=list, description="Up to 200")


class SolutionUpdate(SolutionIn):
    version: int = Field(description="The version the edit started from")


class EmailIn(_Body):
    email: str
    lang: str | None = None


class ContactIn(_Body):
    name: str = ""
    email: str = ""
    company: str = ""
    phone: str = ""
    note: str = ""


class SendIn(_Body):
    kind: RequestKind
    contact: ContactIn = Field(default_factory=ContactIn)
    lang: str | None = None


class AnswerIn(_Body):
    price: Money
    valid_until: str = Field(description="YYYY-MM-DD, today or later")
    note: str = Field("", description="Up to 1,000 characters")


class DeclineIn(_Body):
    note: str = Field("", description="Up to 1,000 characters")


class WishItem(_Body):
    store_id: str
    product_id: str


class Wishlist(_Body):
    """Every body the hub takes is a JSON object: the list is under `items`."""

    items: list[WishItem] = Field(default_factory=list, description="Up to 500, in order")


# ---- what the hub answers --------------------------------------------------------------------


class MoneyText(Outbound):
    amount: int
    currency: str
    text: str = Field(description="Formatted for the answer's language")


class Shown(MoneyText):
    approximate: bool = Field(description="Converted to the display currency")


class SolutionLine(Outbound):
    line_id: str
    store_id: str
    product_id: str
    qty: int
    note: str
    options: dict[str, str]
    store_name: str
    name: str
    code: str
    image_url: str | None
    page_url: str | None
    price: MoneyText | None = Field(description="None when the product is gone")
    shown: Shown | None
    available: bool = Field(description="Still listed and active")


class Firm(Outbound):
    store_id: str
    store_name: str
    subtotal: MoneyText


class RequestLine(Outbound):
    """A line as it was sent to the firm: the name and price of that moment."""

    line_id: str
    product_id: str
    name: str
    code: str
    qty: int
    note: str
    options: dict[str, str]
    unit_price: MoneyText


class Answer(Outbound):
    price: MoneyText
    valid_until: str
    note: str


class RequestView(Outbound):
    id: str
    solution_id: str
    store_id: str
    store_name: str
    kind: RequestKind
    status: RequestStatus
    lines: list[RequestLine]
    answer: Answer | None
    order_id: str | None
    order_status: OrderStatus | None = Field(
        None, description="The order's status now (placed, confirmed, dispatched, ...)"
    )
    created_at: Timestamp
    updated_at: Timestamp
    version: int


class Contact(Outbound):
    name: str
    email: str
    company: str
    phone: str
    note: str


class StoreRequestView(RequestView):
    """What the firm's console sees: its own request, with the buyer's contact."""

    solution_name: str
    contact: Contact


class SolutionView(Outbound):
    id: str
    name: str
    version: int
    lines: list[SolutionLine]
    firms: list[Firm]
    requests: list[RequestView]
    created_at: Timestamp
    updated_at: Timestamp


class SolutionCreated(Outbound):
    id: str
    secret: str = Field(description="Shown once: the private link is /market/#solution=id.secret")
    solution: SolutionView


class Sent(Outbound):
    requests: list[RequestView]


class Accepted(Outbound):
    request: RequestView
    order: OrderView


class SolutionSummary(Outbound):
    id: str
    name: str
    version: int
    lines: int
    firms: int
    created_at: Timestamp
    updated_at: Timestamp


class AccountCall(Outbound):
    call_id: str
    store_id: str
    store_name: str
    started_at: Timestamp
    duration_seconds: float | None = Field(description="None while it rings or runs")
    stars: int | None
    comment: str


class RequestReceived(Outbound):
    """On the store stream: a marketplace request (a quote or an order) arrived for this store.
    The console shows it live."""

    type: Literal["request_received"] = "request_received"
    seq: int
    request: StoreRequestView


class RequestUpdated(Outbound):
    """On the store stream: a request changed (answered, declined, accepted by the buyer)."""

    type: Literal["request_updated"] = "request_updated"
    seq: int
    request: StoreRequestView
