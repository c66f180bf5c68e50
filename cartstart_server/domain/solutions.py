"""Solutions' rules, pure: what a solution may hold, the refusals' words (naming the line that is
wrong), how one is split into firms, and which step a request may take next.

A refusal happens before anything is written, so a refused solution stores nothing at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from shared_protocol import ErrorCode, ProtocolError

MAX_LINES = 200
MAX_QTY = 10_000
MAX_NOTE = 500
MAX_NAME = 120
MAX_OPTIONS = 10
MAX_OPTION_TEXT = 100
MAX_ANSWER_NOTE = 1000
MAX_CONTACT_FIELD = 200
MAX_WISHLIST = 500
MAX_ID = 64
_ID = re.compile(r"[A-Za-z0-9_.:\-]{1,64}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Line:
    line_id: str
    store_id: str
    product_id: str
    qty: int
    note: str = ""
    options: dict[str, str] = field(default_factory=dict)

    def doc(self) -> dict[str, object]:
        return {
            "line_id": self.line_id,
            "store_id": self.store_id,
            "product_id": self.product_id,
            "qty": self.qty,
            "note": self.note,
            "options": dict(self.options),
        }

    @classmethod
    def of(cls, doc: dict[str, object]) -> Line:
        options = doc.get("options") or {}
        assert isinstance(options, dict)
        return cls(
            line_id=str(doc["line_id"]),
            store_id=str(doc["store_id"]),
            product_id=str(doc["product_id"]),
            qty=int(doc["qty"]),  # type: ignore[call-overload]
            note=str(doc.get("note") or ""),
            options={str(k): str(v) for k, v in options.items()},
        )


def _bad(message: str, **details: Any) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_MESSAGE, message, **details)


# Control characters: PostgreSQL refuses NUL in text (the whole write fails), and in an email a
# line break in a one-line field would start a header or fake a paragraph. Notes may hold line
# breaks (and tabs); names, options and contact fields are one line.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_NOTE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_text(*texts: str, multiline: bool = False) -> bool:
    """Whether these can be stored and emailed: JSON may carry lone surrogates (`"\\ud800"`),
    which are no characters at all, and control characters (NUL above all)."""
    control = _CONTROL_NOTE if multiline else _CONTROL_ONE_LINE
    try:
        for text in texts:
            text.encode("utf-8")
            if control.search(text):
                return False
    except UnicodeEncodeError:
        return False
    return True


def _check_text(*texts: str, field: str, line: int | None = None, multiline: bool = False) -> None:
    if not is_text(*texts, multiline=multiline):
        where = f"line {line}: " if line is not None else ""
        raise _bad(
            f"{where}the {field} holds control characters or something that is not text; "
            "type it again without them",
            field=field,
            line=line,
        )


def clean_name(name: str) -> str:
    """A solution's name, one line, trimmed; refused when too long."""
    name = " ".join(name.split())  # line breaks and tabs become spaces
    _check_text(name, field="name")
    if len(name) > MAX_NAME:
        raise _bad(f"a solution's name may have up to {MAX_NAME} characters", field="name")
    return name


def check_lines(raw: Sequence[Line]) -> list[Line]:
    """The lines as kept: every limit checked, a line id for each (given ones kept, unique)."""
    if len(raw) > MAX_LINES:
        raise _bad(
            f"a solution may have up to {MAX_LINES} lines; this one has {len(raw)}. Split it "
            "into several solutions",
            field="lines",
            limit=MAX_LINES,
        )
    for n, line in enumerate(raw, start=1):
        _check_line(n, line)
    # Given ids are kept (the first of a repeated one); the others get ids none of them has.
    kept: list[str] = []
    for line in raw:
        given = line.line_id if line.line_id and _ID.fullmatch(line.line_id) else ""
        kept.append(given if given and given not in kept else "")
    taken = set(kept)
    lines: list[Line] = []
    for n, (line, line_id) in enumerate(zip(raw, kept, strict=True), start=1):
        if not line_id:
            line_id = _free_id(taken, n)
            taken.add(line_id)
        lines.append(
            Line(line_id, line.store_id, line.product_id, line.qty, line.note, line.options)
        )
    return lines


