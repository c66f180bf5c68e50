"""Words for people: every error the cart can meet, as the sentence a shopper reads.

The hub answers with a code, a message and details (docs/protocol.md, "Errors"). Its message is
for logs and integrators; what the window shows comes from this one table, built from the code,
the details and, for a refused request, the fields it names. A validator's own text ("String
should have at least 8 characters") never reaches a person: only the numbers in it do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from shared_protocol import ErrorCode

from .api import BadAddress, HubError, HubUnreachable
from .connection import Offline

EXPECTED = (HubError, HubUnreachable, Offline, BadAddress)
"""Errors that are part of using a hub (the rest are faults, logged with their traceback)."""

Action = Literal["", "log_in", "sign_up", "attach", "say"]
"""What the shopper was doing, where one code means different things (a 401 at log-in)."""

_MISMATCH = "This cart and the hub do not understand each other. Updating CartStart should fix it."

SENTENCES: dict[ErrorCode, str] = {
    ErrorCode.BAD_JSON: _MISMATCH,
    ErrorCode.UNKNOWN_TYPE: _MISMATCH,
    ErrorCode.UNSUPPORTED_VERSION: _MISMATCH,
    ErrorCode.HELLO_REQUIRED: _MISMATCH,
    ErrorCode.INVALID_MESSAGE: "The hub did not accept that. Check what you typed and try again.",
    ErrorCode.UNAUTHORIZED: "Your session has ended. Please log in again.",
    ErrorCode.FORBIDDEN: "This cart is not allowed to do that.",
    ErrorCode.NOT_FOUND: "That is no longer there: it may have been removed, sold or bought.",
    ErrorCode.CONFLICT: "Something changed meanwhile. Look again, then try again.",
    ErrorCode.GONE: "This live session was deleted, so it can no longer be used.",
    ErrorCode.INSUFFICIENT_STOCK: "The store does not have that many left.",
    ErrorCode.RENEWAL_LIMIT: "This hold cannot be renewed again: the store's limit is reached.",
    ErrorCode.INVALID_STATE: "That item is no longer held, so it cannot be changed.",
    ErrorCode.IDEMPOTENCY_CONFLICT: "The hub took this for an earlier request. Please try again.",
    ErrorCode.DISCOUNT_REFUSED: "A discount code could not be used, so nothing was bought.",
    ErrorCode.AT_CAPACITY: "You have as many chats open as you can take: close one first.",
    ErrorCode.RATE_LIMITED: "Too many requests at once. Wait a moment, then try again.",
    ErrorCode.TOO_LARGE: "That is more than the hub takes at once.",
    ErrorCode.SERVER_BUSY: "The hub is busy. Try again in a moment.",
    ErrorCode.INTERNAL: "The hub had a problem and changed nothing. Try again in a moment.",
    ErrorCode.INSUFFICIENT_CREDIT: (
        "You need at least one minute of support credit with this store: buy credit, or ask "
        "the store."
    ),
}
"""One sentence per code: what is shown when the details say nothing more precise."""

_BY_ACTION: dict[tuple[Action, ErrorCode], str] = {
    ("log_in", ErrorCode.UNAUTHORIZED): "Wrong email or password.",
    ("sign_up", ErrorCode.CONFLICT): (
        "An account with this email already exists. Log in instead, or use another email."
    ),
    ("sign_up", ErrorCode.INVALID_MESSAGE): (
        "Check your email address, and choose a password of at least 8 characters."
    ),
    ("attach", ErrorCode.UNAUTHORIZED): (
        "That link does not open a live session: it may be cut short. Copy it again on the "
        "store's live page."
    ),
    ("attach", ErrorCode.CONFLICT): "This live session is already attached to another cart.",
    ("attach", ErrorCode.NOT_FOUND): "That store's live page is closed.",
    ("say", ErrorCode.RATE_LIMITED): (
        "You are writing faster than the store allows. Wait a minute, then send it again."
    ),
}

_TICKET_STATES = {
    "expired": "That item's hold has run out, so it cannot be changed.",
    "released": "That item was given back to the store, so it cannot be changed.",
    "revoked": "The store took that item back, so it cannot be changed.",
    "purchased": "That item is bought already: see Deliveries.",
}

_DISCOUNTS = {
    "unknown": "The discount code {code} is not known.",
    "other_cart": "The discount code {code} was offered to another cart.",
    "wrong_store": "The discount code {code} is not for what this checkout buys.",
    "expired": "The discount code {code} has expired.",
    "used": "The discount code {code} was used already.",
}


def explain(error: BaseException, action: Action = "") -> str:
    """The sentence to show for an error of the hub, the network or the address typed."""
    if isinstance(error, HubError):
        return hub_error(error.code, error.details, action)
    if isinstance(error, HubUnreachable):
        where = f" at {error.hub_url}" if error.hub_url else ""
        return (
            f"The hub{where} cannot be reached. Check the address and your connection; "
            "the cart keeps trying."
        )
    if isinstance(error, Offline):
        return "The hub cannot be reached right now. Try again in a moment."
    if isinstance(error, BadAddress):
        return sentence(str(error))
    return "Something went wrong. Please try again."


def hub_error(code: str, details: Mapping[str, Any], action: Action = "") -> str:
    try:
        known = ErrorCode(code)
    except ValueError:
        return SENTENCES[ErrorCode.INTERNAL]
    if known is ErrorCode.INVALID_MESSAGE and details.get("problems"):
        return _problems(details["problems"], action)
    if (action, known) in _BY_ACTION:
        return _BY_ACTION[action, known]
    detailed = _from_details(known, details)
    return detailed or SENTENCES[known]


def _from_details(code: ErrorCode, details: Mapping[str, Any]) -> str | None:
    if code is ErrorCode.INSUFFICIENT_STOCK and isinstance(details.get("available"), int):
        left = details["available"]
        if isinstance(details.get("max_qty"), int):
            most = details["max_qty"]
            if left == 0:
                return f"No more left: your cart can hold at most {most}."
            return f"Only {left} more left: your cart can hold at most {most}."
        return "Sold out." if left == 0 else f"Only {left} left."
    if code is ErrorCode.RENEWAL_LIMIT and isinstance(details.get("limit"), int):
        n = details["limit"]
        times = "once" if n == 1 else f"{n} times"
        return f"This store lets you renew a hold {times}; this one cannot be renewed again."
    if code is ErrorCode.INVALID_STATE and details.get("state") in _TICKET_STATES:
        return _TICKET_STATES[details["state"]]
    if code is ErrorCode.GONE and details.get("deleted_by") in ("store", "visitor"):
        who = "The store" if details["deleted_by"] == "store" else "You"
        return f"{who} deleted this live session, so it can no longer be used."
    if code is ErrorCode.DISCOUNT_REFUSED and details.get("reason") in _DISCOUNTS:
        text = _DISCOUNTS[details["reason"]].format(code=details.get("discount_code", ""))
        return f"{text} Nothing was bought."
    return None


def _problems(problems: Any, action: Action) -> str:
    """The fields of a refused request, each as a sentence (at most two, no repeats)."""
    said: list[str] = []
    for problem in problems if isinstance(problems, list) else []:
        if not isinstance(problem, dict):
            continue
        text = field_sentence(str(problem.get("loc", "")), str(problem.get("msg", "")), action)
        if text not in said:
            said.append(text)
    return " ".join(said[:2]) or SENTENCES[ErrorCode.INVALID_MESSAGE]


def _number(pattern: str, text: str) -> int | None:
    found = re.search(pattern, text)
    return int(found.group(1)) if found else None


def field_sentence(loc: str, validator_text: str, action: Action = "") -> str:
    """What to say about one refused field ("body.password"). Only the limits are read from
    the validator's text; the words are ours."""
    field = loc.rsplit(".", 1)[-1]
    least = _number(r"at least (\d+)", validator_text)
    most = _number(r"at most (\d+)", validator_text)
    ge = _number(r"greater than or equal to (\d+)", validator_text)
    le = _number(r"less than or equal to (\d+)", validator_text)
    if field == "password":
        if least is not None:
            return f"Choose a password of at least {least} characters."
        if most is not None:
            return f"That password is too long: use at most {most} characters."
        return "Choose another password."
    if field == "email":
        if most is not None:
            return f"That email address is too long (at most {most} characters)."
        return "Enter a valid email address."
    if field == "display_name":
        return f"Your name can have at most {most or 100} characters."
    if field == "qty":
        if le is not None:
            return f"Choose a quantity of at most {le}."
        if ge is not None:
            return f"Choose a quantity of at least {ge}."
        return "Choose a whole number for the quantity."
    if field in ("discount_codes", "code"):
        return "A code is not in the right form."
    if field == "label":
        return "That name is too long."
    if field == "text":
        return f"A message can have at most {most or 2000} characters."
    return f"The hub did not accept the {field.replace('_', ' ') or 'request'}."


def sentence(text: str) -> str:
    """Our own message as a sentence: a capital first, a full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."
