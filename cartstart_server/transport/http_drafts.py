"""Drafts of personalised products over HTTP (docs/personalise.md "How drafts work"):

- the buyer's desktop cart (`/api/cart/drafts...`, a session token);
- the buyer on a store's page (`/api/page/drafts...`, a link token; a store-scoped token only for
  its store, and the page's Origin must be one the store registered), with a long-poll;
- the store watching and helping (`/api/stores/{store_id}/drafts...`, the key or an agent whose
  role allows `personalise`), who sees a draft only while the product is held in that cart.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query

from shared_protocol.common import Ident
from shared_protocol.forms import CommentIn, ConsentIn, DraftEdit, DraftSummary, DraftView

from ..services.agents import Agents, ConsoleActor, Permission
from ..services.drafts import Drafts
from ..services.identity import Identity, LinkedPage, Shopper
from .http_auth import Auth
from .http_errors import SIGNED_IN
from .http_store import IdempotencyKey

Origin = Annotated[str | None, Header(include_in_schema=False)]
CartRef = Annotated[
    str,
    Path(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$", description="The cart's pseudonym"),
]
Version = Annotated[int | None, Query(ge=0, description="The draft's version the page shows")]
Wait = Annotated[float, Query(ge=0, description="Seconds to wait for a change; more than 30 is 30")]


def routes(*, identity: Identity, agents: Agents, drafts: Drafts) -> APIRouter:
    router = APIRouter(responses=SIGNED_IN)
    auth = Auth(identity, agents)
    signed_in = Depends(auth.shopper)
    linked = Depends(auth.page)
    watching = Depends(auth.console_as(Permission.PERSONALISE))

    # ---- the buyer's desktop cart ----------------------------------------------------------

    @router.get("/api/cart/drafts", tags=["cart"])
    async def cart_drafts(shopper: Shopper = signed_in) -> list[DraftView]:
        """The cart's drafts, and an unstarted one (version 0) for every held personalised
        item without one."""
        return await drafts.of_cart(shopper.cart_id)

    @router.get("/api/cart/drafts/{store_id}/{product_id}", tags=["cart"])
    async def cart_draft(
        store_id: Ident, product_id: Ident, shopper: Shopper = signed_in
    ) -> DraftView:
        """The draft (version 0 if not started); 404 if the product has no form."""
        return await drafts.get(shopper.cart_id, store_id, product_id)

    @router.post("/api/cart/drafts/{store_id}/{product_id}", tags=["cart"])
    async def cart_edit(
        store_id: Ident, product_id: Ident, body: DraftEdit, shopper: Shopper = signed_in
    ) -> DraftView:
        """Save fields (the others stay); last writer wins per field."""
        return await drafts.edit(shopper.cart_id, store_id, product_id, body)

    @router.post("/api/cart/drafts/{store_id}/{product_id}/consent", tags=["cart"])
    async def cart_consent(
        store_id: Ident, product_id: Ident, body: ConsentIn, shopper: Shopper = signed_in
    ) -> DraftView:
        """Let the shop edit the form with you (after it asked), or stop it."""
        return await drafts.consent(shopper.cart_id, store_id, product_id, body)

    # ---- the buyer on a store's page -------------------------------------------------------

    @router.get("/api/page/drafts/{store_id}/{product_id}", tags=["page"])
    async def page_draft(
        store_id: Ident,
        product_id: Ident,
        version: Version = None,
        wait: Wait = 0,
        origin: Origin = None,
        page: LinkedPage = linked,
    ) -> DraftView:
        """The draft of a product of this store for the page's cart. With `version` and
        `wait`, a long-poll: answers when the draft's version differs from `version`, or after
        `wait` seconds (at most 30) unchanged."""
        cart_id = await drafts.page_cart(page, store_id, origin)
        if version is None or wait <= 0:
            return await drafts.get(cart_id, store_id, product_id)
        return await drafts.wait_changed(cart_id, store_id, product_id, version, wait)

    @router.post("/api/page/drafts/{store_id}/{product_id}", tags=["page"])
    async def page_edit(
        store_id: Ident,
        product_id: Ident,
        body: DraftEdit,
        origin: Origin = None,
        page: LinkedPage = linked,
    ) -> DraftView:
        cart_id = await drafts.page_cart(page, store_id, origin)
        return await drafts.edit(cart_id, store_id, product_id, body)

    @router.post("/api/page/drafts/{store_id}/{product_id}/consent", tags=["page"])
    async def page_consent(
        store_id: Ident,
        product_id: Ident,
        body: ConsentIn,
        origin: Origin = None,
        page: LinkedPage = linked,
    ) -> DraftView:
        cart_id = await drafts.page_cart(page, store_id, origin)
        return await drafts.consent(cart_id, store_id, product_id, body)

    # ---- the store watching and helping ----------------------------------------------------

    @router.get("/api/stores/{store_id}/drafts", tags=["drafts"])
    async def store_drafts(store_id: Ident, actor: ConsoleActor = watching) -> list[DraftSummary]:
        """Every held ticket of a product with a form (version 0: not started), newest edit
        first."""
        return await drafts.summaries(actor)

    @router.get("/api/stores/{store_id}/drafts/{cart_ref}/{product_id}", tags=["drafts"])
    async def store_draft(
        store_id: Ident, cart_ref: CartRef, product_id: Ident, actor: ConsoleActor = watching
    ) -> DraftView:
        """The draft while the product is held in that cart; 404 otherwise."""
        return await drafts.store_view(actor, cart_ref, product_id)

    @router.post("/api/stores/{store_id}/drafts/{cart_ref}/{product_id}/comments", tags=["drafts"])
    async def comment(
        store_id: Ident,
        cart_ref: CartRef,
        product_id: Ident,
        body: CommentIn,
        key: IdempotencyKey = None,
        actor: ConsoleActor = watching,
    ) -> DraftView:
        """A comment on a field (or the whole form) that the buyer sees at once. With an
        `Idempotency-Key`, a retry adds it once."""
        return await drafts.comment(actor, cart_ref, product_id, body, key)

    @router.post("/api/stores/{store_id}/drafts/{cart_ref}/{product_id}/takeover", tags=["drafts"])
    async def ask_takeover(
        store_id: Ident, cart_ref: CartRef, product_id: Ident, actor: ConsoleActor = watching
    ) -> DraftView:
        """Ask the buyer to let the shop edit (`asked`; stays `allowed` if it already is)."""
        return await drafts.takeover(actor, cart_ref, product_id, ask=True)

    @router.delete(
        "/api/stores/{store_id}/drafts/{cart_ref}/{product_id}/takeover", tags=["drafts"]
    )
    async def stop_takeover(
        store_id: Ident, cart_ref: CartRef, product_id: Ident, actor: ConsoleActor = watching
    ) -> DraftView:
        """Stop asking or editing (`off`)."""
        return await drafts.takeover(actor, cart_ref, product_id, ask=False)

    @router.post("/api/stores/{store_id}/drafts/{cart_ref}/{product_id}", tags=["drafts"])
    async def store_edit(
        store_id: Ident,
        cart_ref: CartRef,
        product_id: Ident,
        body: DraftEdit,
        actor: ConsoleActor = watching,
    ) -> DraftView:
        """Edit fields while the buyer allows it (`shop_editing` is `allowed`); else 403."""
        return await drafts.store_edit(actor, cart_ref, product_id, body)

    return router