def _check_line(n: int, line: Line) -> None:
    where = f"line {n}"
    if not _ID.fullmatch(line.store_id) or not _ID.fullmatch(line.product_id):
        raise _bad(f"{where} does not name a product of a store", line=n)
    if not 1 <= line.qty <= MAX_QTY:
        raise _bad(
            f"{where}: the quantity must be a whole number from 1 to {MAX_QTY:,}",
            line=n,
            field="qty",
        )
    if len(line.note) > MAX_NOTE:
        raise _bad(f"{where}: a note may have up to {MAX_NOTE} characters", line=n)
    _check_text(line.note, field="note", line=n, multiline=True)
    _check_text(*line.options, *line.options.values(), field="options", line=n)
    if len(line.options) > MAX_OPTIONS:
        raise _bad(f"{where}: a line may have up to {MAX_OPTIONS} options", line=n)
    for key, value in line.options.items():
        if not key.strip() or len(key) > MAX_OPTION_TEXT or len(value) > MAX_OPTION_TEXT:
            raise _bad(
                f"{where}: an option needs a name and a value of up to {MAX_OPTION_TEXT} "
                "characters",
                line=n,
            )


def _free_id(seen: set[str], n: int) -> str:
    candidate, k = f"l{n}", n
    while candidate in seen:
        k += 1
        candidate = f"l{k}"
    return candidate


def by_firm(lines: Sequence[Line]) -> dict[str, list[Line]]:
    """Each firm's own lines, firms in the order they first appear in the solution."""
    firms: dict[str, list[Line]] = {}
    for line in lines:
        firms.setdefault(line.store_id, []).append(line)
    return firms


# ---- emails on anyone's behalf ------------------------------------------------------------------

# Emailing a link and sending a solution need no account, so both are counted per client
# address: the hub must not become a way to email strangers in bulk.
MAIL_ACTIONS = 20
MAIL_WINDOW = 3600.0


