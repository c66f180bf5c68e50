"""Visitors on a store's own pages, as rules: what a visit is, the states a visitor is in, what a
presence report must look like, and the words each refusal uses. No I/O; times (seconds since the
epoch, the hub's clock) come in as arguments.

The widget reports presence (docs/agents.md, "Presence history"); what it reports is checked here
before anything is kept. A visit is the visitor's time on the site without a gap of
`VISIT_GAP`; the history of visits is kept for the store's retention period.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from shared_protocol import ErrorCode, ProtocolError

from .origins import origin_of

BEAT_EVERY = 15.0  # seconds between the widget's presence beats on an unchanged page
VISIT_GAP = 30 * 60.0  # seconds without a beat after which the next beat starts a new visit
IDLE_AFTER = 60.0  # the widget reports idle: tab hidden, or no pointer, key or scroll this long
OFFLINE_AFTER = 45.0  # the hub's call: no beat this long (three beats missed) is offline
CLOCK_SKEW = 120.0  # how far in the future a browser's times may be (its clock may be off)
# How stale `last_seen` may be in storage: a beat moves it in memory at once, but is written
# only when it moved this much (or with a page view), so a visitor resting on a page costs a
# row a minute, not one per beat. The visit rule (30 minutes) does not feel the difference.
LAST_SEEN_STEP = 60.0

MAX_URL = 2048
MAX_TITLE = 300
MAX_TIME_ZONE = 64
MAX_LANGUAGE = 35  # BCP 47's longest practical tag

RETENTION_DEFAULT_DAYS = 30
RETENTION_MIN_DAYS = 1
RETENTION_MAX_DAYS = 365
DAY = 86400.0

# 128 random bits, base64url: 22 characters; a little room for other encodings (hex is 32).
_VISITOR_ID = re.compile(r"[A-Za-z0-9_-]{22,32}")
# IANA names: "UTC", "Europe/Lisbon", "America/Argentina/Buenos_Aires", "Etc/GMT+3".
_TIME_ZONE = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*")
# What the protocol's Url allows: no whitespace or control characters.
_URL_TEXT = re.compile(r"[^\s\x00-\x1f\x7f]+")
# BCP 47 in the shape navigator.language gives: "pt", "pt-BR", "zh-Hant-TW", "es-419".
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


class Reported(StrEnum):
    """What the widget says about its tab."""

    ACTIVE = "active"
    IDLE = "idle"


class PresenceState(StrEnum):
    """What an agent sees: the widget's word, unless the hub has stopped hearing from it."""

    ACTIVE = "active"
    IDLE = "idle"
    OFFLINE = "offline"


def state_of(reported: Reported, last_beat: float, now: float, *, connected: bool) -> PresenceState:
    """Offline once the page closed (its last connection ended) or beats stopped coming."""
    if not connected or now - last_beat >= OFFLINE_AFTER:
        return PresenceState.OFFLINE
    return PresenceState(reported.value)


def is_new_visit(last_seen: float | None, now: float) -> bool:
    """A first beat ever, or one after `VISIT_GAP` of silence, starts a visit."""
    return last_seen is None or now - last_seen >= VISIT_GAP


@dataclass(frozen=True, slots=True)
class PresenceReport:
    """One beat of the widget, as the hub receives it (the protocol model maps onto this)."""

    store_id: str
    visitor_id: str
    url: str
    title: str
    state: Reported
    site_since: float  # the browser's times, in seconds
    page_since: float
    time_zone: str = ""
    language: str = ""


def check_report(
    report: PresenceReport,
    *,
    store_origins: Iterable[str],
    connection_origin: str | None,
    now: float,
) -> None:
    """Refuse a report that is malformed or about a page that is not the store's.

    `store_origins` are the store's registered origins (normalised); `connection_origin` is the
    Origin the page's connection came from (None over a channel without one)."""
    check_visitor_id(report.visitor_id)
    origin = check_page_url(report.url)
    if connection_origin is not None and origin != connection_origin:
        raise not_this_page(origin)
    if origin not in set(store_origins):
        raise not_the_stores_page(origin, report.store_id)
    if len(report.title) > MAX_TITLE:
        raise _invalid(f"a page title may have at most {MAX_TITLE} characters", field="title")
    if "\x00" in report.title:  # PostgreSQL's text cannot hold it; a browser's title never has it
        raise _invalid("a page title cannot contain NUL characters", field="title")
    if report.time_zone and not (
        len(report.time_zone) <= MAX_TIME_ZONE and _TIME_ZONE.fullmatch(report.time_zone)
    ):
        raise _invalid("the time zone must be an IANA name such as Europe/Lisbon", field="tz")
    if report.language and not (
        len(report.language) <= MAX_LANGUAGE and _LANGUAGE.fullmatch(report.language)
    ):
        raise _invalid("the language must be a tag such as pt-BR", field="lang")
    for name, at in (("site_since", report.site_since), ("page_since", report.page_since)):
        if not at > 0 or at > now + CLOCK_SKEW:
            raise _invalid("the times on this page are in the future: check the clock", field=name)
    if report.page_since < report.site_since:
        raise _invalid("a page cannot have opened before the visit began", field="page_since")


