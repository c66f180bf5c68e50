"""Ratings of calls for the store's console (`GET /api/stores/{id}/ratings`): the store's
average for everyone in it; every agent's average and the recent comments for owners and the
key; an agent's own average and comments for that agent. Visitors rate through the live channel
(services/calls.py); the store's page gets its average from services/selling.py."""

from __future__ import annotations

from shared_protocol.ratings import AgentRating, Ratings

from ..storage import agents as team
from ..storage import ratings as storage
from ..storage.base import Database
from .agents import ConsoleActor


class RatingsView:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def of(self, actor: ConsoleActor) -> Ratings:
        store_id = actor.store.id
        summary = await self._db.read(storage.summary(store_id))
        if actor.agent_id is None or actor.role == "owner":  # the key and owners see everyone
            return Ratings(
                store=summary,
                agents=await self._db.read(storage.per_agent(store_id)),
                recent=await self._db.read(storage.recent(store_id)),
            )
        mine = await self._db.read(storage.per_agent(store_id, actor.agent_id))
        if not mine:  # no rated call yet: their line says so
            me = await self._db.read(team.get_agent(store_id, actor.agent_id))
            mine = [AgentRating(agent_id=me.id, name=me.name)]
        return Ratings(
            store=summary,
            agents=mine,
            recent=await self._db.read(storage.recent(store_id, actor.agent_id)),
        )
