"""Ratings of calls over HTTP (docs/agents.md "Ratings"): what the store's console shows. Any
role of the store reads it (an agent sees the store's average and their own); another store's
credential gets 403."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shared_protocol.ratings import Ratings

from ..services.agents import Agents, ConsoleActor, Permission
from ..services.identity import Identity
from ..services.ratings import RatingsView
from .http_auth import Auth
from .http_errors import SIGNED_IN


def routes(*, identity: Identity, agents: Agents, ratings: RatingsView) -> APIRouter:
    router = APIRouter(tags=["live"], responses=SIGNED_IN)
    console = Depends(Auth(identity, agents).console_as(Permission.LIVE))

    @router.get("/api/stores/{store_id}/ratings")
    async def listed(actor: ConsoleActor = console) -> Ratings:
        """The store's average and count; for owners and the key every agent's average and the
        newest ratings with their comments; for an agent their own."""
        return await ratings.of(actor)

    return router
