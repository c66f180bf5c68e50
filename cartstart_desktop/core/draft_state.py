"""One personalised item's draft as the desktop cart holds it (docs/personalise.md, "In the
desktop cart"): the hub's view as last seen plus the shopper's edits the hub has not saved yet,
what each edit was based on, and what the shopper reads about it. Pure: core/drafts.py loads,
keeps and sends it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

from shared_protocol.forms import DraftView, FieldSpec, FieldValue, Progress

from . import draft_form
from .lang import _

OLD = 0.0
"""The hub's `at` an edit kept before edits remembered theirs is taken to be based on."""
LIVE = 1e18
"""What an edit made while connected is based on: later than any answer the hub has, so it is
always sent (typing wins over a shop's edit that reached the hub a moment before, as on the
page); only edits made offline give way to answers given elsewhere meanwhile."""

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
