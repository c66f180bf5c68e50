"""Support settings, credit and complaints (docs/agents.md "Support calls"): the owner's
settings and support agents, grants, balances and complaints for the console (owners and the
key change them; every agent of the store reads the balances and complaints), the shopper's
view of their credit and complaints at a store, and the shopper's complaint about a call. The
calls themselves are services/calls.py and services/support_calls.py."""

from __future__ import annotations

from pydantic import TypeAdapter

from shared_protocol.agents import AgentView
from shared_protocol.live import LiveResult
from shared_protocol.support import (
    Complain,
    Complaint,
    Complaints,
    CreditBalance,
    CreditBalances,
    CreditGrantIn,
    SessionSupport,
    ShopperSupport,
    SupportSettings,
    SupportSettingsIn,
)

from .. import credentials as cred
from ..clock import Clock
from ..domain import agents as agent_rules
from ..domain import support as rules
from ..domain.selling import Speaker
from ..storage import agents as team
from ..storage import credit, selling, support
from ..storage.base import Database
from ..storage.directory import require_store
from ..storage.sql import Effects, Plan
from ..storage.views import agent_view
from .commits import Committer, once

_RESULT = TypeAdapter(LiveResult)


class Support:
    def __init__(self, committer: Committer, db: Database, clock: Clock) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock

    # ---- the console ---------------------------------------------------------------------------

    async def settings(self, store_id: str) -> SupportSettings:
        return support.settings_view(await self._db.read(credit.settings(store_id)))

    async def set_settings(self, store_id: str, body: SupportSettingsIn) -> SupportSettings:
        return await self._db.write(support.set_settings(store_id, body))

    async def set_agent(self, store_id: str, agent_id: str, on: bool) -> AgentView:
        if not await self._db.write(support.set_agent_support(store_id, agent_id, on)):
            raise agent_rules.agent_gone()
        return agent_view(await self._db.read(team.get_agent(store_id, agent_id)))

    async def grant(self, store_id: str, body: CreditGrantIn) -> CreditBalance:
        now = self._clock.now()
        entry = cred.new_id("cg")
        return await self._committer.commit(
            lambda fx: support.grant(
                fx, store_id, body.cart_ref, body.amount, body.reason, entry, now
            )
        )

    async def balances(self, store_id: str) -> CreditBalances:
        return CreditBalances(balances=await self._db.read(support.balances(store_id)))

    async def complaints(self, store_id: str) -> Complaints:
        return Complaints(complaints=await self._db.read(support.complaints(store_id)))

    async def answer(self, store_id: str, complaint_id: str, text: str) -> Complaint:
        now = self._clock.now()
        return await self._committer.commit(
            lambda fx: support.answer(fx, store_id, complaint_id, text, now)
        )

    # ---- the shopper -------------------------------------------------------------------------

    async def of_shopper(self, account_id: str, store_id: str) -> ShopperSupport:
        await self._db.read(require_store(store_id))
        return ShopperSupport(
            store_id=store_id,
            settings=await self.settings(store_id),
            credit=await self._db.read(support.balance_view(store_id, account_id)),
            complaints=await self._db.read(support.complaints(store_id, account_id)),
        )

    async def of_session(self, session_id: str) -> SessionSupport | None:
        s = await self._db.read(selling.require_session(session_id))
        return await self._db.read(support.of_session(s))

    async def complain(self, speaker: Speaker, cmd: Complain) -> LiveResult:
        """The shopper's complaint about an ended support call of the session (once per
        command id; a durable `complaint` event both sides hear)."""
        if speaker.side != "visitor":
            raise rules.only_visitors_complain()
        now = self._clock.now()
        complaint_id = cred.new_id("sc")

        def plan(fx: Effects) -> Plan[LiveResult]:
            def inner() -> Plan[LiveResult]:
                s = yield from selling.require_session(speaker.session_id)
                view = yield from support.complain(
                    fx, s, cmd.call_id, cmd.about, cmd.text, complaint_id, now
                )
                return LiveResult(id=cmd.id, complaint=view)

            return once(f"live:{speaker.session_id}:visitor", cmd, cmd.id, inner(), _RESULT, now)

        return await self._committer.commit(plan)
