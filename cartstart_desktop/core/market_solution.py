"""A marketplace solution's lines put into the cart: the pasted link, the lines the hub lists,
and what holding each one did.

A solution is kept by a private link, `https://hub/market/#solution=<id>.<secret>`. The secret
leaves the link only as the `X-Solution-Secret` header, sent to the cart's own hub (never to the
address the link names: a pasted link must not send the secret somewhere else). Each chosen line
becomes a hold through the cart's reserve intent, one after another, and gets its own outcome
(held, not enough stock, no longer available).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .lang import _
from .market import _text
from .market_desk import Held, MarketDesk, hold

_PART = re.compile(r"^[A-Za-z0-9_-]{1,128}$")


class BadLink(ValueError):
    """What was pasted is not a solution's link (the text says why, for people)."""


@dataclass(frozen=True)
class SolutionLink:
    id: str
    secret: str


def parse_link(text: str) -> SolutionLink:
    """The id and secret in a pasted link (`.../market/#solution=<id>.<secret>`), or the bare
    `<id>.<secret>` part of one."""
    raw = unquote(text.strip())
    if not raw:
        raise BadLink(_("Paste the solution's link first."))
    marker = raw.find("solution=")
    if marker >= 0:
        raw = raw[marker + len("solution=") :]
    raw = raw.split("&", 1)[0].strip()
    ident, dot, secret = raw.partition(".")
    if not dot or not _PART.match(ident) or not _PART.match(secret):
        raise BadLink(
            _(
                "That is not a solution's link: copy the whole address of the solution's page, "
                "ending in #solution= and a code."
            )
        )
    return SolutionLink(ident, secret)


@dataclass(frozen=True)
class Line:
    line_id: str
    store_id: str
    store_name: str
    product_id: str
    name: str
    code: str
    qty: int
    note: str
    shown: str
    price: str
    image_url: str
    page_url: str
    available: bool


@dataclass(frozen=True)
class Solution:
    id: str
    name: str
    lines: tuple[Line, ...]


def read_solution(raw: dict[str, Any]) -> Solution:
    lines = tuple(
        Line(
            line_id=str(item.get("line_id", "")),
            store_id=str(item["store_id"]),
            store_name=str(item.get("store_name", "")),
            product_id=str(item["product_id"]),
            name=str(item.get("name") or item["product_id"]),
            code=str(item.get("code") or ""),
            qty=int(item.get("qty", 1)),
            note=str(item.get("note") or ""),
            shown=_text(item.get("shown") or item.get("price")),
            price=_text(item.get("price")),
            image_url=str(item.get("image_url") or ""),
            page_url=str(item.get("page_url") or ""),
            available=bool(item.get("available", True)),
        )
        for item in raw.get("lines") or []
    )
    return Solution(str(raw.get("id", "")), str(raw.get("name", "")), lines)


async def fetch_solution(desk: MarketDesk, link: SolutionLink) -> Solution:
    """The solution's lines from the cart's hub, in the cart's language and currency."""
    params = {"lang": _.lang}
    if desk.query.currency:
        params["currency"] = desk.query.currency
    raw = await desk.api()._request(
        "GET",
        f"/api/market/solutions/{link.id}",
        params=params,
        headers={"X-Solution-Secret": link.secret},
        auth=False,
    )
    return read_solution(raw)


async def put_lines(
    desk: MarketDesk, lines: Iterable[Line], *, done: Callable[[Line, Held], None] | None = None
) -> dict[str, Held]:
    """Hold each line (one after another, so the outcomes are in order); by line id. A line the
    hub says is no longer listed is not tried."""
    outcomes: dict[str, Held] = {}
    for line in lines:
        if not line.available:
            outcome = Held(False, _("No longer available."), "gone")
        else:
            outcome = await hold(
                desk.intents, line.store_id, line.product_id, line.qty, line.page_url, line.name
            )
        outcomes[line.line_id] = outcome
        if done is not None:
            done(line, outcome)
    return outcomes


def tally(outcomes: dict[str, Held]) -> str:
    """One sentence over every line's outcome."""
    held = sum(1 for o in outcomes.values() if o.ok)
    missed = len(outcomes) - held
    text = _.n("{n} line held", "{n} lines held", held)
    if missed:
        text = _.n(
            "{held}, {n} line not held",
            "{held}, {n} lines not held",
            missed,
            held=text,
        )
    return text
