"""Who of a store's agents can be reached, and whether its pages offer "Talk to us"
(docs/agents.md).

An agent is available only while their status is Available *and* a workspace (desk connection)
of theirs is open and beats. Open desks are ephemeral: one roster entry per connection
(`ephemeral/`), put on connect and on each beat, dropped on close; a sweeper on every node drops
the ones silent for 45 s (a node that died leaves its entries behind). Whoever's drop succeeds
announces the change, so it is announced once across nodes.

The store-wide state (workspace on, someone available) is announced on the store's talk topic
only when it flips: a latch in the roster says which caller flipped it, and its version orders
announcements that reach pages through different nodes.
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from shared_protocol.desk import AgentChanged, AgentStatus, DeskAgent, DeskSnapshot, Talk

from ..broker.base import Broker
from ..clock import Clock
from ..domain import agents as agent_rules
from ..domain import desk as rules
from ..domain.topics import (
    ROSTER_AGENTS,
    TALK_LATCH,
    Frame,
    desk_topic,
    roster_agents,
    store_of_roster,
    talk_topic,
)
from ..ephemeral.base import Roster
from ..storage import desk
from ..storage.base import Database
from .agents import ConsoleActor

log = logging.getLogger(__name__)

Seen = tuple[bool, list[DeskAgent]]  # the workspace is on; the store's agents as desks show them


class Availability:
    def __init__(self, db: Database, roster: Roster, broker: Broker, clock: Clock) -> None:
        self._db = db
        self._roster = roster
        self._broker = broker
        self._clock = clock

    # Where transports listen (they never build topic names).
    @staticmethod
    def desk_topic(store_id: str) -> str:
        return desk_topic(store_id)

    @staticmethod
    def talk_topic(store_id: str) -> str:
        return talk_topic(store_id)

    # ---- a desk connection's life ------------------------------------------------------------

    @staticmethod
    def desk_of(actor: ConsoleActor) -> tuple[str, str]:
        """The store and agent a console credential opens a desk for: agents only (the key
        is the store's, not a person who can be available)."""
        if actor.agent_id is None:
            raise rules.for_agents_only()
        return actor.store.id, actor.agent_id

    async def join(self, store_id: str, agent_id: str) -> str:
        """A desk opened: its roster field (one per connection; an agent may have several)."""
        field = f"{agent_id}/{secrets.token_hex(8)}"
        await self._roster.put(roster_agents(store_id), field, agent_id, self._clock.now())
        await self._changed(store_id, agent_id)
        return field

    async def beat(self, store_id: str, agent_id: str, field: str) -> None:
        if await self._roster.put(roster_agents(store_id), field, agent_id, self._clock.now()):
            await self._changed(store_id, agent_id)  # it had gone silent and was swept: back

    async def leave(self, store_id: str, agent_id: str, field: str) -> None:
        if await self._roster.drop(roster_agents(store_id), field):
            await self._changed(store_id, agent_id)

    async def set_status(self, store_id: str, agent_id: str, status: AgentStatus) -> DeskAgent:
        if await self._db.write(desk.set_status(store_id, agent_id, status)) is None:
            raise agent_rules.agent_gone()
        view = await self._changed(store_id, agent_id)
        if view is None:  # removed between the two
            raise agent_rules.agent_gone()
        return view

    async def agent_changed(self, store_id: str, agent_id: str) -> DeskAgent | None:
        """Desks hear the agent as they are now (their chat count or cap moved)."""
        return await self._changed(store_id, agent_id)

    async def refresh(self, store_id: str) -> None:
        """The workspace was turned on or off: pages and desks hear it if that flips talk."""
        await self._settle(store_id, await self._seen(store_id))

    # ---- what desks and pages read -----------------------------------------------------------

    async def snapshot(self, store_id: str, command_id: str | None = None) -> DeskSnapshot:
        seen = await self._seen(store_id)
        talk = await self.talk(store_id, seen)
        return DeskSnapshot(id=command_id, store_id=store_id, talk=talk, agents=seen[1])

    async def talk(self, store_id: str, seen: Seen | None = None) -> Talk:
        """What the store's pages show now. A store never latched (nobody opened a desk since
        the latch was last kept) is computed, not written: a page asking about any id must not
        make the hub keep state for it."""
        latched = await self._roster.latched(TALK_LATCH, store_id)
        if latched is not None:
            enabled, available = rules.from_latch(latched.value)
            return Talk(
                store_id=store_id, enabled=enabled, available=available, version=latched.version
            )
        workspace, agents = seen or await self._seen(store_id)
        available = rules.someone_available(workspace, agents)
        return Talk(store_id=store_id, enabled=workspace, available=available)

    async def available_agents(self, store_id: str) -> set[str]:
        """The store's agents who are Available with a desk open (whatever the workspace)."""
        _, agents = await self._seen(store_id)
        return {a.agent_id for a in agents if a.available}

    # ---- sweeping silent desks ----------------------------------------------------------------

    async def sweep(self) -> int:
        """Drop desks not seen for STALE_AFTER seconds; returns how many this node dropped."""
        before = self._clock.now() - rules.STALE_AFTER
        dropped = 0
        for key in await self._roster.keys(ROSTER_AGENTS):
            store_id = store_of_roster(key)
            for field in await self._roster.stale(key, before):
                if await self._roster.drop(key, field, before):  # true on one node only
                    dropped += 1
                    await self._changed(store_id, field.partition("/")[0])
        return dropped

    async def run(self) -> None:
        """Sweep every SWEEP_EVERY seconds of the hub clock, forever."""
        while True:
            deadline = self._clock.now() + rules.SWEEP_EVERY
            while self._clock.now() < deadline:
                await self._clock.sleep_until(deadline)
            try:
                await self.sweep()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("could not sweep silent workspaces; retrying")

    # ---- announcing ---------------------------------------------------------------------------

    async def _seen(self, store_id: str) -> Seen:
        workspace, rows = await self._db.read(desk.state(store_id))
        connected = set((await self._roster.all(roster_agents(store_id))).values())
        return workspace, [rules.agent_view(r, r.agent_id in connected) for r in rows]

    async def team_changed(self, store_id: str, agent_id: str) -> DeskAgent | None:
        """An agent was added, changed role or removed (services/agents.py)."""
        return await self._changed(store_id, agent_id)

    async def _changed(self, store_id: str, agent_id: str) -> DeskAgent | None:
        """An agent's desk or status changed: desks hear the agent as they are now, pages the
        store's talk state if it flipped."""
        seen = await self._seen(store_id)
        view = next((a for a in seen[1] if a.agent_id == agent_id), None)
        changed = AgentChanged(agent_id=agent_id, agent=view, gone=view is None)
        await self._broker.publish(desk_topic(store_id), Frame(changed.model_dump_json()))
        await self._settle(store_id, seen)
        return view

    async def _settle(self, store_id: str, seen: Seen) -> None:
        """Latch the talk state computed from `seen`; announce it when this call flipped it. A
        node may compute from a state another node changed just after: whoever flips the latch
        reads again, and flips it back if it was wrong (so the last announcement is right, and
        its version is the highest)."""
        for _ in range(3):
            workspace, agents = seen
            available = rules.someone_available(workspace, agents)
            value = rules.latch_value(workspace, available)
            latched = await self._roster.latch(TALK_LATCH, store_id, value, self._clock.now())
            if not latched.changed:
                return
            talk = Talk(
                store_id=store_id, enabled=workspace, available=available, version=latched.version
            )
            frame = Frame(talk.model_dump_json(), version=latched.version)
            await self._broker.publish(talk_topic(store_id), frame)
            seen = await self._seen(store_id)
            again = rules.someone_available(*seen)
            if rules.latch_value(seen[0], again) == value:
                return
