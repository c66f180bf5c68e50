"""The marketplace's solutions over HTTP (docs/marketplace.md "Solutions, quotes and orders"):
`/api/market/solutions` for anyone holding a solution's private link (the secret only in the
`X-Solution-Secret` header) or its owner's shopper bearer; `/api/account/...` for registered
buyers; `/api/stores/{id}/requests` for the firm's console (its key or its agents)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from pydantic import BaseModel

from shared_protocol import i18n
from shared_protocol.solutions import (
    Accepted,
    AccountCall,
    AnswerIn,
    DeclineIn,
    EmailIn,
    RequestView,
    SendIn,
    Sent,
    SolutionCreated,
    SolutionIn,
    SolutionSummary,
    SolutionUpdate,
    SolutionView,
    StoreRequestView,
    WishItem,
    Wishlist,
)
from shared_protocol.store_api import StoreInfo

from ..services.agents import Agents, Permission
from ..services.identity import Identity
from ..services.solutions import Solutions
from ..services.store_requests import StoreRequests
from .http_auth import Auth, Bearer
from .http_errors import SIGNED_IN, THROTTLED
from .http_store import IdInPath, RequiredIdempotencyKey

Secret = Annotated[
    str | None,
    Header(alias="X-Solution-Secret", max_length=200, description="The private link's secret"),
]
AcceptLanguage = Annotated[str | None, Header(alias="Accept-Language", max_length=500)]
Lang = Annotated[str | None, Query(max_length=20, description="en or sr")]
Currency = Annotated[
    str | None, Query(max_length=3, description="Display currency (prices stay the store's)")
]


# A shopper's bearer is optional on a solution's routes: the private link's secret is enough.
OPTIONAL_BEARER: dict[str, Any] = {"security": [{}]}


def _client(request: Request) -> str:
    return request.client.host if request.client else ""


class Queued(BaseModel):
    queued: bool = True


def routes(
    *,
    identity: Identity,
    agents: Agents,
    solutions: Solutions,
    store_requests: StoreRequests,
) -> list[APIRouter]:
    auth = Auth(identity, agents)

    async def maybe_account(credentials: Bearer) -> str | None:
        """A shopper's bearer makes the solution theirs; without one, the link alone counts."""
        if credentials is None:
            return None
        return (await identity.authenticate_shopper(credentials.credentials)).cart_id

    async def account(credentials: Bearer) -> str:
        return (await auth.shopper(credentials)).cart_id

    anyone = Depends(maybe_account)
    signed_in = Depends(account)

    market = APIRouter(
        prefix="/api/market/solutions", tags=["market"], responses={**SIGNED_IN, **THROTTLED}
    )

    @market.post("", status_code=201, openapi_extra=OPTIONAL_BEARER)
    async def create(
        body: SolutionIn, who: str | None = anyone, lang: Lang = None, accept: AcceptLanguage = None
    ) -> SolutionCreated:
        return await solutions.create(body, who, i18n.pick(lang, accept))

    @market.get("/{solution_id}", openapi_extra=OPTIONAL_BEARER)
    async def read(
        solution_id: IdInPath,
        who: str | None = anyone,
        secret: Secret = None,
        lang: Lang = None,
        currency: Currency = None,
        accept: AcceptLanguage = None,
    ) -> SolutionView:
        return await solutions.view(solution_id, secret, who, i18n.pick(lang, accept))

    @market.put("/{solution_id}", openapi_extra=OPTIONAL_BEARER)
    async def update(
        solution_id: IdInPath,
        body: SolutionUpdate,
        who: str | None = anyone,
        secret: Secret = None,
        lang: Lang = None,
        accept: AcceptLanguage = None,
    ) -> SolutionView:
        return await solutions.update(
            solution_id, secret, who, body, body.version, i18n.pick(lang, accept)
        )

    @market.post("/{solution_id}/email", status_code=202, openapi_extra=OPTIONAL_BEARER)
    async def email(
        solution_id: IdInPath,
        body: EmailIn,
        request: Request,
        who: str | None = anyone,
        secret: Secret = None,
        accept: AcceptLanguage = None,
    ) -> Queued:
        await solutions.email_link(
            solution_id, secret, who, body.email, i18n.pick(body.lang, accept), _client(request)
        )
        return Queued()

    @market.post("/{solution_id}/send", status_code=201, openapi_extra=OPTIONAL_BEARER)
    async def send(
        solution_id: IdInPath,
        body: SendIn,
        request: Request,
        key: RequiredIdempotencyKey,
        who: str | None = anyone,
        secret: Secret = None,
        accept: AcceptLanguage = None,
    ) -> Sent:
        sent = await solutions.send(
            solution_id,
            secret,
            who,
            body.kind,
            body.contact,
            i18n.pick(body.lang, accept),
            key,
            _client(request),
        )
        return Sent(requests=sent)

    @market.post("/{solution_id}/requests/{request_id}/accept", openapi_extra=OPTIONAL_BEARER)
    async def accept_quote(
        solution_id: IdInPath,
        request_id: IdInPath,
        who: str | None = anyone,
        secret: Secret = None,
        lang: Lang = None,
        accept: AcceptLanguage = None,
    ) -> Accepted:
        return await solutions.accept(solution_id, secret, who, request_id, i18n.pick(lang, accept))

    mine = APIRouter(prefix="/api/account", tags=["account"], responses=SIGNED_IN)

    @mine.get("/solutions")
    async def my_solutions(who: str = signed_in) -> list[SolutionSummary]:
        return await solutions.of_account(who)

    @mine.get("/requests")
    async def my_requests(
        who: str = signed_in, lang: Lang = None, accept: AcceptLanguage = None
    ) -> list[RequestView]:
        return await solutions.requests_of_account(who, i18n.pick(lang, accept))

    @mine.get("/wishlist")
    async def my_wishlist(who: str = signed_in) -> Wishlist:
        items = await solutions.wishlist(who)
        return Wishlist(items=[WishItem(store_id=s, product_id=p) for s, p in items])

    @mine.put("/wishlist")
    async def set_wishlist(body: Wishlist, who: str = signed_in) -> Wishlist:
        wanted = [(i.store_id, i.product_id) for i in body.items]
        kept = await solutions.set_wishlist(who, wanted)
        return Wishlist(items=[WishItem(store_id=s, product_id=p) for s, p in kept])

    @mine.get("/calls")
    async def my_calls(who: str = signed_in) -> list[AccountCall]:
        return await solutions.calls(who)

    firm = APIRouter(prefix="/api/stores/{store_id}/requests", tags=["store"], responses=SIGNED_IN)
    console = Depends(auth.console(Permission.REQUESTS))

    @firm.get("")
    async def store_requests_list(store: StoreInfo = console) -> list[StoreRequestView]:
        return await store_requests.of_store(store.id)

    @firm.post("/{request_id}/answer")
    async def answer(
        request_id: IdInPath, body: AnswerIn, store: StoreInfo = console
    ) -> StoreRequestView:
        return await store_requests.answer(
            store.id, request_id, body.price, body.valid_until, body.note
        )

    @firm.post("/{request_id}/decline")
    async def decline(
        request_id: IdInPath, body: DeclineIn, store: StoreInfo = console
    ) -> StoreRequestView:
        return await store_requests.decline(store.id, request_id, body.note)

    return [market, mine, firm]
