"""Registration and catalogue: the key works, the store told the hub its sites and its webhook,
and its products are complete (docs/storefront.md section 1, docs/protocol.md section 8)."""

from __future__ import annotations

import re

from pydantic import ValidationError

from shared_protocol.store_api import StoreInfo

from .kit import Check, Kit
from .outcomes import Failed, hub_error
from .report import Spec

SECTION = "Registration and catalogue"
REST = "docs/protocol.md#rest-the-same-operations-over-http"
IDENT = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")


async def key_opens_the_store(kit: Kit) -> str:
    answer = await kit.http.get("/api/store", headers=kit.auth)
    if answer.status_code == 401:
        raise Failed(
            f"the hub does not accept this key ({hub_error(answer).message}): use the key from "
            "`cartstart-server store add`, or the newest one if it was rotated"
        )
    if not answer.is_success:
        error = hub_error(answer)
        raise Failed(f"GET /api/store answered {error}: {error.message}")
    try:
        info = StoreInfo.model_validate_json(answer.content)
    except ValidationError:
        raise Failed(
            f"GET /api/store did not answer {{id, name, settings}}: {answer.text[:200]}"
        ) from None
    if info.id != kit.options.store_id:
        raise Failed(
            f"this key belongs to store {info.id} ({info.name!r}), not {kit.options.store_id}: "
            "pass that store's id, or this store's key"
        )
    # The same key must open the store's own routes (GET /api/stores/{id}).
    await kit.store.store()
    kit.info = info
    return f"store {info.id}, {info.name!r}"


async def origins_registered(kit: Kit) -> str:
    origins = kit.need_info().settings.origins
    if not origins:
        raise Failed(
            "no web origin is registered, so no page of your shop can add to a cart: send "
            f'PATCH {kit.path}/settings {{"origins": ["https://your-shop.example"]}}'
        )
    return ", ".join(origins)


async def webhook_set(kit: Kit) -> str:
    url = kit.need_info().settings.webhook_url
    if not url:
        raise Failed(
            "no webhook URL is set, so orders reach your server only if it follows /ws/store or "
            f'polls /events: send PATCH {kit.path}/settings {{"webhook_url": "https://..."}} '
            "and keep the webhook_secret it answers"
        )
    return url


async def catalogue_complete(kit: Kit) -> str:
    kit.need_info()
    products = kit.products = await kit.store.products()
    if not products:
        raise Failed(
            f"the catalogue is empty: add products with POST {kit.path}/products, then their "
            "stock with PUT .../products/{id}/stock"
        )
    problems: list[str] = []
    for p in products:
        if not IDENT.match(p.id):
            problems.append(f"{p.id!r} is not a valid product id (A-Z a-z 0-9 _ . : -, 1 to 64)")
        if not p.name.strip():
            problems.append(f"{p.id!r} has no name")
        if not re.fullmatch(r"[A-Z]{3}", p.price.currency):
            problems.append(f"{p.id!r} has no ISO 4217 currency on its price")
        if p.stock.product_id != p.id or p.stock.on_hand < 0:
            problems.append(f"{p.id!r} has no stock level")
    if problems:
        raise Failed("; ".join(problems[:5]) + ("; ..." if len(problems) > 5 else ""))
    active = [p for p in products if p.active]
    for_sale = [p for p in active if p.stock.available >= 1]
    return f"{len(products)} products, {len(active)} active, {len(for_sale)} with units available"


CHECKS = [
    Check(
        Spec(
            "registration.key",
            SECTION,
            "The key opens the store API (GET /api/store)",
            REST,
        ),
        key_opens_the_store,
    ),
    Check(
        Spec(
            "registration.origins",
            SECTION,
            "At least one web origin is registered",
            "docs/storefront.md#1-register-your-store-and-your-site",
        ),
        origins_registered,
    ),
    Check(
        Spec("registration.webhook", SECTION, "A webhook URL is set", "docs/protocol.md#webhooks"),
        webhook_set,
    ),
    Check(
        Spec(
            "catalogue.products",
            SECTION,
            "Products have a name, a price with a currency and a stock level",
            "docs/protocol.md#8-the-store-channel-wsstore-and-the-rest-store-api",
        ),
        catalogue_complete,
    ),
]
