"""A store's agents over HTTP (docs/agents.md): sign-in and sign-out of the console with an
agent's own email and password, accepting an invitation, who the console is signed in as, and the
owner's list of agents."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.agents import (
    AddedAgent,
    AgentChange,
    AgentIn,
    AgentProducts,
    AgentProductsIn,
    AgentSignIn,
    AgentView,
    ChatCapIn,
    ConsoleWho,
    InviteAccept,
    IssuedAgentSession,
)
from shared_protocol.store_api import StoreInfo

from ..services.agents import Agents, ConsoleActor, Permission
from ..services.busy import Busy
from ..services.claims import Claims
from ..services.identity import Identity
from .http_auth import Auth
from .http_errors import SIGNED_IN, THROTTLED
from .http_store import IdInPath


def routes(*, identity: Identity, agents: Agents, claims: Claims, busy: Busy) -> APIRouter:
    router = APIRouter(tags=["agents"], responses=SIGNED_IN)
    auth = Auth(identity, agents)
    signed_in = Depends(auth.console_actor)
    manager = Depends(auth.console(Permission.MANAGE_AGENTS))
    managing = Depends(auth.console_as(Permission.MANAGE_AGENTS))

    @router.post("/api/agent-sessions", status_code=201, responses=THROTTLED)
    async def sign_in(body: AgentSignIn, request: Request) -> IssuedAgentSession:
        """An agent signs in to the console: the answer's token is the console's credential,
        for that store only, until `expires_at` (or sign-out, or removal). After 5 attempts for
        the same store and email from one address within 15 minutes (50 from all addresses),
        429 with `Retry-After` until the window ends; a successful sign-in starts afresh."""
        client = request.client.host if request.client else ""
        return await agents.sign_in(
            body.store_id, body.email, body.password, body.label, client=client
        )

    @router.delete("/api/agent-sessions/current", status_code=204)
    async def sign_out(actor: ConsoleActor = signed_in) -> Response:
        """Ends this sign-in; consoles open with it close (unauthorized, then 1008)."""
        await agents.sign_out(actor)
        return Response(status_code=204)

    @router.post("/api/agent-invites", status_code=201)
    async def accept_invite(body: InviteAccept) -> IssuedAgentSession:
        """The invited agent chooses a password (the code works once, for 7 days) and is
        signed in."""
        return await agents.accept_invite(body.code, body.password)

    @router.get("/api/console/me")
    async def me(actor: ConsoleActor = signed_in) -> ConsoleWho:
        """The store, the agent (none for the API key) and what the role may do."""
        return await agents.who(actor)

    prefix = "/api/stores/{store_id}/agents"

    @router.get(prefix)
    async def listed(store: StoreInfo = manager) -> list[AgentView]:
        return await agents.listed(store.id)

    @router.post(prefix, status_code=201)
    async def add(body: AgentIn, actor: ConsoleActor = managing) -> AddedAgent:
        """The invitation goes out by email when the hub has SMTP; its code is also in the
        answer, once, to pass on (or `invite_url`)."""
        return await agents.add(actor.store.id, body.email, body.name, body.role, by=actor)

    @router.patch(prefix + "/{agent_id}")
    async def change(
        agent_id: IdInPath, body: AgentChange, actor: ConsoleActor = managing
    ) -> AgentView:
        """A role change ends the agent's sign-ins; the last owner keeps the role (409), and an
        owner does not change their own (403)."""
        return await agents.change_role(actor.store.id, agent_id, body.role, by=actor)

    @router.put(prefix + "/{agent_id}/chat-cap", status_code=204)
    async def chat_cap(agent_id: IdInPath, body: ChatCapIn, store: StoreInfo = manager) -> Response:
        """How many conversations the agent holds at once (1-20; docs/agents.md "The chat
        cap"). A cap below what they hold now only stops new ones."""
        if not await claims.set_cap_of(store.id, agent_id, body.chat_cap):
            raise ProtocolError(ErrorCode.NOT_FOUND, "no such agent of this store")
        return Response(status_code=204)

    @router.get(prefix + "/{agent_id}/products")
    async def products(agent_id: IdInPath, store: StoreInfo = manager) -> AgentProducts:
        """The products the agent handles (docs/agents.md "Busy status")."""
        return await busy.products_of(store.id, agent_id)

    @router.put(prefix + "/{agent_id}/products")
    async def set_products(
        agent_id: IdInPath, body: AgentProductsIn, store: StoreInfo = manager
    ) -> AgentProducts:
        """Replaces the products the agent handles: visitors on them see the agent busy while
        every one of the product's agents is in a call. Products outside the store's catalogue
        are refused (422) and nothing changes."""
        return await busy.set_products(store.id, agent_id, body.product_ids)

    @router.delete(prefix + "/{agent_id}", status_code=204)
    async def remove(agent_id: IdInPath, store: StoreInfo = manager) -> Response:
        """The agent's open consoles close at once; the last owner stays (409)."""
        await agents.remove(store.id, agent_id)
        return Response(status_code=204)

    return router
