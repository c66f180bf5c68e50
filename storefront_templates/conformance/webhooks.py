"""Webhooks, on the store's side: POSTs that are not the hub's own are refused, and a real order's
webhook is acknowledged (docs/protocol.md, "Webhooks"). The forged bodies are real order events,
so a store that parses before it checks still gets what it expects."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time

import httpx

from shared_protocol import webhooks
from shared_protocol.common import Money
from shared_protocol.orders import (
    Customer,
    OrderLine,
    OrderStatus,
    OrderStep,
    Payment,
    StoreOrderView,
)
from shared_protocol.store import OrderEvent
from shared_protocol.store_api import WebhookDelivery
from storefront_templates.store_api import StoreApiError

from .kit import USER_AGENT, Check, Kit
from .outcomes import Failed, Skipped
from .report import Spec

SECTION = "Webhooks (your server)"
DOCS = "docs/protocol.md#webhooks"
STALE = 600  # seconds: twice the 5 minutes a store may allow
POLL = 0.5


def sample_event(kit: Kit) -> str:
    """An order event as the hub would send it, for an order that does not exist (one of the
    store's products, when it has any)."""
    info = kit.need_info()
    products = kit.products or []
    price = products[0].price if products else Money(amount=1200, currency="EUR")
    product_id, name = (products[0].id, products[0].name) if products else ("sample", "Sample")
    now = time.time()
    order = StoreOrderView(
        order_id=f"conformance-forged-{secrets.token_hex(6)}",
        store_id=info.id,
        store_name=info.name,
        status=OrderStatus.PLACED,
        lines=[
            OrderLine(
                ticket_id=f"conformance-{secrets.token_hex(6)}",
                product_id=product_id,
                name=name,
                code="",
                qty=1,
                unit_price=price,
                line_total=price,
            )
        ],
        subtotal=price,
        total=price,
        payment=Payment(mode="on_collection"),
        timeline=[OrderStep(status=OrderStatus.PLACED, at=now)],
        created_at=now,
        updated_at=now,
        version=1,
        customer=Customer(
            cart_ref="conformance0", email="forged@cartstart.invalid", name="Not a real order"
        ),
    )
    return OrderEvent(seq=1, change="placed", order=order).model_dump_json()


def _webhook_url(kit: Kit) -> str:
    url = kit.need_info().settings.webhook_url
    if not url:
        raise Skipped("no webhook URL is set")
    return url


async def _post(kit: Kit, body: str, signature: str | None) -> httpx.Response:
    url = _webhook_url(kit)
    headers = {"Content-Type": "application/json", "CartStart-Event": "order"}
    if signature is not None:
        headers[webhooks.HEADER] = signature
    try:
        async with httpx.AsyncClient(
            timeout=kit.options.http_timeout, headers={"User-Agent": USER_AGENT}
        ) as web:
            return await web.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise Failed(
            f"could not reach your webhook at {url}: {type(exc).__name__}: {exc}"
        ) from None


def _refused(answer: httpx.Response, accepted: str, advice: str) -> str:
    if answer.is_success:
        raise Failed(f"your webhook accepted {accepted} (answered {answer.status_code}): {advice}")
    if answer.status_code >= 500:
        return f"refused with HTTP {answer.status_code} (a 4xx says why; a 5xx looks like a crash)"
    return f"refused with HTTP {answer.status_code}"


async def unsigned(kit: Kit) -> str:
    answer = await _post(kit, sample_event(kit), None)
    return _refused(
        answer,
        "a request with no CartStart-Signature",
        "anyone can POST to that URL; refuse what is not signed with your webhook secret",
    )


async def forged(kit: Kit) -> str:
    body = sample_event(kit)
    signature = webhooks.sign(f"whsec_{secrets.token_hex(16)}", int(time.time()), body)
    return _refused(
        await _post(kit, body, signature),
        "a request with a forged signature",
        "verify CartStart-Signature before believing the body",
    )


async def other_body(kit: Kit) -> str:
    secret = kit.options.webhook_secret
    signed, sent = sample_event(kit), sample_event(kit)
    signature = webhooks.sign(secret or f"whsec_{secrets.token_hex(16)}", int(time.time()), signed)
    result = _refused(
        await _post(kit, sent, signature),
        "a body with the signature of another body",
        "compute the HMAC over the raw body exactly as received, before parsing it",
    )
    if secret is None:
        return f"{result} (give --webhook-secret and that signature is made with your secret)"
    return f"{result}, though signed with your secret"


async def stale(kit: Kit) -> str:
    secret = kit.options.webhook_secret
    _webhook_url(kit)
    if not secret:
        raise Skipped("give --webhook-secret to sign a webhook from 10 minutes ago")
    body = sample_event(kit)
    signature = webhooks.sign(secret, int(time.time()) - STALE, body)
    return _refused(
        await _post(kit, body, signature),
        "a correctly signed request from 10 minutes ago",
        "refuse timestamps more than 5 minutes off, or anyone who saw one webhook can replay it",
    )


async def _delivery(
    kit: Kit, order_id: str
) -> tuple[WebhookDelivery | None, list[WebhookDelivery]]:
    """The order's `placed` webhook, and those before it not acknowledged yet."""
    latest = await kit.store.webhooks(limit=50)
    ours = next((w for w in latest if w.order_id == order_id and w.change == "placed"), None)
    waiting = [w for w in latest if ours and w.id < ours.id and w.delivered_at is None]
    return ours, waiting


def _why_not(
    ours: WebhookDelivery | None, before: list[WebhookDelivery], url: str, t: float
) -> str:
    if ours is None:
        return f"the hub queued no webhook for the kit's test order within {t:g} s"
    error = ours.last_error or ""
    tries = f"{ours.attempts} attempts" if ours.attempts != 1 else "1 attempt"
    if ours.attempts == 0 and before:
        first = before[-1]
        return (
            f"the hub has not sent it yet: an earlier webhook (order {first.order_id}, "
            f"{first.attempts} attempts, last error {first.last_error}) is still not "
            "acknowledged, and later webhooks wait behind it; fix that one first"
        )
    if ours.attempts == 0:
        return f"the hub did not try to deliver the test order's webhook within {t:g} s"
    if error.startswith("HTTP 4"):
        return (
            f"your webhook refused the hub's genuine, signed order webhook ({error}, {tries}): "
            "verify with the webhook_secret answered when the URL was last set (setting it "
            "again makes a new one), over the raw body"
        )
    if error.startswith("HTTP 3"):
        return f"your webhook answered a redirect ({error}); the hub does not follow them: set the final URL"
    if error.startswith("HTTP 5"):
        return f"your webhook failed with {error} on each of {tries} in {t:g} s"
    return f"the hub could not reach your webhook at {url} ({error}, {tries})"


async def _acknowledged(kit: Kit, order_id: str, url: str) -> WebhookDelivery:
    timeout = kit.options.webhook_timeout
    deadline = time.monotonic() + timeout
    while True:
        ours, before = await _delivery(kit, order_id)
        if ours is not None and ours.delivered_at is not None:
            return ours
        if time.monotonic() > deadline:
            raise Failed(_why_not(ours, before, url, timeout))
        await asyncio.sleep(POLL)


async def genuine_order(kit: Kit) -> str:
    url = _webhook_url(kit)
    product = await kit.for_sale()
    shopper = await kit.shopper()
    ticket = await shopper.reserve(kit.options.store_id, product.id)
    kit.touched.holds[ticket.ticket_id] = product.id
    order = await shopper.checkout(kit.options.store_id)
    del kit.touched.holds[ticket.ticket_id]
    kit.touched.orders[order.order_id] = OrderStatus.PLACED
    try:
        ours = await _acknowledged(kit, order.order_id, url)
    finally:
        with contextlib.suppress(StoreApiError):  # cleanup tries again, and reports
            await kit.reject_orders()
    if ours.attempts > 1:
        return (
            f"test order {order.order_id} acknowledged on attempt {ours.attempts}, after "
            f"{ours.last_error}: that passes (the hub retries), but answering 2xx at once "
            "gets you your orders sooner"
        )
    return f"test order {order.order_id} ({product.id!r}) acknowledged at once, then rejected"


def _spec(check_id: str, title: str) -> Spec:
    return Spec(check_id, SECTION, title, DOCS)


CHECKS = [
    Check(_spec("webhooks.unsigned", "An unsigned POST is refused"), unsigned),
    Check(_spec("webhooks.forged", "A forged signature is refused"), forged),
    Check(_spec("webhooks.other_body", "A signature made for another body is refused"), other_body),
    Check(_spec("webhooks.stale", "A signature 10 minutes old is refused"), stale),
    Check(_spec("webhooks.order", "A real order's webhook is acknowledged (2xx)"), genuine_order),
]
