"""Stock pushes: an adjustment retried with its Idempotency-Key is applied once, pages see the new
count, and a key reused for another change is refused (docs/protocol.md sections 4, 7, 8)."""

from __future__ import annotations

from shared_protocol.common import Availability, Outbound
from shared_protocol.errors import ErrorCode
from storefront_templates.store_api import Conflict

from .kit import Check, Kit, StockProbe
from .outcomes import Failed, Skipped
from .report import Side, Spec
from .shopper import new_id

SECTION = "Stock pushes"


class _Items(Outbound):
    items: list[Availability]


async def page_availability(kit: Kit, product_id: str) -> Availability:
    """What store pages see: `GET /api/page/availability` (no key, like a page)."""
    ref = f"{kit.options.store_id}:{product_id}"
    answer = await kit.http.get("/api/page/availability", params={"p": ref})
    if not answer.is_success:
        raise Failed(f"GET /api/page/availability?p={ref} answered HTTP {answer.status_code}")
    items = _Items.model_validate_json(answer.content).items
    found = [a for a in items if a.product_id == product_id]
    if not found:
        raise Failed(f"GET /api/page/availability?p={ref} does not list the product")
    return found[0]


async def adjustment_applied_once(kit: Kit) -> str:
    product = await kit.for_sale()
    seen_before = await page_availability(kit, product.id)
    key = new_id("stock")
    kit.stock_probe = StockProbe(product.id, key, product.stock.on_hand)
    first = await kit.adjust_stock(product.id, +1, key)
    # The retry a shop makes after a lost answer: same key, same change.
    again = await kit.store.adjust_stock(product.id, +1, idempotency_key=key)
    on_hand = (await kit.store.product(product.id)).stock.on_hand
    expected = product.stock.on_hand + 1
    if on_hand == expected + 1:
        kit.touched.stock[product.id] += 1  # applied twice: cleanup takes both back
        raise Failed(
            f"the retry with the same Idempotency-Key was applied again ({product.id!r}: on "
            f"hand {product.stock.on_hand} -> {on_hand}); a retry must change nothing"
        )
    if on_hand != expected:
        raise Failed(
            f"{product.id!r}: on hand went {product.stock.on_hand} -> {on_hand} after +1 (and "
            f"its retry), not to {expected}; if your shop changed the stock meanwhile, run again"
        )
    if again.stock != first.stock:
        raise Failed("the retry got a different answer from the first: it should get the same")
    seen = await page_availability(kit, product.id)
    if seen.available != first.stock.available or seen.version <= seen_before.version:
        raise Failed(
            f"pages see {seen.available} available at version {seen.version} after the +1 "
            f"(before: {seen_before.available} at version {seen_before.version}); expected "
            f"{first.stock.available} at a higher version"
        )
    return (
        f"{product.id!r} +1 with key {key}, retried: on hand {product.stock.on_hand} -> "
        f"{on_hand} once; pages see {seen.available} (version {seen_before.version} -> "
        f"{seen.version})"
    )


def _probe(kit: Kit) -> StockProbe:
    if kit.stock_probe is None:
        raise Skipped("the +1 before it did not happen")
    return kit.stock_probe


async def reused_key_refused(kit: Kit) -> str:
    probe = _probe(kit)
    try:
        await kit.adjust_stock(probe.product_id, -1, probe.key)
    except Conflict as refused:
        if refused.code != ErrorCode.IDEMPOTENCY_CONFLICT:
            raise Failed(
                f"expected 409 idempotency_conflict, got {refused.status} {refused.code}"
            ) from None
        return f"409 idempotency_conflict: {refused.message}"
    raise Failed(
        "the hub applied a -1 sent with the Idempotency-Key of an earlier +1: reusing a key for a "
        "different change must be refused with 409 idempotency_conflict"
    )


async def taken_back(kit: Kit) -> str:
    probe = _probe(kit)
    net = kit.touched.stock.get(probe.product_id, 0)
    await kit.put_stock_back()
    on_hand = (await kit.store.product(probe.product_id)).stock.on_hand
    if on_hand != probe.on_hand_before:
        raise Failed(
            f"{probe.product_id!r}: on hand is {on_hand} after taking back the kit's "
            f"{net:+d}, not {probe.on_hand_before} as before; if your shop changed the stock "
            "meanwhile, check it"
        )
    return f"{probe.product_id!r} {-net:+d} with a new key: on hand {on_hand}, as before"


def _spec(check_id: str, title: str, docs: str) -> Spec:
    return Spec(check_id, SECTION, title, docs, Side.HUB)


CHECKS = [
    Check(
        _spec(
            "stock.applied_once",
            "A stock adjustment retried with its Idempotency-Key is applied once; pages see it",
            "docs/protocol.md#4-commands-and-idempotency",
        ),
        adjustment_applied_once,
    ),
    Check(
        _spec(
            "stock.key_reused",
            "An Idempotency-Key reused for a different change is refused",
            "docs/protocol.md#4-commands-and-idempotency",
        ),
        reused_key_refused,
    ),
    Check(
        _spec(
            "stock.taken_back",
            "The -1 with a new key puts the stock back",
            "docs/protocol.md#rest-the-same-operations-over-http",
        ),
        taken_back,
    ),
]
