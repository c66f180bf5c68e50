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
import json
import logging
from collections.abc import Coroutine, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from shared_protocol import ErrorCode
from shared_protocol.forms import DraftView, FieldSpec, FieldValue, Progress

from . import draft_form
from .api import HubError, HubUnreachable
from .cart import Change
from .connection import Offline, Status
from .hub_link import HubLink
from .lang import _
from .local_cart import LocalCart
from .observable import Signal
from .stream import CartStream

log = logging.getLogger(__name__)

OLD = 0.0
"""The hub's `at` an edit kept before edits remembered theirs is taken to be based on."""

Key = tuple[str, str]
"""(store_id, product_id): one draft per product per cart."""
SaveState = Literal["saved", "waiting", "saving", "offline", "refused"]


class NotSaved(Exception):
    """A checkout stopped: some personalised items' answers are not saved at the hub yet."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


@dataclass
class Draft:
    store_id: str
    product_id: str
    view: DraftView | None = None
    """The hub's, as last seen (None: not fetched yet)."""
    pending: dict[str, FieldValue] = field(default_factory=dict)
    """The shopper's edits the hub has not saved yet, field key -> value."""
    state: SaveState = "saved"
    refused: dict[str, str] = field(default_factory=dict)
    """Field key -> why the hub (or the cart, before sending) does not take its value."""
    error: str = ""
    """Why the last save failed for the whole draft, for people ("" when it did not)."""
    based: dict[str, float | None] = field(default_factory=dict)
    """Pending field key -> the hub's `at` of the value the edit replaced (None: it had none)."""
    sending: dict[str, FieldValue] = field(default_factory=dict)
    """The values on their way to the hub now (its views may carry them before it answers)."""
    overridden: dict[str, FieldValue] = field(default_factory=dict)
    """Field key -> the shopper's edit not sent because the hub's answer changed elsewhere
    since it was made (kept to show them what they had typed)."""

    @property
    def key(self) -> Key:
        return (self.store_id, self.product_id)

    def spec(self, key: str) -> FieldSpec | None:
        if self.view is None:
            return None
        return next((s for s in self.view.form.fields if s.key == key), None)

    @property
    def values(self) -> dict[str, FieldValue]:
        """What the shopper sees: the hub's values, overlaid by the edits not saved yet."""
        shown = {k: s.value for k, s in (self.view.values.items() if self.view else ())}
        shown.update(self.pending)
        return shown

    @property
    def progress(self) -> Progress | None:
        """Required fields done (counted here while edits are pending; the hub's otherwise).
        A field whose value the hub refused, or the cart would not send, is not done."""
        if self.view is None:
            return None
        if not self.pending and not self.refused:
            return self.view.progress
        counted = draft_form.progress(self.view.form, self.values)
        wrong = self.problems()
        if not wrong:
            return counted
        done = counted.done
        missing = list(counted.missing)
        for spec in self.view.form.fields:
            if spec.key not in wrong or spec.label in missing:
                continue
            missing.append(spec.label)
            if spec.required:
                done -= 1
        order = [spec.label for spec in self.view.form.fields]
        missing.sort(key=order.index)
        return Progress(done=done, required=counted.required, missing=missing, complete=False)

    def problems(self) -> dict[str, str]:
        """Field key -> what is wrong with its value as shown (checked here, or the hub's)."""
        out = dict(self.refused)
        for key, value in self.pending.items():
            spec = self.spec(key)
            wrong = draft_form.problem(spec, value) if spec is not None else None
            if wrong is not None:
                out[key] = wrong
        return out

    def hub_at(self, key: str) -> float | None:
        state = self.view.values.get(key) if self.view is not None else None
        return None if state is None else state.at

    def pending_json(self) -> str:
        """The pending edits as the local store keeps them: value and what it was based on."""
        return json.dumps(
            {k: {"value": v, "based": self.based.get(k, OLD)} for k, v in self.pending.items()}
        )

    def load_pending(self, text: str) -> None:
        for key, kept in json.loads(text).items():
            if isinstance(kept, dict) and "value" in kept:
                self.pending[key] = kept["value"]
                self.based[key] = kept.get("based", OLD)
            else:  # kept before edits remembered what they were based on: taken as old
                self.pending[key] = kept
                self.based[key] = OLD

    def reconcile(self) -> bool:
        """Edits whose field the hub changed since they were made (elsewhere) are dropped: the
        hub's newer answer stays. Returns whether any was."""
        dropped = False
        for key in list(self.pending):
            state = self.view.values.get(key) if self.view is not None else None
            if state is None:
                continue
            based = self.based.get(key, OLD)
            if based is not None and state.at <= based:
                continue
            if state.value == self.pending[key] or (
                key in self.sending and state.value == self.sending[key]
            ):
                self.based[key] = state.at  # our own save, seen before its answer
                continue
            self.overridden[key] = self.pending.pop(key)
            self.based.pop(key, None)
            self.refused.pop(key, None)
            dropped = True
        return dropped

    def sendable(self) -> dict[str, FieldValue]:
        wrong = self.problems()
        return {k: v for k, v in self.pending.items() if k not in wrong}

    def status_text(self) -> str:
        """The save status line under the form."""
        if self.overridden:
            labels = {spec.key: spec.label for spec in self.view.form.fields} if self.view else {}
            said = "; ".join(
                f"{labels.get(k, k)}: {draft_form.value_text(v)}"
                for k, v in self.overridden.items()
            )
            return _(
                "Changed elsewhere meanwhile, so your offline edits were not sent. What you had "
                "typed: {said}",
                said=said,
            )
        if self.state == "saving":
            return _("Saving…")
        if self.state == "offline":
            return _(
                "Not saved at the hub yet: offline. Kept on this computer; sent when the "
                "cart is back online."
            )
        if self.state == "refused" and self.error:
            return self.error
        if self.problems():
            return _("Some answers are not saved: fix what is marked.")
        if self.pending:
            return _("Saving…")
        return _("Saved") if self.view is not None and self.view.version else ""


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
            if key not in draft.pending:  # based on the hub's value shown now
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
        for name in sent:  # typed meanwhile: based on what this save made
            if name in draft.pending:
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
