"""Shopper accounts, the cart over HTTP (polling clients), and link tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from shared_protocol.accounts import IssuedLinkToken, IssuedSession, LinkTokenView
from shared_protocol.cart import CartCommand, CartResult, CartSnapshot, Checkout
from shared_protocol.common import Ident

from ..services.carts import Carts
from ..services.identity import Identity, Shopper
from ..services.streams import Streams
from .http_auth import Auth
from .http_errors import SIGNED_IN
from .limits import Limits
from .polling import PollResponse, poll_response


class SignUp(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    email: str = Field(max_length=254)
    password: str = Field(min_length=8, max_length=1024)
    display_name: str = Field("", max_length=100)


class Account(BaseModel):
    account_id: str
    email: str


class LogIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)
    label: str = Field("", max_length=100, description="Names this device in the session list")


class LinkTokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    store_id: Ident | None = Field(None, description="Limit the token to one store's pages")
    ttl_seconds: float | None = Field(None, gt=0, description="Capped by the hub's maximum")
    label: str = Field("", max_length=100)


class PairingCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    store_id: Ident | None = Field(None, description="Limit the paired browser to one store")


class PairingCodeOut(BaseModel):
    code: str = Field(description="Show it to the shopper; valid once, for 10 minutes")
    expires_at: float


def routes(*, identity: Identity, carts: Carts, streams: Streams, limits: Limits) -> APIRouter:
    router = APIRouter(responses=SIGNED_IN)
    signed_in = Depends(Auth(identity).shopper)

    @router.post("/api/accounts", status_code=201, tags=["accounts"])
    async def sign_up(body: SignUp) -> Account:
        account_id = await identity.sign_up(body.email, body.password, body.display_name)
        return Account(account_id=account_id, email=body.email.strip().lower())

    @router.post("/api/sessions", status_code=201, tags=["accounts"])
    async def log_in(body: LogIn) -> IssuedSession:
        return await identity.log_in(body.email, body.password, body.label)

    @router.delete("/api/sessions/current", status_code=204, tags=["accounts"])
    async def log_out(shopper: Shopper = signed_in) -> Response:
        await identity.log_out(shopper)
        return Response(status_code=204)

    @router.get("/api/cart", tags=["cart"])
    async def cart(shopper: Shopper = signed_in) -> CartSnapshot:
        return await carts.snapshot(shopper.cart_id)

    @router.post("/api/cart/commands", tags=["cart"])
    async def cart_command(
        command: Annotated[CartCommand, Body()], shopper: Shopper = signed_in
    ) -> CartResult:
        """Reserve, set_quantity, release, renew or checkout: the same JSON as on `/ws/cart`."""
        if isinstance(command, Checkout):
            return await carts.checkout(shopper, command)
        ticket = await carts.command(shopper, command)
        return CartResult(id=command.id, ticket=ticket)

    @router.get("/api/cart/events", tags=["cart"], response_model=PollResponse)
    async def cart_events(
        after: Annotated[
            int, Query(ge=0, le=2**53, description="Last seq applied; also acknowledges it")
        ] = 0,
        wait: Annotated[
            float,
            Query(ge=0, description="Seconds to hold the request open; more than 30 is 30"),
        ] = 0,
        shopper: Shopper = signed_in,
    ) -> Response:
        batch = await streams.poll(
            streams.of_cart(shopper.cart_id),
            after,
            min(wait, limits.long_poll_max),
            lambda: carts.snapshot(shopper.cart_id),
        )
        return poll_response(batch)

    @router.post("/api/cart/link-tokens", status_code=201, tags=["cart"])
    async def mint_link_token(body: LinkTokenIn, shopper: Shopper = signed_in) -> IssuedLinkToken:
        return await identity.mint_link_token(shopper, body.store_id, body.ttl_seconds, body.label)

    @router.post("/api/cart/pairing-codes", status_code=201, tags=["cart"])
    async def pairing_code(body: PairingCodeIn, shopper: Shopper = signed_in) -> PairingCodeOut:
        code, expires_at = await identity.create_pairing_code(shopper, body.store_id)
        return PairingCodeOut(code=code, expires_at=expires_at)

    @router.get("/api/cart/link-tokens", tags=["cart"])
    async def link_tokens(shopper: Shopper = signed_in) -> list[LinkTokenView]:
        return await identity.link_tokens(shopper)

    @router.delete("/api/cart/link-tokens/{token_id}", status_code=204, tags=["cart"])
    async def revoke_link_token(token_id: str, shopper: Shopper = signed_in) -> Response:
        await identity.revoke_link_token(shopper, token_id)
        return Response(status_code=204)

    return router
