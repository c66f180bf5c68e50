"""Error codes shared by every channel and by the HTTP API.

A code is the stable, machine-readable part of an error; the message is for humans and may change.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field


class ErrorCode(StrEnum):
    BAD_JSON = "bad_json"
    """The frame or body is not valid JSON (or not a JSON object)."""
    UNKNOWN_TYPE = "unknown_type"
    """The `type` field names no message of this channel and direction."""
    INVALID_MESSAGE = "invalid_message"
    """The message has the right type but violates its schema."""
    UNSUPPORTED_VERSION = "unsupported_version"
    """No protocol version offered in `hello` is spoken by the hub."""
    HELLO_REQUIRED = "hello_required"
    """The first message on a WebSocket must be `hello`."""
    UNAUTHORIZED = "unauthorized"
    """Missing, unknown, expired or revoked credentials."""
    FORBIDDEN = "forbidden"
    """The credentials are valid but do not allow this action."""
    NOT_FOUND = "not_found"
    """No such store, product, ticket or account (or not visible to you)."""
    CONFLICT = "conflict"
    """The request clashes with existing data (e.g. an email already registered)."""
    GONE = "gone"
    """It existed and was deleted (a live-selling session): its link will never work again."""
    INSUFFICIENT_STOCK = "insufficient_stock"
    """Not enough units available; `details.available` says how many are."""
    RENEWAL_LIMIT = "renewal_limit"
    """The store's renewal limit for this ticket is reached."""
    INVALID_STATE = "invalid_state"
    """The ticket is no longer held (expired, released, revoked or purchased)."""
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"
    """A command id was reused for a different command."""
    DISCOUNT_REFUSED = "discount_refused"
    """A discount code cannot be used; `details.reason` is `unknown`, `other_cart`,
    `wrong_store`, `expired` or `used`. Nothing was bought."""
    INSUFFICIENT_CREDIT = "insufficient_credit"
    """A support call needs at least one minute of support credit with the store; buy credit
    or ask the store."""
    AT_CAPACITY = "at_capacity"
    """An agent taking a conversation already holds their cap of open chats; `details.cap` and
    `details.open` say how many. The conversation stays free for another agent."""
    BAD_QUERY = "bad_query"
    """A marketplace search the hub cannot run: empty, longer than 200 characters, without a
    letter or digit, or an unknown price range."""
    UNKNOWN_CURRENCY = "unknown_currency"
    """A currency the hub has no exchange rate for (GET /api/market/currencies lists them)."""
    UNKNOWN_CATEGORY = "unknown_category"
    """A category id that is not in the marketplace's tree (at the level asked for)."""
    CATEGORY_IN_USE = "category_in_use"
    """A tree import would remove a subcategory that products are mapped into;
    `details.category` names it."""
    BAD_FORM = "bad_form"
    """A personalised product's form the hub cannot accept (an unknown field kind, a limit out
    of range, a price rule reading a field it cannot); `details.field` names the field."""
    BAD_VALUE = "bad_value"
    """A value a form's field cannot take (too long, out of range, not an option, an unknown
    field); `details.field` names it (and `details.row`, `details.column` in a list of rows)."""
    CUSTOMISATION_INCOMPLETE = "customisation_incomplete"
    """Checkout waits for every required field of every personalised item; `details.items`
    lists each item's `store_id`, `product_id`, `name` and `missing` field labels."""
    RATE_LIMITED = "rate_limited"
    """Too many messages; slow down. Repeated floods close the connection. Over HTTP (an
    agent's sign-in): 429, with `Retry-After` and `details.retry_after` in seconds."""
    STALE_SOLUTION = "stale_solution"
    """A marketplace solution was changed since the version the edit started from; reload it."""
    ANSWER_CHANGED = "answer_changed"
    """A firm changed its answer to a marketplace quote after the version the buyer accepted;
    `details.version` is the current one: show the new answer and let the buyer accept again."""
    TOO_LARGE = "too_large"
    """The frame or body exceeds the size limit."""
    SERVER_BUSY = "server_busy"
    """The hub is at its connection limit; retry later."""
    UNAVAILABLE = "unavailable"
    """The hub cannot reach its database for a moment (a restart, a failover). Nothing was
    lost; retry with the same id after `details.retry_after` seconds (HTTP: 503 with
    `Retry-After`)."""
    INTERNAL = "internal"
    """A fault in the hub. Nothing was changed; the command may be retried with the same id."""


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.BAD_JSON: 400,
    ErrorCode.UNKNOWN_TYPE: 400,
    ErrorCode.INVALID_MESSAGE: 422,
    ErrorCode.UNSUPPORTED_VERSION: 400,
    ErrorCode.HELLO_REQUIRED: 400,
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    ErrorCode.GONE: 410,
    ErrorCode.INSUFFICIENT_STOCK: 409,
    ErrorCode.RENEWAL_LIMIT: 409,
    ErrorCode.INVALID_STATE: 409,
    ErrorCode.IDEMPOTENCY_CONFLICT: 409,
    ErrorCode.DISCOUNT_REFUSED: 409,
    ErrorCode.INSUFFICIENT_CREDIT: 409,
    ErrorCode.AT_CAPACITY: 409,
    ErrorCode.BAD_QUERY: 422,
    ErrorCode.UNKNOWN_CURRENCY: 422,
    ErrorCode.UNKNOWN_CATEGORY: 422,
    ErrorCode.CATEGORY_IN_USE: 409,
    ErrorCode.BAD_FORM: 422,
    ErrorCode.BAD_VALUE: 422,
    ErrorCode.CUSTOMISATION_INCOMPLETE: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.STALE_SOLUTION: 409,
    ErrorCode.ANSWER_CHANGED: 409,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.SERVER_BUSY: 503,
    ErrorCode.UNAVAILABLE: 503,
    ErrorCode.INTERNAL: 500,
}


class ProtocolError(Exception):
    """An error that is reported to the peer as a typed `error` message or an HTTP 4xx/5xx."""

    def __init__(
        self, code: ErrorCode, message: str, *, command_id: str | None = None, **details: Any
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.command_id = command_id
        self.details = details

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]

    def __repr__(self) -> str:
        return f"ProtocolError({self.code.value!r}, {self.message!r}, {self.details!r})"


class ErrorBody(BaseModel):
    code: ErrorCode
    message: str = Field(description="For people: say it as it is")
    details: dict[str, Any] = Field(
        default_factory=dict, description="For programs: what the code's entry in the docs lists"
    )


class ErrorResponse(BaseModel):
    """Every HTTP error answer: `{"error": {"code", "message", "details"}}`."""

    error: ErrorBody
