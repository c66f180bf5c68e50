"""A store's agents (docs/agents.md): the owner adds and removes them, they sign in to the console
with their own email and password, and their sign-ins (agent tokens) are scoped to the store and
expire. The store's API key keeps working for the store's backend and the console.

Revocation (removal, a role change, sign-out) and expiry reach open connections through the
same path as a replaced key (services/revocation.py): a journal row in the revoking
transaction, one topic per agent token."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from shared_protocol.agents import AddedAgent, AgentView, ConsoleWho, IssuedAgentSession
from shared_protocol.store import OfferDiscount, UpdateOrder
from shared_protocol.store_api import StoreInfo

from .. import credentials as cred
from ..clock import Clock
from ..config import HubConfig
from ..domain import agents as rules
from ..domain.agents import Permission, Role
from ..domain.identity import normalize_email, other_store_key
from ..domain.topics import token_topic
from ..storage import agents as storage
from ..storage import claims, directory, outbound_queue
from ..storage.agents import AgentRow
from ..storage.base import Database
from ..storage.sql import Plan
from ..storage.views import agent_view, store_info
from .identity import Identity
from .revocation import OnDead, Revocations, Watch
from .throttle import SignInThrottle

__all__ = ["Agents", "ConsoleActor", "Permission"]

T = TypeVar("T")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConsoleActor:
    """Who works in the console: the store's API key (`agent_id` None, role "key"), or an agent
    signed in with a token of theirs."""

    store: StoreInfo
    role: Role
    agent_id: str | None = None
    token_id: str | None = None
    expires_at: float | None = None

    def may(self, permission: Permission) -> bool:
        return permission in rules.ALLOWED[self.role]


class Agents:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        config: HubConfig,
        revocations: Revocations,
        identity: Identity,
        on_queued: Callable[[], None] = lambda: None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self._revocations = revocations
        self._identity = identity
        self.throttle = SignInThrottle(db, clock)
        self._on_queued = on_queued  # wakes the outbound dispatcher after an email is queued
        # Told (store, agent) after an agent is added, changed or removed, so open Workspaces
        # show the team as it is (hub.py wires Availability's announcement in).
        self.on_team_changed: Callable[[str, str], Awaitable[object]] | None = None
        # Told the ids of conversations a removed agent held, now free (services/claims.py).
        self.on_conversations_freed: Callable[[str, list[str]], Awaitable[object]] | None = None
        self._dummy_hash: str | None = None
        # The hub's address for invitation links: public_http_url, else what the running hub
        # advertises (set by HubServer and the command line once they know it).
        self.console_url: str | None = config.public_http_url

    # ---- the owner's list ------------------------------------------------------------------

    async def listed(self, store_id: str) -> list[AgentView]:
        return [agent_view(a) for a in await self.db.read(storage.list_agents(store_id))]

    async def add(
        self, store_id: str, email: str, name: str, role: str, by: ConsoleActor | None = None
    ) -> AddedAgent:
        """The agent, their invitation and its email, in one transaction. `by` is who adds
        them (the email names an owner; None: the key's console or the command line)."""
        email, name = normalize_email(email), name.strip()
        rules.check_new_agent(email, name)
        store = await self.db.read(directory.require_store(store_id))  # the command line names any
        inviter = None
        if by is not None and by.agent_id is not None:
            owner = await self.db.read(storage.get_agent(store_id, by.agent_id))
            inviter = (owner.name, owner.email)
        now = self.clock.now()
        agent = AgentRow(cred.new_id("ag"), store_id, email, name, role, None, now, None)
        code = cred.new_secret()
        expires_at = now + rules.INVITE_TTL
        base = self.console_url
        url = f"{base.rstrip('/')}/console#invite={code}" if base else None
        # Without an address others can open, the link goes to the owner only, not by email.
        known = rules.link_is_known(self.config.host, self.config.public_http_url)
        mailed = url is not None and known

        def adding() -> Plan[None]:
            yield from storage.create_agent(agent)
            yield from storage.create_invite(
                cred.hash_secret(code), agent.id, store_id, now, expires_at
            )
            if mailed and url is not None:
                subject, body = rules.invite_email(
                    store_name=store.name,
                    agent_name=name,
                    inviter=inviter,
                    url=url,
                    expires_at=expires_at,
                )
                yield from outbound_queue.queued_mail(email, subject, body, now)

        await self.db.write(adding())
        if mailed:
            self._on_queued()
        log.info("agent added", extra={"store": store_id, "agent": agent.id})
        await self._team_changed(store_id, agent.id)
        return AddedAgent(
            agent=agent_view(agent),
            invite_code=code,
            invite_url=url,
            invite_expires_at=expires_at,
            invite_emailed=mailed and bool(self.config.smtp_host),
        )

    async def change_role(
        self, store_id: str, agent_id: str, role: str, by: ConsoleActor | None = None
    ) -> AgentView:
        """A new role; the agent's sign-ins end (no open console keeps powers it lost). An owner
        does not change their own role: it would end their own sign-in mid-action, and a store
        could lose its last active owner by a slip."""
        if by is not None and by.agent_id == agent_id:
            raise rules.own_role()
        now = self.clock.now()
        agent, _ = await self._revoking(
            storage.set_role(store_id, agent_id, role, now), lambda result: result[1]
        )
        await self._team_changed(store_id, agent_id)
        return agent_view(agent)

    async def remove(self, store_id: str, agent_id: str) -> None:
        """The agent's open consoles close at once, on every node; the conversations they held
        are free again for the rest of the team, in the same transaction."""
        now = self.clock.now()

        def removing() -> Plan[tuple[list[str], list[str]]]:
            tokens = yield from storage.remove_agent(store_id, agent_id, now)
            return tokens, (yield from claims.release_all(store_id, agent_id))

        _, freed = await self._revoking(removing(), lambda done: done[0])
        log.info("agent removed", extra={"store": store_id, "agent": agent_id})
        await self._team_changed(store_id, agent_id)
        if freed and self.on_conversations_freed is not None:
            try:
                await self.on_conversations_freed(store_id, freed)
            except Exception:
                log.exception("could not tell the workspaces about freed conversations")

    async def _team_changed(self, store_id: str, agent_id: str) -> None:
        """Done already: a desk not told (the broker away) reads the team again when it can."""
        if self.on_team_changed is None:
            return
        try:
            await self.on_team_changed(store_id, agent_id)
        except Exception:
            log.exception("could not tell the workspaces about a team change")

    async def _revoking(self, plan: Plan[T], token_ids: Callable[[T], list[str]]) -> T:
        """Run `plan`, and the journal rows for the agent tokens it revoked, in one
        transaction; then tell this process's connections (others read the journal)."""
        topics: list[str] = []

        def both() -> Plan[T]:
            value = yield from plan
            topics[:] = [token_topic(t) for t in token_ids(value)]
            yield from self._revocations.recorded(topics)
            return value

        value = await self.db.write(both())
        self._revocations.told(topics)
        return value

    # ---- signing in ------------------------------------------------------------------------

    async def accept_invite(self, code: str, password: str, label: str = "") -> IssuedAgentSession:
        rules.check_password(password)
        code_hash = cred.hash_secret(code.strip())
        # A wrong code is refused before the costly hash: codes are 256 random bits, so
        # guessing is hopeless, and bogus attempts must not buy the hub's CPU either.
        if not await self.db.read(storage.invite_open(code_hash, self.clock.now())):
            raise rules.unknown_invite()
        password_hash = await asyncio.to_thread(cred.hash_password, password, self.config.scrypt_n)
        agent = await self.db.write(
            storage.redeem_invite(code_hash, password_hash, self.clock.now())
        )
        return await self._issue(agent, label)

    async def sign_in(
        self, store_id: str, email: str, password: str, label: str = "", client: str = ""
    ) -> IssuedAgentSession:
        """An unknown store or email is as slow as a wrong password, and gets the same answer.
        Too many attempts for the same (store, email), from `client` (its address) or from
        everyone, are `rate_limited`, before any look-up."""
        await self.throttle.attempt(store_id, email, client)
        agent = await self.db.read(storage.agent_by_email(store_id, normalize_email(email)))
        if self._dummy_hash is None:  # at the hub's own cost, so "no such agent" is as slow
            self._dummy_hash = await asyncio.to_thread(
                cred.hash_password, "not a password", self.config.scrypt_n
            )
        stored = agent.password_hash if agent and agent.password_hash else self._dummy_hash
        ok = await asyncio.to_thread(cred.verify_password, password, stored)
        if agent is None or agent.password_hash is None or not ok:
            raise rules.wrong_sign_in()
        await self.throttle.succeeded(store_id, email, client)
        return await self._issue(agent, label)

    async def _issue(self, agent: AgentRow, label: str) -> IssuedAgentSession:
        now = self.clock.now()
        secret = cred.new_secret()
        token_id = cred.new_id("at")
        expires_at = now + self.config.agent_session_ttl
        await self.db.write(
            storage.create_agent_token(
                token_id, agent, cred.hash_secret(secret), label[:100], now, expires_at
            )
        )
        log.info("agent signed in", extra={"store": agent.store_id, "agent": agent.id})
        return IssuedAgentSession(
            token=cred.format_token(cred.AGENT, token_id, secret),
            token_id=token_id,
            expires_at=expires_at,
            agent=agent_view(agent),
        )

    async def sign_out(self, actor: ConsoleActor) -> None:
        if actor.token_id is None:
            return  # the API key: nothing to end
        token_id = actor.token_id
        plan = storage.revoke_agent_token(token_id, self.clock.now())
        await self._revoking(plan, lambda _: [token_id])

    # ---- authentication ----------------------------------------------------------------------

    @staticmethod
    def catalogue_refused() -> Exception:
        return rules.catalogue_from_backend()

    @staticmethod
    def check_command(actor: ConsoleActor, command: UpdateOrder | OfferDiscount) -> None:
        """An order or a discount from a console on /ws/store: as its REST route allows."""
        need = Permission.ORDERS_WRITE if isinstance(command, UpdateOrder) else Permission.CUSTOMERS
        rules.check_allowed(actor.role, need)

    @staticmethod
    def is_agent_token(token: str | None) -> bool:
        return (token or "").startswith(cred.AGENT + ".")

    async def authenticate_console(self, token: str | None) -> ConsoleActor:
        """The store's API key, or an agent's live sign-in."""
        if not self.is_agent_token(token):
            return ConsoleActor(store=await self._identity.authenticate_store(token), role="key")
        parsed = cred.parse_token(token or "", cred.AGENT)
        row = await self.db.read(storage.get_agent_token(parsed[0])) if parsed else None
        if parsed is None or row is None or not cred.secret_matches(parsed[1], row.secret_hash):
            raise rules.invalid_agent_token()
        rules.check_agent_session(
            removed=row.removed_at is not None,
            revoked=row.revoked_at is not None,
            expires_at=row.expires_at,
            now=self.clock.now(),
        )
        store = await self.db.read(directory.require_store(row.store_id))
        return ConsoleActor(
            store=store_info(store),
            role="owner" if row.role == "owner" else "agent",
            agent_id=row.agent_id,
            token_id=row.id,
            expires_at=row.expires_at,
        )

    async def authorize_console(
        self, token: str | None, store_id: str, permission: Permission
    ) -> ConsoleActor:
        """The credential must be for `store_id` (a store never reaches another's data), and its
        role must allow `permission`."""
        actor = await self.authenticate_console(token)
        if actor.store.id != store_id:
            raise other_store_key() if actor.agent_id is None else rules.other_store()
        rules.check_allowed(actor.role, permission)
        return actor

    async def who(self, actor: ConsoleActor) -> ConsoleWho:
        agent = None
        if actor.agent_id is not None:
            row = await self.db.read(storage.get_agent(actor.store.id, actor.agent_id))
            agent = agent_view(row)
        return ConsoleWho(
            store=actor.store,
            agent=agent,
            role=actor.role,
            permissions=[str(p) for p in rules.permissions(actor.role)],
            expires_at=actor.expires_at,
        )

    # ---- open connections --------------------------------------------------------------------

    def watch(self, actor: ConsoleActor, token: str, on_dead: OnDead) -> Watch:
        """The key as Identity watches it; an agent's sign-in on its token's topic, with its
        expiry."""
        if actor.token_id is None:
            return self._identity.watch(actor.store, token, on_dead)
        recheck = partial(self.authenticate_console, token)
        return self._revocations.watch(
            token_topic(actor.token_id), actor.expires_at, recheck, on_dead
        )
