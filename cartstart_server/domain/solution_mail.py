"""The emails solutions send, in the reader's language (`Words("hub", lang)`): the link to
oneself, each firm's request (only its own lines), the buyer's confirmation (every firm and what
it received), and a firm's answer. Plain text: whatever a buyer typed stays text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from shared_protocol import i18n
from shared_protocol.i18n import Words

from .solutions import Contact


@dataclass(frozen=True)
class MailLine:
    name: str
    code: str
    qty: int
    unit_amount: int
    currency: str
    note: str = ""
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MailFirm:
    store_name: str
    lines: Sequence[MailLine]
    reference: str  # the request's id, or the order's


def _lines(_: Words, lines: Sequence[MailLine]) -> list[str]:
    out = []
    for line in lines:
        unit = i18n.money(line.unit_amount, line.currency, _.lang)
        total = i18n.money(line.unit_amount * line.qty, line.currency, _.lang)
        code = f" [{line.code}]" if line.code else ""
        out.append(f"- {line.qty} x {line.name}{code}: {unit} = {total}")
        for key, value in line.options.items():
            out.append(f"    {key}: {value}")
        if line.note:
            out.append("    " + _("Note: {note}", note=line.note))
    return out


def subtotal(lines: Sequence[MailLine], lang: str) -> str:
    """Per currency (one firm's lines are normally all in its own currency)."""
    sums: dict[str, int] = {}
    for line in lines:
        sums[line.currency] = sums.get(line.currency, 0) + line.unit_amount * line.qty
    return " + ".join(i18n.money(amount, cur, lang) for cur, amount in sums.items())


def link_email(lang: str, name: str, link: str, lines: Sequence[MailLine]) -> tuple[str, str]:
    _ = Words("hub", lang)
    title = name or _("Your solution")
    subject = _("Your solution: {name}", name=title)
    body = [
        _(
            'Here is the link to your solution "{name}". Anyone with this link can open and '
            "change it, so keep it to yourself.",
            name=title,
        ),
        "",
        link,
        "",
        _.n("{n} line:", "{n} lines:", len(lines)),
        *_lines(_, lines),
    ]
    return subject, "\n".join(body) + "\n"


def firm_email(
    lang: str,
    *,
    kind: str,
    store_name: str,
    solution_name: str,
    contact: Contact,
    lines: Sequence[MailLine],
    reference: str,
) -> tuple[str, str]:
    _ = Words("hub", lang)
    if kind == "order":
        subject = _("New order from the marketplace for {store}", store=store_name)
        intro = _(
            "{buyer} ordered these products from {store} (order {ref}):",
            buyer=contact.name,
            store=store_name,
            ref=reference,
        )
        close = _("The order is in your console with your other orders.")
    else:
        subject = _("Request for a quote for {store}", store=store_name)
        intro = _(
            "{buyer} asks {store} for a quote for these products (request {ref}):",
            buyer=contact.name,
            store=store_name,
            ref=reference,
        )
        close = _(
            "Answer with your price and how long it is valid in the console's Requests panel."
        )
    body = [
        intro,
        "",
        *_lines(_, lines),
        "",
        _("At list prices: {total}", total=subtotal(lines, lang)),
        "",
        _("Solution: {name}", name=solution_name or "-"),
        *_contact(_, contact),
        "",
        close,
    ]
    return subject, "\n".join(body) + "\n"


def _contact(_: Words, contact: Contact) -> list[str]:
    out = [_("Buyer: {name} <{email}>", name=contact.name, email=contact.email)]
    if contact.company:
        out.append(_("Company: {company}", company=contact.company))
    if contact.phone:
        out.append(_("Phone: {phone}", phone=contact.phone))
    if contact.note:
        out.append(_("Note: {note}", note=contact.note))
    return out


def confirmation_email(
    lang: str, *, kind: str, solution_name: str, firms: Sequence[MailFirm], link: str | None
) -> tuple[str, str]:
    _ = Words("hub", lang)
    title = solution_name or _("Your solution")
    if kind == "order":
        subject = _("Your order was sent: {name}", name=title)
        intro = _.n(
            "Your order went to {n} firm. Each firm received only its own lines:",
            "Your order went to {n} firms. Each firm received only its own lines:",
            len(firms),
        )
    else:
        subject = _("Your request for quotes was sent: {name}", name=title)
        intro = _.n(
            "Your request for a quote went to {n} firm. Each firm received only its own lines:",
            "Your request for quotes went to {n} firms. Each firm received only its own lines:",
            len(firms),
        )
    body = [intro, ""]
    for firm in firms:
        body.append(_("{store} (reference {ref}):", store=firm.store_name, ref=firm.reference))
        body.extend(_lines(_, firm.lines))
        body.append(_("Subtotal: {total}", total=subtotal(firm.lines, lang)))
        body.append("")
    if kind == "quote":
        body.append(_("Each firm's answer will come by email and on your solution's page."))
    if link:
        body.append(_("Your solution: {link}", link=link))
    return subject, "\n".join(body) + "\n"


def answer_email(
    lang: str,
    *,
    store_name: str,
    solution_name: str,
    amount: int,
    currency: str,
    valid_until: dt.date,
    note: str,
) -> tuple[str, str]:
    _ = Words("hub", lang)
    title = solution_name or _("Your solution")
    subject = _("{store} answered your request: {name}", store=store_name, name=title)
    body = [
        _(
            '{store} offers {price} for its part of "{name}", valid until {date}.',
            store=store_name,
            price=i18n.money(amount, currency, lang),
            name=title,
            date=i18n.date(valid_until, lang),
        ),
    ]
    if note:
        body += ["", _("Note: {note}", note=note)]
    body += ["", _("Open your solution's page to accept the quote; it becomes an order.")]
    return subject, "\n".join(body) + "\n"


def declined_email(lang: str, *, store_name: str, solution_name: str, note: str) -> tuple[str, str]:
    _ = Words("hub", lang)
    title = solution_name or _("Your solution")
    subject = _("{store} declined your request: {name}", store=store_name, name=title)
    body = [_('{store} cannot offer its part of "{name}".', store=store_name, name=title)]
    if note:
        body += ["", _("Note: {note}", note=note)]
    return subject, "\n".join(body) + "\n"
