"""The live visitor list's rules: what one visitor's roster entry holds (compact JSON, about
300 bytes), what an agent sees of it, which changes are worth telling the desks, and how often a
page may report. No I/O; times are the hub's, passed in.

An entry is written on every beat (memory or Redis, never SQL); the desks hear only changes an
agent can see (a new page, a state, a visit), gathered per store every `COALESCE_EVERY` seconds.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.desk import VisitorView

from .presence import OFFLINE_AFTER

COALESCE_EVERY = 0.25  # seconds: a store's changes in this window travel as one frame
REPORT_EVERY = 2.0  # at most one report per visitor this often, unless its page or state changes
SWEEP_EVERY = 5.0  # seconds between sweeps of silent visitors
STALE_AFTER = OFFLINE_AFTER  # no beat this long: the visitor is dropped from the list
WORKSPACE_TTL = 5.0  # seconds a node trusts what it read of a store's workspace switch


@dataclass(frozen=True, slots=True)
class Entry:
    """One visitor in a store's roster (short keys: thousands per store live in Redis)."""

    url: str
    title: str
    site: float  # the hub's time the visit began
    page: float  # the hub's time this page was first heard
    bp: float  # the browser's page_since (tells a reload and the newest tab)
    st: str  # active | idle | offline
    v: int  # the visit's number
    pv: int  # page views
    b: float  # the hub's time of the last beat
    tz: str = ""
    lang: str = ""
    co: str | None = None  # country, from the hub's GeoIP
    c: str = ""  # the connected cart's id (never shown: `cr` is what the store sees)
    cr: str | None = None  # the store's pseudonym of that cart

    def encode(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def decode(cls, text: str) -> Entry | None:
        """None for an entry this version cannot read (written by another version of the hub)."""
        try:
            return cls(**json.loads(text))
        except (TypeError, ValueError):
            return None

    def view(self, visitor_id: str) -> VisitorView:
        return VisitorView(
            visitor_id=visitor_id,
            url=self.url,
            title=self.title,
            site_since=self.site,
            page_since=self.page,
            status="offline" if self.st == "offline" else "idle" if self.st == "idle" else "active",
            tz=self.tz,
            lang=self.lang,
            country=self.co,
            visits=self.v,
            page_views=self.pv,
            cart_ref=self.cr,
        )

    def offline(self) -> Entry:
        return replace(self, st="offline")


def worth_telling(before: Entry | None, after: Entry) -> bool:
    """Whether desks should hear of this beat: everything they show but the beat's time."""
    return before is None or replace(before, b=after.b, bp=after.bp) != after


def newest_page(before: Entry | None, url: str, browser_page_since: float) -> bool:
    """Which page is the visitor's current one when several tabs report: the one opened last.
    A beat from an older tab on another page keeps the visitor where they are."""
    return before is None or url == before.url or browser_page_since >= before.bp


def too_soon(last_report: float | None, now: float) -> bool:
    return last_report is not None and now - last_report < REPORT_EVERY


def rate_limited() -> ProtocolError:
    return ProtocolError(
        ErrorCode.RATE_LIMITED,
        f"presence is reported at most once every {REPORT_EVERY:g} seconds, unless the page "
        "changes or the visitor turns active or idle",
        retry_after=REPORT_EVERY,
    )


def workspace_off(store_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        "this store has not turned on its agents' workspace: its pages do not report visitors",
        store_id=store_id,
    )


class ForgetMarks:
    """Which visitors were forgotten while a report of theirs was being handled: a report notes
    `mark()` when it starts and asks `forgotten_since` after each wait, so a beat in flight at
    the instant of "Forget me" cannot write the visitor back. Bounded: the oldest marks go
    first (a report takes far less time than `keep` forgets)."""

    def __init__(self, keep: int = 10_000) -> None:
        self._count = 0
        self._at: dict[tuple[str, str], int] = {}
        self._keep = keep

    def mark(self) -> int:
        return self._count

    def forgot(self, key: tuple[str, str]) -> None:
        self._count += 1
        self._at.pop(key, None)
        self._at[key] = self._count  # re-inserted: the newest at the end
        if len(self._at) > self._keep:
            del self._at[next(iter(self._at))]

    def forgotten_since(self, key: tuple[str, str], mark: int) -> bool:
        return self._at.get(key, 0) > mark
