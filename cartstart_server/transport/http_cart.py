"""Shopper accounts, the cart over HTTP (polling clients), and link tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol.cart import CartCommand, CartResult, CartSnapshot, Checkout
from shared_protocol.common import Ident

from ..hub import IssuedLinkToken
from ..storage.outbox import cart_owner
from .http_auth import HubDep, ShopperDep
from .polling import PollResponse, poll_stream

router = APIRouter()


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    display_name: str = Field("", max_length=100)


class Account(BaseModel):
    account_id: str
    email: str


class LogIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    label: str = Field("", max_length=100, description="Names this device in the session list")


class SessionOut(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`; keep it secret")
    token_id: str
    account_id: str
    expires_at: float


class LinkTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store_id: Ident | None = Field(None, description="Limit the token to one store's pages")
    ttl_seconds: float | None = Field(None, gt=0, description="Capped by the hub's maximum")
    label: str = Field("", max_length=100)


class LinkTokenOut(BaseModel):
    token_id: str
    store_id: str | None
    label: str
    created_at: float
    expires_at: float


class IssuedLinkTokenOut(LinkTokenOut):
    token: str = Field(description="Put in a store page's URL fragment: #cartstart=<token>")


@router.post("/api/accounts", status_code=201, tags=["accounts"])
async def sign_up(body: SignUp, hub: HubDep) -> Account:
    account_id = await hub.sign_up(body.email, body.password, body.display_name)
    return Account(account_id=account_id, email=body.email.strip().lower())


@router.post("/api/sessions", status_code=201, tags=["accounts"])
async def log_in(body: LogIn, hub: HubDep) -> SessionOut:
    session = await hub.log_in(body.email, body.password, body.label)
    return SessionOut(
        token=session.token,
        token_id=session.token_id,
        account_id=session.account_id,
        expires_at=session.expires_at,
    )


@router.delete("/api/sessions/current", status_code=204, tags=["accounts"])
async def log_out(hub: HubDep, shopper: ShopperDep) -> Response:
    await hub.log_out(shopper)
    return Response(status_code=204)


@router.get("/api/cart", tags=["cart"])
async def cart(hub: HubDep, shopper: ShopperDep) -> CartSnapshot:
    return await hub.cart_snapshot(shopper.cart_id)


@router.post("/api/cart/commands", tags=["cart"])
async def cart_command(
    command: Annotated[CartCommand, Body()], hub: HubDep, shopper: ShopperDep
) -> CartResult:
    """Reserve, set_quantity, release, renew or checkout: the same JSON as on `/ws/cart`."""
    if isinstance(command, Checkout):
        return await hub.checkout(shopper, command)
    ticket = await hub.cart_command(shopper, command)
    return CartResult(id=command.id, ticket=ticket)


@router.get("/api/cart/events", tags=["cart"], response_model=PollResponse)
async def cart_events(
    hub: HubDep,
    shopper: ShopperDep,
    after: Annotated[int, Query(ge=0, description="Last seq applied; also acknowledges it")] = 0,
    wait: Annotated[float, Query(ge=0, le=60, description="Seconds to hold the request open")] = 0,
) -> Response:
    body = await poll_stream(
        hub, cart_owner(shopper.cart_id), after, wait, lambda: hub.cart_snapshot(shopper.cart_id)
    )
    return Response(body, media_type="application/json")


@router.post("/api/cart/link-tokens", status_code=201, tags=["cart"])
async def mint_link_token(
    body: LinkTokenIn, hub: HubDep, shopper: ShopperDep
) -> IssuedLinkTokenOut:
    return issued_out(
        await hub.mint_link_token(shopper, body.store_id, body.ttl_seconds, body.label)
    )


class PairingCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    store_id: Ident | None = Field(None, description="Limit the paired browser to one store")


class PairingCodeOut(BaseModel):
    code: str = Field(description="Show it to the shopper; valid once, for 10 minutes")
    expires_at: float


@router.post("/api/cart/pairing-codes", status_code=201, tags=["cart"])
async def pairing_code(body: PairingCodeIn, hub: HubDep, shopper: ShopperDep) -> PairingCodeOut:
    code, expires_at = await hub.create_pairing_code(shopper, body.store_id)
    return PairingCodeOut(code=code, expires_at=expires_at)


def issued_out(issued: IssuedLinkToken) -> IssuedLinkTokenOut:
    row = issued.row
    return IssuedLinkTokenOut(
        token=issued.token,
        token_id=row.id,
        store_id=row.store_id,
        label=row.label,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


@router.get("/api/cart/link-tokens", tags=["cart"])
async def link_tokens(hub: HubDep, shopper: ShopperDep) -> list[LinkTokenOut]:
    return [
        LinkTokenOut(
            token_id=r.id,
            store_id=r.store_id,
            label=r.label,
            created_at=r.created_at,
            expires_at=r.expires_at,
        )
        for r in await hub.link_tokens(shopper)
    ]


@router.delete("/api/cart/link-tokens/{token_id}", status_code=204, tags=["cart"])
async def revoke_link_token(token_id: str, hub: HubDep, shopper: ShopperDep) -> Response:
    await hub.revoke_link_token(shopper, token_id)
    return Response(status_code=204)
