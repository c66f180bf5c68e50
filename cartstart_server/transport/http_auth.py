"""Bearer credentials on HTTP: `Authorization: Bearer <token>`.

Shopper session tokens for `/api/cart`, link tokens for `/api/page` commands, store API keys for
`/api/stores/{id}`. Each dependency checks that the token is of its own kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.store_api import StoreInfo

from ..services.agents import Agents, ConsoleActor, Permission
from ..services.identity import Identity, LinkedPage, Shopper

_bearer = HTTPBearer(auto_error=False, description="A session token, link token or store API key")
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None:
        raise ProtocolError(ErrorCode.UNAUTHORIZED, "send Authorization: Bearer <token>")
    return credentials.credentials


class Auth:
    """FastAPI dependencies, one per kind of credential (`Depends(auth.shopper)`)."""

    def __init__(self, identity: Identity, agents: Agents | None = None) -> None:
        self._identity = identity
        self._agents = agents

    async def shopper(self, credentials: Bearer) -> Shopper:
        return await self._identity.authenticate_shopper(_token(credentials))

    async def page(self, credentials: Bearer) -> LinkedPage:
        return await self._identity.authenticate_link(_token(credentials))

    async def optional_page(self, credentials: Bearer) -> LinkedPage | None:
        """No token: an unlinked page. A token that is not valid (any more) is an error, so the
        page learns to drop it."""
        if credentials is None:
            return None
        return await self._identity.authenticate_link(credentials.credentials)

    async def store(self, credentials: Bearer, store_id: str) -> StoreInfo:
        """The key must belong to the store named in the path."""
        return await self._identity.authorize_store(_token(credentials), store_id)

    async def key_holder(self, credentials: Bearer) -> StoreInfo:
        """Whichever store the key belongs to (for clients that hold only a key: the console)."""
        return await self._identity.authenticate_store(_token(credentials))

    def console(self, permission: Permission) -> Callable[..., Awaitable[StoreInfo]]:
        """The store's API key or an agent of the store named in the path whose role allows
        `permission` (docs/agents.md): the console's routes."""
        as_actor = self.console_as(permission)

        async def console(credentials: Bearer, store_id: str) -> StoreInfo:
            return (await as_actor(credentials, store_id)).store

        return console

    def console_as(self, permission: Permission) -> Callable[..., Awaitable[ConsoleActor]]:
        """As `console`, answering who it is (the key, or which agent)."""
        agents = self._agents
        assert agents is not None, "Auth(identity, agents) for console routes"

        async def console_actor(credentials: Bearer, store_id: str) -> ConsoleActor:
            return await agents.authorize_console(_token(credentials), store_id, permission)

        return console_actor

    async def console_actor(self, credentials: Bearer) -> ConsoleActor:
        """Whoever the console is signed in as: the key or an agent."""
        assert self._agents is not None
        return await self._agents.authenticate_console(_token(credentials))
