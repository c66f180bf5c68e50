"""Bearer credentials on HTTP: `Authorization: Bearer <token>`.

Shopper session tokens for `/api/cart`, link tokens for `/api/page` commands, store API keys for
`/api/stores/{id}`. Each dependency checks that the token is of its own kind.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from shared_protocol import ErrorCode, ProtocolError

from ..hub import Hub, LinkedPage, Shopper
from ..storage.directory import StoreRow

_bearer = HTTPBearer(auto_error=False, description="A session token, link token or store API key")
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


HubDep = Annotated[Hub, Depends(hub_of)]


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None:
        raise ProtocolError(ErrorCode.UNAUTHORIZED, "send Authorization: Bearer <token>")
    return credentials.credentials


async def shopper(hub: HubDep, credentials: Bearer) -> Shopper:
    return await hub.authenticate_shopper(_token(credentials))


async def linked_page(hub: HubDep, credentials: Bearer) -> LinkedPage:
    return await hub.authenticate_link(_token(credentials))


async def optional_linked_page(hub: HubDep, credentials: Bearer) -> LinkedPage | None:
    """No token: an unlinked page. A token that is not valid (any more) is an error, so the page
    learns to drop it."""
    return None if credentials is None else await hub.authenticate_link(credentials.credentials)


async def store_agent(hub: HubDep, credentials: Bearer, store_id: str) -> StoreRow:
    """The key must belong to the store named in the path."""
    store = await hub.authenticate_store(_token(credentials))
    if store.id != store_id:
        raise ProtocolError(ErrorCode.FORBIDDEN, "this API key belongs to another store")
    return store


async def any_store(hub: HubDep, credentials: Bearer) -> StoreRow:
    """Whichever store the key belongs to (for clients that hold only a key: the console)."""
    return await hub.authenticate_store(_token(credentials))


ShopperDep = Annotated[Shopper, Depends(shopper)]
LinkedPageDep = Annotated[LinkedPage, Depends(linked_page)]
OptionalLinkedPageDep = Annotated[LinkedPage | None, Depends(optional_linked_page)]
StoreDep = Annotated[StoreRow, Depends(store_agent)]
KeyHolderDep = Annotated[StoreRow, Depends(any_store)]
