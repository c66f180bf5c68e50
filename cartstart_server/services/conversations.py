"""Conversations with visitors on the store's own pages: the store sends the visitor's page to
another page of the session's site (`navigate`, docs/agents.md "Send to page"). The session
itself is started by `Selling.start` with the page's address (its origin is recorded there)."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from shared_protocol.common import Ack
from shared_protocol.conversations import Navigate
from shared_protocol.live import LiveResult, LiveSync, Search, Watch

from ..clock import Clock
from ..domain import claims as claim_rules
from ..domain import conversations as rules
from ..domain.selling import Speaker
from ..storage import claims, conversations, directory, selling
from ..storage.base import Database
from ..storage.sql import Effects, Plan
from .commits import Committer, once

_RESULT = TypeAdapter(LiveResult)
_LOOKING = (Ack, LiveSync, Search, Watch)  # what another agent may still do in a held session


class Conversations:
    def __init__(self, committer: Committer, db: Database, clock: Clock) -> None:
        self._committer = committer
        self._db = db
        self._clock = clock

    async def check_may_act(self, speaker: Speaker, message: Any) -> None:
        """Another agent's conversation (storage/claims.py): `forbidden` in words ("Ana is
        helping this visitor") for anything but looking. The visitor and the store's key are
        never held back; an owner takes the visitor over first (desk `claim`, `take_over`)."""
        if speaker.side != "store" or speaker.agent_id is None or isinstance(message, _LOOKING):
            return
        holder, name = await self._db.read(claims.holder(speaker.session_id))
        if claim_rules.holds_back(speaker, holder):
            assert holder is not None
            raise claim_rules.taken_by(name, holder)

    async def navigate(self, speaker: Speaker, cmd: Navigate) -> LiveResult:
        """A durable `navigated` event both sides hear (and a resume replays), once per command
        id; refused unless the address is on the site the session started on."""
        now = self._clock.now()
        principal = f"live:{speaker.session_id}:{speaker.side}"

        def plan(fx: Effects) -> Plan[LiveResult]:
            def inner() -> Plan[LiveResult]:
                s = yield from selling.require_session(speaker.session_id)
                store = yield from directory.require_store(s.store_id)
                rules.check_may_navigate(speaker, cmd, s.origin)
                url = cmd.url
                if cmd.product_id is not None:
                    url = yield from conversations.product_page(s.store_id, cmd.product_id)
                    if url is None:
                        raise rules.no_product_page(cmd.product_id)
                assert url is not None
                url = rules.navigate_target(store.origins, s.origin, url)
                yield from conversations.navigated(fx, s, url, now)
                return LiveResult(id=cmd.id, url=url)

            return once(principal, cmd, cmd.id, inner(), _RESULT, now)

        return await self._committer.commit(plan)