def mail_throttled(attempts: int, window_start: float, now: float) -> ProtocolError | None:
    if attempts <= MAIL_ACTIONS:
        return None
    minutes = max(1, int((window_start + MAIL_WINDOW - now + 59) // 60))
    return ProtocolError(
        ErrorCode.RATE_LIMITED,
        f"too many emails from this address: try again in {minutes} minute"
        + ("" if minutes == 1 else "s"),
        retry_after=minutes * 60,
    )


# ---- requests ----------------------------------------------------------------------------------

# Which status may follow which (docs/marketplace.md): a quote is sent, answered (again, if the
# firm revises it) or declined; an answered quote is accepted (its order is made in the same
# transaction). A request sent as an order is `ordered` from the start and takes no steps.
NEXT: dict[str, frozenset[str]] = {
    "sent": frozenset({"answered", "declined"}),
    "answered": frozenset({"answered", "accepted", "declined"}),
    "accepted": frozenset(),
    "ordered": frozenset(),
    "declined": frozenset(),
}


def check_step(current: str, new: str) -> None:
    if new not in NEXT[current]:
        raise ProtocolError(
            ErrorCode.INVALID_STATE,
            f"a request that is {current} cannot become {new}",
            status=current,
        )


@dataclass(frozen=True)
class Contact:
    name: str
    email: str
    company: str = ""
    phone: str = ""
    note: str = ""

    def doc(self) -> dict[str, str]:
        return {
            "name": self.name,
            "email": self.email,
            "company": self.company,
            "phone": self.phone,
            "note": self.note,
        }


def check_contact(contact: Contact) -> Contact:
    """The buyer's contact as firms receive it; an email address is required."""
    email = contact.email.strip().lower()
    if not _EMAIL.fullmatch(email) or len(email) > 254 or not is_text(email):
        raise _bad("give an email address the firms can answer to", field="email")
    _check_text(" ".join(contact.name.split()), contact.company, contact.phone, field="contact")
    _check_text(contact.note, field="note", multiline=True)
    fields = {
        "name": contact.name,
        "company": contact.company,
        "phone": contact.phone,
    }
    for name, value in fields.items():
        if len(value) > MAX_CONTACT_FIELD:
            raise _bad(f"the {name} may have up to {MAX_CONTACT_FIELD} characters", field=name)
    if len(contact.note) > MAX_ANSWER_NOTE:
        raise _bad(f"a note may have up to {MAX_ANSWER_NOTE} characters", field="note")
    name = " ".join(contact.name.split()) or email
    return Contact(name, email, contact.company.strip(), contact.phone.strip(), contact.note)


def check_email(email: str) -> str:
    email = email.strip().lower()
    if not _EMAIL.fullmatch(email) or len(email) > 254 or not is_text(email):
        raise _bad("that does not look like an email address", field="email")
    return email


def check_answer(valid_until: str, note: str, today: dt.date) -> dt.date:
    """A firm's answer: valid until a real date, today or later; a note of bounded length."""
    try:
        until = dt.date.fromisoformat(valid_until) if _DATE.fullmatch(valid_until) else None
    except ValueError:
        until = None
    if until is None:
        raise _bad("give the date the price is valid until, as YYYY-MM-DD", field="valid_until")
    if until < today:
        raise _bad("the date the price is valid until has passed", field="valid_until")
    check_note(note)
    return until


def check_note(note: str) -> None:
    _check_text(note, field="note", multiline=True)
    if len(note) > MAX_ANSWER_NOTE:
        raise _bad(f"a note may have up to {MAX_ANSWER_NOTE} characters", field="note")


def check_acceptable(kind: str, status: str, valid_until: str | None, today: dt.date) -> None:
    if kind != "quote" or status != "answered" or valid_until is None:
        raise ProtocolError(
            ErrorCode.INVALID_STATE,
            "only a quote the firm has answered can be accepted",
            status=status,
        )
    if dt.date.fromisoformat(valid_until) < today:
        raise ProtocolError(
            ErrorCode.INVALID_STATE,
            "this quote is no longer valid; ask the firm for a new one",
            status="expired",
        )


def check_same_answer(seen: int | None, current: int) -> None:
    """The buyer accepts the answer they saw: `seen` is the request's version on their page
    (None: not given, accepted as it is now)."""
    if seen is not None and seen != current:
        raise ProtocolError(
            ErrorCode.ANSWER_CHANGED,
            "the firm changed its answer since you opened the page; look at the new price and "
            "accept again if it suits you",
            version=current,
        )


def no_solution() -> ProtocolError:
    """Wrong id, wrong secret, or another account's: the same answer (nothing is revealed)."""
    return ProtocolError(
        ErrorCode.NOT_FOUND, "no such solution; check that the whole link was copied"
    )


def no_request(request_id: str) -> ProtocolError:
    return ProtocolError(ErrorCode.NOT_FOUND, "no such request", request_id=request_id)


def stale(version: int) -> ProtocolError:
    return ProtocolError(
        ErrorCode.STALE_SOLUTION,
        "this solution was changed elsewhere since you opened it; reload it and make your "
        "change again",
        version=version,
    )


def empty() -> ProtocolError:
    return _bad("add at least one product before sending the solution", field="lines")


def unknown_product(n: int, line: Line) -> ProtocolError:
    return _bad(
        f"line {n}: that product is not offered any more; remove it from the solution",
        line=n,
        line_id=line.line_id,
        store_id=line.store_id,
        product_id=line.product_id,
    )


def made_to_order(n: int, line: Line, name: str) -> ProtocolError:
    return _bad(
        f"line {n} ({name}) is made to order: send it as a request for a quote, or put it in "
        "your cart to personalise it",
        line=n,
        line_id=line.line_id,
        store_id=line.store_id,
        product_id=line.product_id,
    )


def not_enough(n: int, name: str, qty: int, available: int) -> ProtocolError:
    return ProtocolError(
        ErrorCode.INSUFFICIENT_STOCK,
        f"line {n} ({name}): {qty:,} wanted, {available:,} available; lower the quantity or "
        "ask for a quote instead",
        line=n,
        available=available,
    )


def wrong_currency(currency: str) -> ProtocolError:
    return _bad(f"answer in the currency of the firm's prices ({currency})", field="price")


def check_wishlist(items: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    if len(items) > MAX_WISHLIST:
        raise _bad(f"a wishlist may have up to {MAX_WISHLIST} products")
    out: list[tuple[str, str]] = []
    for store_id, product_id in items:
        if not _ID.fullmatch(store_id) or not _ID.fullmatch(product_id):
            raise _bad("a wishlist entry names a product of a store")
        if (store_id, product_id) not in out:
            out.append((store_id, product_id))
    return out
