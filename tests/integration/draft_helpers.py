"""Shared setup for drafts' tests: a store selling wedding invitations with a form, a buyer who
holds them, and shortcuts to the buyer's, the page's and the store's routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from cartstart_server.domain.tickets import cart_ref
from cartstart_server.hub import Hub
from cartstart_server.storage.sql import Plan, Stmt
from shared_protocol.forms import FieldSpec, FormDefinition
from tests.helpers.hubs import seed_store
from tests.helpers.peers import Account, link_token, sign_up

SHOP_ORIGIN = "https://invites.example"

FORM = FormDefinition(
    intro="Tell us what to print.",
    fields=[
        FieldSpec(key="wording", label="Wording", kind="long_text", required=True),
        FieldSpec(key="names", label="Names", kind="text", required=True, max_length=80),
        FieldSpec(
            key="paper", label="Paper", kind="choice", options=["Cotton", "Linen"], required=False
        ),
        FieldSpec(
            key="guests",
            label="Guest list",
            kind="rows",
            required=True,
            columns=[
                FieldSpec(key="name", label="Name", kind="text", required=True, max_length=80),
                FieldSpec(key="table", label="Table", kind="number", integer=True, min=1, max=50),
            ],
        ),
    ],
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _set_form(store_id: str, product_id: str, form: FormDefinition) -> Plan[None]:
    yield Stmt(
        "UPDATE products SET form = ?, form_version = form_version + 1 "
        "WHERE store_id = ? AND product_id = ?",
        (form.model_dump_json(), store_id, product_id),
    )


async def give_form(hub: Hub, store_id: str, product_id: str, form: FormDefinition = FORM) -> None:
    """The store's form on the product, written as the forms' routes store it."""
    await hub.db.write(_set_form(store_id, product_id, form))


@dataclass
class Shop:
    store_id: str
    key: str

    def drafts(self, who: Account | str, product_id: str = "invites") -> str:
        ref = who if isinstance(who, str) else cart_ref(self.store_id, who.cart_id)
        return f"/api/stores/{self.store_id}/drafts/{ref}/{product_id}"


async def invitation_shop(
    hub: Hub, name: str = "Paper Moon", *, ttl: float = 600, renewal_limit: int = 2
) -> Shop:
    """`invites` has a form; `pens` has none."""
    store_id, key = await seed_store(
        hub,
        name,
        {"invites": 20, "pens": 20},
        ttl=ttl,
        renewal_limit=renewal_limit,
        origins=[SHOP_ORIGIN],
    )
    await give_form(hub, store_id, "invites")
    return Shop(store_id, key)


_ids = iter(range(1, 10**6))


async def hold(
    http: httpx.AsyncClient, who: Account, store_id: str, product_id: str = "invites"
) -> dict[str, Any]:
    body = {
        "type": "reserve",
        "id": f"draft-{next(_ids):06d}",
        "store_id": store_id,
        "product_id": product_id,
    }
    r = await http.post("/api/cart/commands", json=body, headers=who.auth)
    assert r.status_code == 200, r.text
    return dict(r.json()["ticket"])


async def release(http: httpx.AsyncClient, who: Account, ticket_id: str) -> None:
    body = {"type": "release", "id": f"draft-{next(_ids):06d}", "ticket_id": ticket_id}
    r = await http.post("/api/cart/commands", json=body, headers=who.auth)
    assert r.status_code == 200, r.text


async def buyer_holding(http: httpx.AsyncClient, shop: Shop, email: str) -> Account:
    who = await sign_up(http, email)
    await hold(http, who, shop.store_id)
    return who


async def edit(
    http: httpx.AsyncClient, who: Account, store_id: str, values: dict[str, Any],
    product_id: str = "invites",
) -> httpx.Response:  # fmt: skip
    return await http.post(
        f"/api/cart/drafts/{store_id}/{product_id}", json={"values": values}, headers=who.auth
    )


async def page_headers(http: httpx.AsyncClient, who: Account, **token: Any) -> dict[str, str]:
    """A linked page of the shop's site: its link token and Origin."""
    return {**bearer(await link_token(http, who, **token)), "Origin": SHOP_ORIGIN}
