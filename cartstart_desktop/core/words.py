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
from .draft_state import NotSaved
from .lang import N_, _

EXPECTED = (HubError, HubUnreachable, Offline, BadAddress, NotSaved)
"""Errors that are part of using a hub (the rest are faults, logged with their traceback)."""

Action = Literal["", "log_in", "sign_up", "attach", "say"]
"""What the shopper was doing, where one code means different things (a 401 at log-in)."""

_MISMATCH = N_(
    "This cart and the hub do not understand each other. Updating CartStart should fix it."
)

SENTENCES: dict[ErrorCode, str] = {
    ErrorCode.BAD_JSON: _MISMATCH,
    ErrorCode.UNKNOWN_TYPE: _MISMATCH,
    ErrorCode.UNSUPPORTED_VERSION: _MISMATCH,
    ErrorCode.HELLO_REQUIRED: _MISMATCH,
    ErrorCode.INVALID_MESSAGE: N_(
        "The hub did not accept that. Check what you typed and try again."
    ),
    ErrorCode.UNAUTHORIZED: N_("Your session has ended. Please log in again."),
    ErrorCode.FORBIDDEN: N_("This cart is not allowed to do that."),
    ErrorCode.NOT_FOUND: N_("That is no longer there: it may have been removed, sold or bought."),
    ErrorCode.CONFLICT: N_("Something changed meanwhile. Look again, then try again."),
    ErrorCode.GONE: N_("This live session was deleted, so it can no longer be used."),
    ErrorCode.INSUFFICIENT_STOCK: N_("The store does not have that many left."),
    ErrorCode.RENEWAL_LIMIT: N_("This hold cannot be renewed again: the store's limit is reached."),
    ErrorCode.INVALID_STATE: N_("That item is no longer held, so it cannot be changed."),
    ErrorCode.IDEMPOTENCY_CONFLICT: N_(
        "The hub took this for an earlier request. Please try again."
    ),
    ErrorCode.DISCOUNT_REFUSED: N_("A discount code could not be used, so nothing was bought."),
    ErrorCode.AT_CAPACITY: N_("You have as many chats open as you can take: close one first."),
    ErrorCode.RATE_LIMITED: N_("Too many requests at once. Wait a moment, then try again."),
    ErrorCode.TOO_LARGE: N_("That is more than the hub takes at once."),
    ErrorCode.SERVER_BUSY: N_("The hub is busy. Try again in a moment."),
    ErrorCode.UNAVAILABLE: N_(
        "The hub cannot reach its records for a moment. Nothing was lost: try again shortly."
    ),
    ErrorCode.INTERNAL: N_("The hub had a problem and changed nothing. Try again in a moment."),
    ErrorCode.INSUFFICIENT_CREDIT: N_(
        "You need at least one minute of support credit with this store: buy credit, or ask "
        "the store."
    ),
    ErrorCode.BAD_QUERY: N_(
        "Those words cannot be searched for: type at least one letter or digit, at most 200 "
        "characters."
    ),
    ErrorCode.BAD_FORM: N_("The store's form for this product is not one the hub accepts."),
    ErrorCode.BAD_VALUE: N_("One of the answers does not fit its field. Check the form."),
    ErrorCode.CUSTOMISATION_INCOMPLETE: N_(
        "Some items still need to be personalised. Fill in their forms, then check out."
    ),
    ErrorCode.UNKNOWN_CURRENCY: N_("The hub has no exchange rate for that currency any more."),
    ErrorCode.UNKNOWN_CATEGORY: N_("That category is no longer in the tree. Clear the filters."),
    ErrorCode.CATEGORY_IN_USE: N_("That category still has products in it."),
    ErrorCode.STALE_SOLUTION: N_(
        "This solution was changed meanwhile. Open its link again to see it as it is now."
    ),
    ErrorCode.ANSWER_CHANGED: N_(
        "The firm changed its answer meanwhile. Look at the new answer before you accept."
    ),
}
"""One sentence per code: what is shown when the details say nothing more precise."""

_BY_ACTION: dict[tuple[Action, ErrorCode], str] = {
    ("log_in", ErrorCode.UNAUTHORIZED): N_("Wrong email or password."),
    ("sign_up", ErrorCode.CONFLICT): N_(
        "An account with this email already exists. Log in instead, or use another email."
    ),
    ("sign_up", ErrorCode.INVALID_MESSAGE): N_(
        "Check your email address, and choose a password of at least 8 characters."
    ),
    ("attach", ErrorCode.UNAUTHORIZED): N_(
        "That link does not open a live session: it may be cut short. Copy it again on the "
        "store's live page."
    ),
    ("attach", ErrorCode.CONFLICT): N_("This live session is already attached to another cart."),
    ("attach", ErrorCode.NOT_FOUND): N_("That store's live page is closed."),
    ("say", ErrorCode.RATE_LIMITED): N_(
        "You are writing faster than the store allows. Wait a minute, then send it again."
    ),
}

_TICKET_STATES = {
    "expired": N_("That item's hold has run out, so it cannot be changed."),
    "released": N_("That item was given back to the store, so it cannot be changed."),
    "revoked": N_("The store took that item back, so it cannot be changed."),
    "purchased": N_("That item is bought already: see Deliveries."),
}

_DISCOUNTS = {
    "unknown": N_("The discount code {code} is not known."),
    "other_cart": N_("The discount code {code} was offered to another cart."),
    "wrong_store": N_("The discount code {code} is not for what this checkout buys."),
    "expired": N_("The discount code {code} has expired."),
    "used": N_("The discount code {code} was used already."),
}