def check_visitor_id(visitor_id: str) -> None:
    if not _VISITOR_ID.fullmatch(visitor_id):
        raise _invalid(
            "a visitor id is 22 to 32 letters, digits, '-' or '_' (128 random bits)",
            field="visitor_id",
        )


def check_page_url(url: str) -> str:
    """The page's origin, for an http(s) URL of reasonable length."""
    if len(url) > MAX_URL:
        raise _invalid(f"a page address may have at most {MAX_URL} characters", field="url")
    if not _URL_TEXT.fullmatch(url):
        raise _invalid("a page address cannot contain spaces or control characters", field="url")
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    origin = origin_of(url) if scheme in ("http", "https") else None
    if origin is None:
        raise _invalid("the page address must be an http or https URL", field="url")
    return origin


def check_retention(days: int) -> None:
    if not RETENTION_MIN_DAYS <= days <= RETENTION_MAX_DAYS:
        raise _invalid(
            f"visit history is kept {RETENTION_MIN_DAYS} to {RETENTION_MAX_DAYS} days",
            field="retention_days",
        )


def retention_cutoff(days: int, now: float) -> float:
    """Pages seen before this are deleted."""
    return now - days * DAY


# -- history, as agents will read it --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageSeen:
    """One page view: `until` is when the visitor left it (the next page's time when the hub
    did not hear it), or None for the page they are on or whose end was not heard."""

    url: str
    title: str
    at: float
    until: float | None


@dataclass(frozen=True, slots=True)
class Visit:
    number: int  # 1 for the first visit
    started: float
    pages: tuple[PageSeen, ...]


@dataclass(frozen=True, slots=True)
class VisitorHistory:
    visitor_id: str
    first_seen: float
    last_seen: float
    visits: int
    page_views: int
    history: tuple[Visit, ...]  # oldest first, each visit's pages in order


@dataclass(frozen=True, slots=True)
class PageRecord:
    """A stored page view, as storage hands it back."""

    visit: int
    url: str
    title: str
    at: float
    left_at: float | None


def group_visits(pages: Sequence[PageRecord]) -> tuple[Visit, ...]:
    """Stored page views (in time order) as visits; a page's end that was never written (a crash,
    a closed tab on another node) is taken from the next page of the same visit."""
    visits: list[Visit] = []
    current: list[PageSeen] = []
    for i, page in enumerate(pages):
        following = pages[i + 1] if i + 1 < len(pages) else None
        until = page.left_at
        if until is None and following is not None and following.visit == page.visit:
            until = following.at
        current.append(PageSeen(page.url, page.title, page.at, until))
        if following is None or following.visit != page.visit:
            visits.append(Visit(page.visit, current[0].at, tuple(current)))
            current = []
    return tuple(visits)


# -- refusals ---------------------------------------------------------------------------------


def _invalid(message: str, *, field: str) -> ProtocolError:
    return ProtocolError(ErrorCode.INVALID_MESSAGE, message, field=field)


def not_this_page(origin: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        f"this page reports an address on another site ({origin}) than its own",
        origin=origin,
    )


def not_the_stores_page(origin: str, store_id: str) -> ProtocolError:
    return ProtocolError(
        ErrorCode.FORBIDDEN,
        f"pages on {origin} are not on a site this store registered",
        origin=origin,
        store_id=store_id,
    )


def unknown_visitor() -> ProtocolError:
    """No history for this visitor in this store (never seen, forgotten, or another store's)."""
    return ProtocolError(ErrorCode.NOT_FOUND, "this store has no history of that visitor")
