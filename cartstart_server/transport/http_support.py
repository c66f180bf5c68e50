"""Support calls over HTTP (docs/agents.md "Support calls", docs/protocol.md): the store's
settings, support agents, credit and complaints for the console (changing them: owners and the
key; reading balances and complaints: any agent of the store), and a shopper's credit and
complaints at a store for the desktop cart. Another store's credential gets 403."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shared_protocol.agents import AgentView
from shared_protocol.common import Ident
from shared_protocol.support import (
    Complaint,
    ComplaintAnswerIn,
    Complaints,
    CreditBalance,
    CreditBalances,
    CreditGrantIn,
    ShopperSupport,
    SupportAgentIn,
    SupportSettings,
    SupportSettingsIn,
)

from ..services.agents import Agents, ConsoleActor, Permission
from ..services.identity import Identity, Shopper
from ..services.support import Support
from .http_auth import Auth
from .http_errors import SIGNED_IN


def routes(*, identity: Identity, agents: Agents, support: Support) -> APIRouter:
    router = APIRouter(tags=["support"], responses=SIGNED_IN)
    auth = Auth(identity, agents)
    reader = Depends(auth.console_as(Permission.LIVE))
    owner = Depends(auth.console_as(Permission.MANAGE_AGENTS))  # owners and the key
    signed_in = Depends(auth.shopper)
    base = "/api/stores/{store_id}/support"

    @router.get(base)
    async def settings(actor: ConsoleActor = reader) -> SupportSettings:
        """The store's support price per minute and credit product (`enabled` false: none)."""
        return await support.settings(actor.store.id)

    @router.put(base)
    async def set_settings(body: SupportSettingsIn, actor: ConsoleActor = owner) -> SupportSettings:
        """Owners: the price per minute, its currency (fixed once shoppers hold credit in it),
        and the credit product (one unit gives `minutes_per_unit` minutes' worth)."""
        return await support.set_settings(actor.store.id, body)

    @router.put(base + "/agents/{agent_id}")
    async def set_agent(
        agent_id: Ident, body: SupportAgentIn, actor: ConsoleActor = owner
    ) -> AgentView:
        """Owners: the agent takes support calls (or no longer does)."""
        return await support.set_agent(actor.store.id, agent_id, body.support)

    @router.get(base + "/credit")
    async def balances(actor: ConsoleActor = reader) -> CreditBalances:
        """Every shopper's credit at the store, with their newest entries."""
        return await support.balances(actor.store.id)

    @router.post(base + "/credit")
    async def grant(body: CreditGrantIn, actor: ConsoleActor = owner) -> CreditBalance:
        """Owners: give credit to a shopper (by the store's reference for them), with a reason
        the shopper reads; a negative amount takes credit back, never below zero."""
        return await support.grant(actor.store.id, body)

    @router.get(base + "/complaints")
    async def complaints(actor: ConsoleActor = reader) -> Complaints:
        """Complaints about support calls: unanswered first."""
        return await support.complaints(actor.store.id)

    @router.post(base + "/complaints/{complaint_id}/answer")
    async def answer(
        complaint_id: Ident, body: ComplaintAnswerIn, actor: ConsoleActor = owner
    ) -> Complaint:
        """Owners: answer a complaint, once; the shopper sees it in the session and their cart."""
        return await support.answer(actor.store.id, complaint_id, body.answer)

    @router.get("/api/cart/support/{store_id}")
    async def mine(store_id: Ident, shopper: Shopper = signed_in) -> ShopperSupport:
        """The shopper's credit at the store (with its history), the store's price, and their
        complaints there with the store's answers."""
        return await support.of_shopper(shopper.cart_id, store_id)

    return router
