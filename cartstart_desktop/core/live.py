"""Live sessions attached to this cart, as the Live tab lists them (pure: no I/O, no Qt).

A shopper chats with a store on the store's live page, then attaches that session to the cart
with its link (the page's "Copy link to come back later"). The hub lists the attached sessions
with what the store wrote that the shopper has not read; this model keeps that list, newest
activity first, says when the store writes in a session that is not open (a `Notice`), and
remembers a session that was deleted (the hub no longer lists it) so the list can say so.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote

from shared_protocol.live import SessionSummary

from .cart import Notice
from .lang import _, day_and_time
from .observable import Signal

_LINK = re.compile(r"(?<![A-Za-z0-9_.-])csv\.[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_-]{8,200}")
MAX_PASTE = 4096
"""More than any link or address holding one: what is longer is not searched."""


def find_link(text: str) -> str | None:
    """The session link in what the shopper pasted: the link itself (`csv.<id>.<secret>`), or
    an address holding it (`https://hub/static/live.html?store=…#session=csv.…`, encoded or
    not). None when there is none."""
    if len(text) > MAX_PASTE:
        return None
    for candidate in (text, unquote(text)):
        found = _LINK.search(candidate)
        if found is not None:
            return found.group(0)
    return None


def ago(timestamp: float, now: float) -> str:
    """When something happened, as people say it: "just now", "5 min ago", "14:05",
    "yesterday 09:12", "12 Mar 14:05"."""
    seconds = now - timestamp
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        return _("{n} min ago", n=int(seconds // 60))
    then, today = time.localtime(timestamp), time.localtime(now)
    if then[:3] == today[:3]:
        return time.strftime("%H:%M", then)
    if then[:3] == time.localtime(now - 86400)[:3]:
        return _("yesterday {time}", time=time.strftime("%H:%M", then))
    return day_and_time(timestamp)


@dataclass(frozen=True)
class LiveEntry:
    """One attached session as the list shows it."""

    summary: SessionSummary
    deleted_by: str | None = None
    """Once deleted: "store", "visitor", or "" when the hub no longer says who."""

    @property
    def session_id(self) -> str:
        return self.summary.session_id

    @property
    def store_name(self) -> str:
        return self.summary.store_name

    @property
    def deleted(self) -> bool:
        return self.deleted_by is not None

    @property
    def unread(self) -> int:
        return 0 if self.deleted else self.summary.unread

    @property
    def label(self) -> str:
        """How the store knows the shopper in this session."""
        return self.summary.label or "—"

    @property
    def status(self) -> str:
        if self.deleted_by == "store":
            return _("Deleted by the store")
        if self.deleted_by == "visitor":
            return _("Deleted by you")
        if self.deleted:
            return _("Deleted")
        if self.summary.calling:
            return _("Calling you: open to answer")
        n = self.summary.unread
        return _("{n} unread", n=n) if n else ""

    @property
    def preview(self) -> str:
        """The newest message, on one line (the hub shortens it)."""
        return " ".join(self.summary.last_message.split())


class LiveSessions:
    """The attached sessions. `changed` fires after each change; `notices` gets one when the
    store writes, or rings, in a session that is not open."""

    def __init__(self, notices: Signal[Notice]) -> None:
        self._notices = notices
        self._entries: dict[str, LiveEntry] = {}
        self._open: set[str] = set()
        self._listed = False
        """Whether a list from the hub was applied in this run (unread counts before the first
        one are not news: the tab shows them, the notifier does not repeat them)."""
        self.changed: Signal[None] = Signal()

    # ---- reading ------------------------------------------------------------------------------

    @property
    def entries(self) -> list[LiveEntry]:
        """Newest activity first; deleted sessions stay, in their place."""
        return sorted(
            self._entries.values(),
            key=lambda e: (e.summary.last_activity_at, e.session_id),
            reverse=True,
        )

    def get(self, session_id: str) -> LiveEntry | None:
        return self._entries.get(session_id)

    @property
    def unread(self) -> int:
        return sum(e.unread for e in self._entries.values())

    def is_open(self, session_id: str) -> bool:
        return session_id in self._open

    # ---- changes ------------------------------------------------------------------------------

    def load(self, entries: Iterable[LiveEntry]) -> None:
        """What the cart kept from its last run (shown at once, also offline)."""
        self._entries = {e.session_id: e for e in entries}
        self.changed.emit(None)

    def apply_list(self, summaries: Iterable[SessionSummary]) -> list[str]:
        """The hub's list. Returns the sessions it no longer has (deleted since: the caller asks
        the hub who deleted them, then calls `mark_deleted`)."""
        listed = {s.session_id: s for s in summaries}
        for summary in listed.values():
            self._take(summary, news=self._listed)
        self._listed = True
        vanished = [
            sid for sid, entry in self._entries.items() if sid not in listed and not entry.deleted
        ]
        self.changed.emit(None)
        return vanished

    def apply_one(self, summary: SessionSummary) -> LiveEntry:
        """A session just attached (the answer to attaching it)."""
        self._take(summary, news=False)
        self.changed.emit(None)
        return self._entries[summary.session_id]

    def mark_deleted(self, session_id: str, by: str) -> None:
        entry = self._entries.get(session_id)
        if entry is None or entry.deleted_by == by:
            return
        if entry.deleted_by and not by:
            return  # who deleted it is known already
        self._entries[session_id] = replace(entry, deleted_by=by)
        self.changed.emit(None)

    def remove(self, session_id: str) -> None:
        """A deleted session the shopper no longer wants listed."""
        if self._entries.pop(session_id, None) is not None:
            self.changed.emit(None)

    def set_open(self, session_id: str, is_open: bool) -> None:
        (self._open.add if is_open else self._open.discard)(session_id)

    def follow_open(self, session_id: str, *, last_message: str, at: float, unread: int) -> None:
        """An open session's own view is newer than the last list: its newest message, when,
        and what is still unread (it is read as it shows)."""
        entry = self._entries.get(session_id)
        if entry is None or entry.deleted:
            return
        summary = entry.summary.model_copy(
            update={
                "last_message": _preview(last_message) or entry.summary.last_message,
                "last_activity_at": max(at, entry.summary.last_activity_at),
                "unread": unread,
            }
        )
        if summary != entry.summary:
            self._entries[session_id] = replace(entry, summary=summary)
            self.changed.emit(None)

    def forget(self) -> None:
        """Signed out: another account's sessions are not this one's."""
        self._entries.clear()
        self._open.clear()
        self._listed = False
        self.changed.emit(None)

    def _take(self, summary: SessionSummary, *, news: bool) -> None:
        before = self._entries.get(summary.session_id)
        self._entries[summary.session_id] = LiveEntry(summary)
        old_unread = before.summary.unread if before is not None and not before.deleted else 0
        if news and summary.unread > old_unread and not self.is_open(summary.session_id):
            text = " ".join(summary.last_message.split()) or _("A new message.")
            title = _("{store} wrote", store=summary.store_name)
            self._notices.emit(Notice("live", title, text, ticket_id=summary.session_id))
        rang = summary.calling and not (before is not None and before.summary.calling)
        if rang and not self.is_open(summary.session_id):
            title = _("{store} is calling you", store=summary.store_name)
            text = _("Open the live session to answer.")
            self._notices.emit(Notice("live", title, text, ticket_id=summary.session_id))


def _preview(text: str, most: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= most else flat[: most - 1] + "…"
