"""A throwaway shopper, made through the hub's public accounts API, so the kit can cause store
events (a hold, a release) and place one real order as any cart would (docs/protocol.md,
sections 6 and 9)."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from pydantic import BaseModel, ValidationError

from shared_protocol.accounts import IssuedSession
from shared_protocol.cart import CartResult, Checkout, Release, Reserve
from shared_protocol.common import TicketView
from shared_protocol.orders import OrderView

from .outcomes import Failed, hub_error

# A reserved top-level domain: whatever the hub mails this shopper goes nowhere.
EMAIL_DOMAIN = "cartstart.invalid"


def new_id(kind: str) -> str:
    """A command id or idempotency key of the kit's own (8 to 64 of A-Z a-z 0-9 _ . : -)."""
    return f"conformance-{kind}-{secrets.token_hex(8)}"


class Shopper:
    def __init__(self, http: httpx.AsyncClient, email: str, session: IssuedSession) -> None:
        self._http = http
        self.email = email
        self._auth = {"Authorization": f"Bearer {session.token}"}

    @classmethod
    async def sign_up(cls, http: httpx.AsyncClient) -> Shopper:
        email = f"conformance-{secrets.token_hex(6)}@{EMAIL_DOMAIN}"
        password = secrets.token_urlsafe(24)
        account = {"email": email, "password": password, "display_name": "CartStart conformance"}
        await _expect(http, "create a throwaway shopper account", "/api/accounts", account)
        login = {"email": email, "password": password, "label": "cartstart-conformance"}
        answer = await _expect(http, "sign the throwaway shopper in", "/api/sessions", login)
        try:
            return cls(http, email, IssuedSession.model_validate_json(answer.content))
        except ValidationError:
            raise Failed(
                "the hub's answer to POST /api/sessions has no session token (docs/protocol.md "
                "section 9)"
            ) from None

    async def _command(self, what: str, command: BaseModel) -> CartResult:
        body = command.model_dump(mode="json", exclude_none=True)
        answer = await _expect(self._http, what, "/api/cart/commands", body, self._auth)
        try:
            return CartResult.model_validate_json(answer.content)
        except ValidationError:
            raise Failed(f"the hub's answer (asked to {what}) is not a cart result") from None

    async def reserve(self, store_id: str, product_id: str) -> TicketView:
        command = Reserve(id=new_id("reserve"), store_id=store_id, product_id=product_id)
        result = await self._command(f"hold one {product_id!r} for a throwaway shopper", command)
        if result.ticket is None:
            raise Failed("the hub answered a reserve with no ticket")
        return result.ticket

    async def release(self, ticket_id: str) -> None:
        await self._command(
            "release a throwaway shopper's hold", Release(id=new_id("release"), ticket_id=ticket_id)
        )

    async def checkout(self, store_id: str) -> OrderView:
        command = Checkout(id=new_id("checkout"), store_ids=[store_id])
        result = await self._command("check out a throwaway shopper's hold", command)
        orders = [o for o in result.orders or [] if o.store_id == store_id]
        if not orders:
            raise Failed("the throwaway shopper's checkout made no order for this store")
        return orders[0]

    async def log_out(self) -> None:
        await self._http.delete("/api/sessions/current", headers=self._auth)


async def _expect(
    http: httpx.AsyncClient,
    what: str,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    answer = await http.post(path, json=body, headers=headers)
    if not answer.is_success:
        error = hub_error(answer)
        raise Failed(f"the hub refused to {what}: {error.message} ({error.code}, {error.status})")
    return answer
