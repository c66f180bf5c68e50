"""Personalised items' drafts, offline-first (docs/personalise.md, "In the desktop cart").

Each draft is the hub's view as last seen plus the shopper's edits the hub has not saved yet
(`pending`), both kept in the local store. An edit is stored at once (it survives a restart),
shown at once (the hub's values overlaid by the pending ones), and sent to the hub a moment
after typing stops, again whenever the cart comes back online, and before a checkout. Each
edit remembers when the hub's value it replaced was written (the hub's `at`, so the two
computers' clocks never meet): if the hub's field changed since (an answer given on the store's
page while this cart was offline), the hub's newer answer stays, the edit is not sent, and the
shopper is told, with what they had typed.

Views arrive from the cart's stream (`draft_changed`), from `GET /api/cart/drafts` each time the
cart is online, and in the answers to edits. A value the cart can tell the hub would refuse
(draft_form.problem) stays pending, shown with its problem, and is not sent until it is fixed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Iterable, Mapping
from typing import Any

from shared_protocol import ErrorCode
from shared_protocol.forms import DraftView, FieldValue

from . import draft_form
from .api import HubError, HubUnreachable
from .cart import Change
from .connection import Offline, Status
from .draft_state import LIVE, Draft, Key
from .hub_link import HubLink
from .local_cart import LocalCart
from .observable import Signal
from .stream import CartStream

log = logging.getLogger(__name__)


class Drafts:
    def __init__(
        self,
        local: LocalCart,
        link: HubLink,
        stream: CartStream,
        *,
        delay: float = 0.7,
        retry: float = 15.0,
    ) -> None:
        self._local = local
        self._link = link
        self._delay = delay
        self._retry = retry
        self._stream = stream
        self.items: dict[Key, Draft] = {}
        self.changed: Signal[Key] = Signal()
        """A draft's view, pending edits or save status changed."""
        self._timers: dict[Key, asyncio.TimerHandle] = {}
        self._locks: dict[Key, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._generation = 0
        """Counts sign-outs: work begun before one neither shows nor keeps anything after it."""
        stream.draft_changed.connect(self._on_stream)
        stream.status_changed.connect(self._on_status)
        local.changed.connect(self._on_cart)

    # ---- reading ----------------------------------------------------------------------------

    def get(self, store_id: str, product_id: str) -> Draft | None:
        return self.items.get((store_id, product_id))

    def missing(self, store_id: str, product_id: str) -> list[str] | None:
        """The labels still to fill before checkout (None: nothing; [] when the form is not
        known on this computer yet)."""
        draft = self.items.get((store_id, product_id))
        shown = draft.progress if draft is not None else None
        if shown is None:
            return []
        return None if shown.complete else list(shown.missing)

    def unsaved(self, keys: Iterable[Key]) -> list[str]:
        """The products among these whose answers the hub does not have yet (edits pending or
        refused), by name."""
        out: list[str] = []
        for key in keys:
            draft = self.items.get(key)
            if draft is not None and (draft.pending or draft.refused):
                out.append(draft.view.product_name if draft.view is not None else key[1])
        return sorted(set(out))

    # ---- the local store --------------------------------------------------------------------

    async def load(self) -> None:
        """The drafts kept on this computer (at start, offline too)."""
        for store_id, product_id, view, pending in await self._local.store.load_drafts():
            draft = Draft(store_id, product_id)
            draft.load_pending(pending)
            if view is not None:
                draft.view = DraftView.model_validate_json(view)
            draft.state = "offline" if draft.pending else "saved"
            self.items[draft.key] = draft
            self.changed.emit(draft.key)

    def _current(self, draft: Draft) -> bool:
        """Whether the draft is still this account's (not forgotten, not replaced)."""
        return self.items.get(draft.key) is draft

    async def _save(self, draft: Draft) -> None:
        if not self._current(draft):
            return
        view = None if draft.view is None else draft.view.model_dump_json()
        pending = draft.pending_json()  # taken now: saves land in the order made
        await self._local.store.save_draft(draft.store_id, draft.product_id, view, pending)

    async def forget(self) -> None:
        """Signed out: forget the drafts in memory, and stop the saves on their way (one
        finishing later would write the old account's edits back into the cleared store)."""
        self._generation += 1
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._locks.clear()
        keys = list(self.items)
        self.items.clear()
        for key in keys:
            self.changed.emit(key)

    # ---- the shopper's edits ----------------------------------------------------------------

    def edit(
        self, store_id: str, product_id: str, values: Mapping[str, FieldValue]
    ) -> Coroutine[Any, Any, None]:
        """Fields the shopper changed: shown at once (before this returns, so a view arriving
        meanwhile never overwrites them), written to disk by the coroutine returned, sent to
        the hub a moment later."""
        draft = self.items.setdefault((store_id, product_id), Draft(store_id, product_id))
        for key, value in values.items():
            if self._stream.status in (Status.WEBSOCKET, Status.POLLING):
                draft.based[key] = LIVE  # typed online: a later write than what the hub has
            elif key not in draft.pending:  # offline: based on the hub's value shown now
                draft.based[key] = draft.hub_at(key)
            draft.pending[key] = None if draft_form.is_empty(value) else value
            draft.refused.pop(key, None)
            draft.overridden.pop(key, None)
        draft.error = ""
        if draft.state != "saving":
            draft.state = "waiting"
        self.changed.emit(draft.key)
        return self._keep(draft, draft.pending_json())

    async def _keep(self, draft: Draft, pending: str) -> None:
        if not self._current(draft):
            return
        view = None if draft.view is None else draft.view.model_dump_json()
        await self._local.store.save_draft(draft.store_id, draft.product_id, view, pending)
        self._schedule(draft.key, self._delay)

    async def consent(self, store_id: str, product_id: str, allow: bool) -> None:
        """Let the shop edit the form too (or stop it): needs the hub, now."""
        api, _connection = self._link.online()
        generation = self._generation
        answer = await api.draft_consent(store_id, product_id, allow)
        if generation == self._generation:
            self.take(DraftView.model_validate(answer))

    async def fetch(self, store_id: str, product_id: str) -> Draft:
        """The hub's view of one draft (opening the form of an item not listed yet)."""
        api, _connection = self._link.online()
        generation = self._generation
        answer = await api.draft(store_id, product_id)
        if generation != self._generation:
            raise HubError("unauthorized", "log in first")  # signed out meanwhile
        self.take(DraftView.model_validate(answer))
        return self.items[(store_id, product_id)]

    async def flush(self, keys: Iterable[Key] | None = None) -> None:
        """Send the pending edits now (closing the form, before a checkout)."""
        wanted = list(self.items) if keys is None else list(keys)
        for key in wanted:
            draft = self.items.get(key)
            if draft is not None and draft.pending:
                self._cancel_timer(key)
                await self._push(key)

    # ---- from the hub -----------------------------------------------------------------------

    def take(self, view: DraftView) -> None:
        """A view from the hub: kept if newer than the one held."""
        key = (view.store_id, view.product_id)
        draft = self.items.setdefault(key, Draft(*key))
        old = draft.view
        if old is not None and view.version <= old.version and view.updated_at <= old.updated_at:
            return
        draft.view = view
        if draft.reconcile() and not draft.pending:
            draft.state = "saved"
        self.changed.emit(key)
        self._spawn(self._save(draft))

    def _on_stream(self, view: DraftView) -> None:
        self.take(view)

    def _on_cart(self, changes: list[Change]) -> None:
        """A personalised item newly in the cart: its (unstarted) draft is fetched, so the row
        can count what its form needs."""
        if self._link.api is None:
            return
        new: set[Key] = set()
        for change in changes:
            item = self._local.state.items.get(change.ticket_id)
            if item is None or not item.ticket.personalised or not item.held:
                continue
            key = (item.ticket.store_id, item.ticket.product_id)
            if key not in self.items or self.items[key].view is None:
                new.add(key)
        if len(new) > 5:  # many at once (a snapshot): one list instead
            self._spawn(self.refresh())
            return
        for key in new:
            self._spawn(self._fetch_quietly(*key))

    async def _fetch_quietly(self, store_id: str, product_id: str) -> None:
        try:
            await self.fetch(store_id, product_id)
        except (HubError, HubUnreachable) as exc:
            log.info("draft not fetched: %s", exc)

    def _on_status(self, status: Status) -> None:
        if status in (Status.WEBSOCKET, Status.POLLING):
            self._spawn(self.refresh())

    async def refresh(self) -> None:
        """Every draft of the cart from the hub, then the edits kept while offline sent."""
        api = self._link.api
        if api is None:
            return
        generation = self._generation
        try:
            listed = [DraftView.model_validate(v) for v in await api.drafts()]
        except (HubError, HubUnreachable) as exc:
            log.info("drafts not refreshed: %s", exc)
            return
        if generation != self._generation:
            return
        for view in listed:
            self.take(view)
        # A draft the hub no longer lists, of nothing in the cart, went with its order.
        known = {(v.store_id, v.product_id) for v in listed}
        carted = {
            (i.ticket.store_id, i.ticket.product_id) for i in self._local.state.items.values()
        }
        gone = [k for k in self.items if k not in known and k not in carted]
        for key in gone:
            del self.items[key]
            self.changed.emit(key)
        if gone:
            await self._local.store.delete_drafts(gone)
        for key, draft in list(self.items.items()):
            if draft.pending:
                self._schedule(key, 0)

    # ---- sending ----------------------------------------------------------------------------

    def _spawn(self, work: object) -> None:
        task = asyncio.ensure_future(work)  # type: ignore[call-overload]
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("draft work failed", exc_info=task.exception())

    def _cancel_timer(self, key: Key) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.cancel()

    def _schedule(self, key: Key, delay: float) -> None:
        self._cancel_timer(key)
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(delay, lambda: self._spawn(self._push(key)))

    async def _push(self, key: Key) -> None:
        """One save at a time per draft: each sends what is pending when its turn comes."""
        self._timers.pop(key, None)
        async with self._locks.setdefault(key, asyncio.Lock()):
            await self._send(key)

    async def _send(self, key: Key) -> None:
        draft = self.items.get(key)
        if draft is None:
            return
        sent = draft.sendable()
        if not sent:
            draft.state = "refused" if draft.problems() or draft.error else "saved"
            self.changed.emit(key)
            return
        api = self._link.api
        if api is None:
            draft.state = "offline"
            for name, based in draft.based.items():  # not sent when typed: an offline edit now
                if based == LIVE:
                    draft.based[name] = draft.hub_at(name)
            self.changed.emit(key)
            return
        draft.state = "saving"
        draft.sending = dict(sent)
        self.changed.emit(key)
        try:
            answer = await api.edit_draft(draft.store_id, draft.product_id, dict(sent))
        except (HubUnreachable, Offline):
            draft.sending = {}
            if not self._current(draft):
                return
            draft.state = "offline"
            for name, based in draft.based.items():  # not sent when typed: an offline edit now
                if based == LIVE:
                    draft.based[name] = draft.hub_at(name)
            self.changed.emit(key)
            self._schedule(key, self._retry)
            return
        except HubError as exc:
            draft.sending = {}
            if self._current(draft) and self._refused(draft, exc):
                await self._send(key)  # the other fields, without the one refused
            return
        if not self._current(draft):
            return  # signed out meanwhile
        draft.sending = {}
        for name, value in sent.items():  # what was typed meanwhile stays pending
            if name in draft.pending and draft.pending[name] == value:
                del draft.pending[name]
                draft.based.pop(name, None)
        view = DraftView.model_validate(answer)
        if draft.view is None or view.version >= draft.view.version:
            draft.view = view
        for name in sent:  # typed offline meanwhile: based on what this save made
            if name in draft.pending and draft.based.get(name) != LIVE:
                draft.based[name] = draft.hub_at(name)
        draft.reconcile()
        draft.state = "waiting" if draft.pending else "saved"
        if draft.problems():
            draft.state = "refused"
        self.changed.emit(key)
        await self._save(draft)
        if draft.sendable():
            self._schedule(key, self._delay)

    def _refused(self, draft: Draft, error: HubError) -> bool:
        """A field the hub would not take stays pending, marked; returns whether the others
        are worth sending again."""
        from .words import explain, sentence

        field_key = error.details.get("field")
        if error.code == ErrorCode.BAD_VALUE.value and field_key in draft.pending:
            spec = draft.spec(str(field_key))
            own = draft_form.problem(spec, draft.pending[field_key]) if spec else None
            draft.refused[str(field_key)] = own or draft_form.refusal(error.details, spec)
            draft.state = "refused"
            self.changed.emit(draft.key)
            return bool(draft.sendable())
        draft.error = sentence(explain(error))
        draft.state = "refused"
        self.changed.emit(draft.key)
        return False

    async def close(self, *, within: float = 2.0) -> None:
        """Quitting: what was typed a moment ago is sent if the hub answers quickly (else it
        stays on disk and goes at the next start)."""
        if self._link.api is not None and any(d.sendable() for d in self.items.values()):
            with contextlib.suppress(asyncio.TimeoutError, Exception):
                await asyncio.wait_for(self.flush(), within)
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