def explain(error: BaseException, action: Action = "") -> str:
    """The sentence to show for an error of the hub, the network or the address typed."""
    if isinstance(error, HubError):
        return hub_error(error.code, error.details, action)
    if isinstance(error, HubUnreachable):
        if action in ("log_in", "sign_up") and error.hub_url:  # nothing retries a sign-in
            return _(
                "CartStart cannot reach the hub at {url}; check the address or try again.",
                url=error.hub_url,
            )
        if error.hub_url:
            return _(
                "The hub at {url} cannot be reached. Check the address and your connection; "
                "the cart keeps trying.",
                url=error.hub_url,
            )
        return _(
            "The hub cannot be reached. Check the address and your connection; the cart keeps "
            "trying."
        )
    if isinstance(error, Offline):
        return _("The hub cannot be reached right now. Try again in a moment.")
    if isinstance(error, BadAddress):
        return sentence(str(error))
    if isinstance(error, NotSaved):
        return _(
            "Nothing was bought: answers not saved yet: {names}. Open Personalise… to see why, "
            "then check out again.",
            names=", ".join(error.names),
        )
    return _("Something went wrong. Please try again.")


def hub_error(code: str, details: Mapping[str, Any], action: Action = "") -> str:
    try:
        known = ErrorCode(code)
    except ValueError:
        return _(SENTENCES[ErrorCode.INTERNAL])
    if known is ErrorCode.INVALID_MESSAGE and details.get("problems"):
        return _problems(details["problems"], action)
    if (action, known) in _BY_ACTION:
        return _(_BY_ACTION[action, known])
    detailed = _from_details(known, details)
    return detailed or _(SENTENCES[known])


def _from_details(code: ErrorCode, details: Mapping[str, Any]) -> str | None:
    if code is ErrorCode.INSUFFICIENT_STOCK and isinstance(details.get("available"), int):
        left = details["available"]
        if isinstance(details.get("max_qty"), int):
            most = details["max_qty"]
            if left == 0:
                return _("No more left: your cart can hold at most {most}.", most=most)
            return _(
                "Only {left} more left: your cart can hold at most {most}.", left=left, most=most
            )
        return _("Sold out.") if left == 0 else _("Only {left} left.", left=left)
    if code is ErrorCode.RENEWAL_LIMIT and isinstance(details.get("limit"), int):
        n = details["limit"]
        return _.n(
            "This store lets you renew a hold once; this one cannot be renewed again.",
            "This store lets you renew a hold {n} times; this one cannot be renewed again.",
            n,
        )
    if code is ErrorCode.INVALID_STATE and details.get("state") in _TICKET_STATES:
        return _(_TICKET_STATES[details["state"]])
    if code is ErrorCode.GONE and details.get("deleted_by") in ("store", "visitor"):
        if details["deleted_by"] == "store":
            return _("The store deleted this live session, so it can no longer be used.")
        return _("You deleted this live session, so it can no longer be used.")
    if code is ErrorCode.CUSTOMISATION_INCOMPLETE and isinstance(details.get("items"), list):
        return _unfinished(details["items"])
    if code is ErrorCode.DISCOUNT_REFUSED and details.get("reason") in _DISCOUNTS:
        text = _(_DISCOUNTS[details["reason"]], code=details.get("discount_code", ""))
        return _("{text} Nothing was bought.", text=text)
    return None


def _unfinished(items: list[Any]) -> str | None:
    """Each personalised item the hub found unfinished, with the fields it still needs."""
    from .review import Unfinished

    said = [
        Unfinished(
            str(item.get("store_id", "")),
            str(item.get("product_id", "")),
            str(item.get("name", "")),
            [str(label) for label in item.get("missing") or []],
        ).text
        for item in items
        if isinstance(item, dict)
    ]
    if not said:
        return None
    return " ".join(said[:3]) + " " + _("Nothing was bought.")


def _problems(problems: Any, action: Action) -> str:
    """The fields of a refused request, each as a sentence (at most two, no repeats)."""
    said: list[str] = []
    for problem in problems if isinstance(problems, list) else []:
        if not isinstance(problem, dict):
            continue
        text = field_sentence(str(problem.get("loc", "")), str(problem.get("msg", "")), action)
        if text not in said:
            said.append(text)
    return " ".join(said[:2]) or _(SENTENCES[ErrorCode.INVALID_MESSAGE])


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
            return _("Choose a password of at least {n} characters.", n=least)
        if most is not None:
            return _("That password is too long: use at most {n} characters.", n=most)
        return _("Choose another password.")
    if field == "email":
        if most is not None:
            return _("That email address is too long (at most {n} characters).", n=most)
        return _("Enter a valid email address.")
    if field == "display_name":
        return _("Your name can have at most {n} characters.", n=most or 100)
    if field == "qty":
        if le is not None:
            return _("Choose a quantity of at most {n}.", n=le)
        if ge is not None:
            return _("Choose a quantity of at least {n}.", n=ge)
        return _("Choose a whole number for the quantity.")
    if field in ("discount_codes", "code"):
        return _("A code is not in the right form.")
    if field == "label":
        return _("That name is too long.")
    if field == "text":
        return _("A message can have at most {n} characters.", n=most or 2000)
    if not field:
        return _("The hub did not accept the request.")
    return _("The hub did not accept the {field}.", field=field.replace("_", " "))


def sentence(text: str) -> str:
    """Our own message as a sentence: a capital first, a full stop last."""
    text = text.strip()
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."
