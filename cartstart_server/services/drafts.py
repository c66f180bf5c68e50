"""Drafts of personalised products (docs/personalise.md "How drafts work"): the buyer's (by cart,
from the desktop cart or a linked store page) and the store's (by cart_ref, while the product is
held in that cart): read, edit, comment, the shop's takeover with the buyer's consent, and the
page's long-poll on the cart's topic."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, TypeAdapter

from shared_protocol.forms import (
    CommentIn,
    ConsentIn,
    DraftEdit,
    DraftSummary,
    DraftView,
    ShopEditing,
)

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import drafts as rules
from ..domain import forms
from ..domain.drafts import Doc
from ..domain.topics import cart_stream
from ..storage import agents as agent_rows
from ..storage import drafts as storage
from ..storage.drafts import Change, Mutation, Subject
from ..storage.sql import Effects, Plan
from .agents import ConsoleActor
from .commits import Committer, once
from .identity import LinkedPage
from .origins import OriginPolicy
from .streams import Streams

_VIEW = TypeAdapter(DraftView)


class Drafts:
    def __init__(
        self,
        committer: Committer,
        clock: Clock,
        config: HubConfig,
        origins: OriginPolicy,
        streams: Streams,
    ) -> None:
        self._commit = committer.commit
        self._db = committer.db
        self._clock = clock
        self._config = config
        self._origins = origins
        self._streams = streams

    # ---- the buyer (a signed-in cart) ------------------------------------------------------

    async def of_cart(self, cart_id: str) -> list[DraftView]:
        return await self._db.read(storage.of_cart(cart_id, self._clock.now()))

    async def get(self, cart_id: str, store_id: str, product_id: str) -> DraftView:
        now = self._clock.now()

        def plan() -> Plan[DraftView]:
            subject = yield from storage.for_buyer(cart_id, store_id, product_id)
            return (yield from storage.view(subject, now))

        return await self._db.read(plan())

    async def edit(
        self, cart_id: str, store_id: str, product_id: str, body: DraftEdit
    ) -> DraftView:
        rules.check_edit_size(len(body.values))

        def mutate(doc: Doc, state: ShopEditing, subject: Subject, now: float) -> Change:
            values = forms.check_edit(subject.form, body.values)
            rules.apply_edit(doc, values, "buyer", "", now)
            return Change(doc, state, edit_by="buyer")

        return await self._buyer_change(cart_id, store_id, product_id, mutate, renew=True)

    async def consent(
        self, cart_id: str, store_id: str, product_id: str, body: ConsentIn
    ) -> DraftView:
        def mutate(doc: Doc, state: ShopEditing, subject: Subject, now: float) -> Change | None:
            after = rules.buyer_answers(state, body.allow)
            return None if after == state else Change(doc, after)

        return await self._buyer_change(cart_id, store_id, product_id, mutate)

    async def _buyer_change(
        self, cart_id: str, store_id: str, product_id: str, mutate: Mutation, renew: bool = False
    ) -> DraftView:
        now = self._clock.now()
        warning = self._config.expiry_warning if renew else None

        def plan(fx: Effects) -> Plan[DraftView]:
            subject = yield from storage.for_buyer(cart_id, store_id, product_id)
            return (yield from storage.change(fx, subject, mutate, now, renew_before=warning))

        return await self._commit(plan)

    # ---- the buyer on a linked store page ----------------------------------------------------

    async def page_cart(self, page: LinkedPage, store_id: str, origin: str | None) -> str:
        """The page's cart, if its link token may act for `store_id` and the page is one of
        that store's (the Origin it sent, as for add_to_cart)."""
        if page.store_id is not None and page.store_id != store_id:
            raise rules.other_store_page()
        await self._origins.check_store(store_id, origin)
        return page.cart_id

    async def wait_changed(
        self, cart_id: str, store_id: str, product_id: str, version: int, wait: float
    ) -> DraftView:
        """The draft once its version differs from `version`, or after `wait` seconds (capped
        by the hub's long_poll_max) unchanged: a long-poll on the cart's topic, where every
        change of its drafts is published."""
        current = await self.get(cart_id, store_id, product_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + min(wait, self._config.long_poll_max)
        while (
            current.version == version
            and (left := deadline - loop.time()) > 0
            and not self._streams.closing  # stopping: waits return at once, do not spin
        ):

            async def moved() -> bool:
                return (await self.get(cart_id, store_id, product_id)).version != version

            # Other events of the cart wake it too: look again until the deadline.
            await self._streams.wait_for([cart_stream(cart_id)], left, moved)
            current = await self.get(cart_id, store_id, product_id)
        return current

    # ---- the store (the key or an agent with `personalise`) ---------------------------------

    async def summaries(self, actor: ConsoleActor) -> list[DraftSummary]:
        return await self._db.read(storage.of_store(actor.store.id))

    async def store_view(self, actor: ConsoleActor, ref: str, product_id: str) -> DraftView:
        now = self._clock.now()

        def plan() -> Plan[DraftView]:
            subject = yield from storage.for_store(actor.store.id, ref, product_id)
            return (yield from storage.view(subject, now))

        return await self._db.read(plan())

    async def comment(
        self,
        actor: ConsoleActor,
        ref: str,
        product_id: str,
        body: CommentIn,
        idempotency_key: str | None = None,
    ) -> DraftView:
        """A comment; with `idempotency_key`, a retry with the same key adds it once (and gets
        the first answer back)."""
        forms.check_comment(body.text, field=body.field)  # refused before any write
        name = await self._name_of(actor)
        comment_id = cred.new_id("dc")

        def mutate(doc: Doc, state: ShopEditing, subject: Subject, now: float) -> Change:
            text = forms.check_comment(
                body.text, count=len(doc.comments), form=subject.form, field=body.field
            )
            rules.add_comment(doc, comment_id, body.field, text, name, now)
            return Change(doc, state)

        once_as = None
        if idempotency_key is not None:
            once_as = (body, f"draft-comment:{ref}:{product_id}:{idempotency_key}")
        return await self._store_change(actor, ref, product_id, mutate, once_as)

    async def takeover(
        self, actor: ConsoleActor, ref: str, product_id: str, ask: bool
    ) -> DraftView:
        """Ask to edit with the buyer (`asked`; stays `allowed` if it already is), or stop
        (`off`)."""

        def mutate(doc: Doc, state: ShopEditing, subject: Subject, now: float) -> Change | None:
            after: ShopEditing = rules.shop_asks(state) if ask else "off"
            return None if after == state else Change(doc, after)

        return await self._store_change(actor, ref, product_id, mutate)

    async def store_edit(
        self, actor: ConsoleActor, ref: str, product_id: str, body: DraftEdit
    ) -> DraftView:
        rules.check_edit_size(len(body.values))
        name = await self._name_of(actor)

        def mutate(doc: Doc, state: ShopEditing, subject: Subject, now: float) -> Change:
            if state != "allowed":
                raise forms.shop_may_not_edit()
            values = forms.check_edit(subject.form, body.values)
            rules.apply_edit(doc, values, "shop", name, now)
            return Change(doc, state, edit_by="shop")

        return await self._store_change(actor, ref, product_id, mutate)

    async def _store_change(
        self,
        actor: ConsoleActor,
        ref: str,
        product_id: str,
        mutate: Mutation,
        once_as: tuple[BaseModel, str] | None = None,
    ) -> DraftView:
        now = self._clock.now()
        store_id = actor.store.id

        def plan(fx: Effects) -> Plan[DraftView]:
            def inner() -> Plan[DraftView]:
                subject = yield from storage.for_store(store_id, ref, product_id)
                return (yield from storage.change(fx, subject, mutate, now))

            if once_as is None:
                return inner()
            body, key = once_as
            return once(f"store:{store_id}", body, key, inner(), _VIEW, now)

        return await self._commit(plan)

    async def _name_of(self, actor: ConsoleActor) -> str:
        """Who in the shop: the agent's name, or the store's for its key."""
        if actor.agent_id is None:
            return actor.store.name
        agent = await self._db.read(agent_rows.get_agent(actor.store.id, actor.agent_id))
        return agent.name
