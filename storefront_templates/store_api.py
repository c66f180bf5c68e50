"""The store API from Python: what a shop's backend asks of its hub, and its webhooks checked.

    from shared_protocol.common import Price
    from shared_protocol.store import ProductIn
    from storefront_templates.store_api import StoreClient, read_webhook

    async with StoreClient("https://hub.example.org", store_id, api_key) as hub:
        secret = await hub.set_webhook("https://shop.example/hooks/cartstart")
        await hub.upsert_products([ProductIn(id="mug", name="Mug", price=Price(amount=1800,
                                                                                currency="EUR"))])
        await hub.set_stock("mug", 12)
        await hub.adjust_stock("mug", -1, idempotency_key="till-0042")  # sold over the counter

    event = read_webhook(secret, request.headers, await request.body())  # in the webhook route

Request bodies are the protocol's own models (shared_protocol), so a bad value raises
`pydantic.ValidationError` before anything is sent. A refusal raises a `HubRefused` subclass
with the hub's code and readable message; no answer at all raises `HubUnreachable`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from shared_protocol.common import StoreTicketView
from shared_protocol.errors import ErrorCode
from shared_protocol.forms import FormDefinition, ProductForm
from shared_protocol.live import LiveSettings, LiveSettingsIn
from shared_protocol.orders import OrderStatus, StoreOrderView
from shared_protocol.store import (
    AdjustStock,
    ProductIn,
    SetStock,
    StockLevel,
    StoreSettings,
    StoreSnapshot,
    UpdateOrder,
    UpdateSettings,
)
from shared_protocol.store_api import ProductView, StoreInfo, WebhookDelivery

from .webhooks import WebhookRefused, read_webhook, verify_webhook

# The webhook check lives beside the client; shops import both from here.
__all__ = [
    "Conflict",
    "HubRefused",
    "HubUnreachable",
    "InvalidRequest",
    "NotFound",
    "RateLimited",
    "StoreApiError",
    "StoreClient",
    "Unauthorized",
    "WebhookRefused",
    "read_webhook",
    "verify_webhook",
]
T = TypeVar("T")


class StoreApiError(Exception):
    """Anything the client raises besides request validation."""


class HubUnreachable(StoreApiError):
    """No answer (hub down, network, timeout). Stock changes may be retried with the same
    idempotency key: the hub applies a key once."""


class HubRefused(StoreApiError):
    """The hub answered with an error. `message` is for people; `code` for programs."""

    def __init__(
        self, status: int, code: ErrorCode | str, message: str, details: dict[str, Any]
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


class InvalidRequest(HubRefused):
    """400, 413, 422: the hub did not accept the request as sent."""


class Unauthorized(HubRefused):
    """401, 403: the key is wrong or rotated, or it belongs to another store."""


class NotFound(HubRefused):
    """404: no such product or order in this store."""


class Conflict(HubRefused):
    """409: e.g. stock would go below zero, or an idempotency key reused for another change."""


class RateLimited(HubRefused):
    """429: slow down."""


_BY_STATUS: dict[int, type[HubRefused]] = {
    400: InvalidRequest,
    413: InvalidRequest,
    422: InvalidRequest,
    401: Unauthorized,
    403: Unauthorized,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def _refusal(response: httpx.Response) -> HubRefused:
    """The hub's `{"error": {"code", "message", "details"}}` as a typed exception."""
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error["message"])
        details = dict(error.get("details") or {})
    except (ValueError, KeyError, TypeError):
        code, message, details = "", f"HTTP {response.status_code} from the hub", {}
    kind = _BY_STATUS.get(response.status_code, HubRefused)
    return kind(response.status_code, _code(code), message, details)


def _code(code: str) -> ErrorCode | str:
    """Known codes as ErrorCode; a newer hub's codes stay strings."""
    try:
        return ErrorCode(code)
    except ValueError:
        return code


# ---- answers (the hub may add fields; they are ignored) ---------------------------------------


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class SettingsResult(StoreSettings):
    webhook_secret: str | None = None


class StockChange(_Answer):
    stock: StockLevel
    revoked: list[StoreTicketView]


class _Upserted(_Answer):
    upserted: int


def _seg(value: str) -> str:
    """An id as one URL path segment, whatever it holds."""
    return quote(value, safe="")


def _key(given: str | None) -> str:
    return given or "py-" + secrets.token_hex(12)


def _fields(model: BaseModel, *also: str) -> dict[str, Any]:
    """A command model as a REST body: its type and id (and `also`) go elsewhere, and a None
    means unchanged."""
    return model.model_dump(mode="json", exclude={"type", "id", *also}, exclude_none=True)


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _adapter(answer: Any) -> TypeAdapter[Any]:
    """One validator per answer type (building one costs more than a request)."""
    if answer not in _ADAPTERS:
        _ADAPTERS[answer] = TypeAdapter(answer)
    return _ADAPTERS[answer]


class StoreClient:
    """One store's side of the REST store API (docs/protocol.md, "REST"). Async, over httpx;
    use it as `async with`, or call `close()`."""

    def __init__(self, hub_url: str, store_id: str, api_key: str, *, timeout: float = 10.0) -> None:
        self.hub_url = hub_url.rstrip("/")
        self.store_id = store_id
        self._prefix = f"/api/stores/{_seg(store_id)}"
        self._http = httpx.AsyncClient(
            base_url=self.hub_url,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=timeout,
        )

    async def __aenter__(self) -> StoreClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(
        self,
        answer: type[T],
        method: str,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> T:
        headers = {"Idempotency-Key": key} if key else None
        try:
            response = await self._http.request(
                method, self._prefix + path, json=body, headers=headers, params=params
            )
        except httpx.TransportError as exc:
            raise HubUnreachable(f"the hub at {self.hub_url} did not answer: {exc}") from exc
        if not response.is_success:
            raise _refusal(response)
        if answer is type(None):  # 204: nothing to read
            return None
        try:
            result: T = _adapter(answer).validate_json(response.content)
        except ValidationError as exc:
            raise StoreApiError(f"the hub's answer to {method} {path} was not understood") from exc
        return result

    # ---- the store and its settings --------------------------------------------------------

    async def store(self) -> StoreInfo:
        return await self._call(StoreInfo, "GET", "")

    async def update_settings(
        self,
        *,
        origins: Sequence[str] | None = None,
        webhook_url: str | None = None,
        payment_url_template: str | None = None,
        default_ttl_seconds: float | None = None,
        renewal_limit: int | None = None,
        contact_email: str | None = None,
    ) -> SettingsResult:
        """Change only what is given. Setting `webhook_url` returns a new `webhook_secret`
        (only then: keep it); `""` turns webhooks off. `contact_email` is where the
        marketplace's requests for quotes and orders are emailed (never shown to buyers)."""
        command = UpdateSettings(
            id="settings",  # not sent: the model only checks the values
            origins=list(origins) if origins is not None else None,
            webhook_url=webhook_url,
            payment_url_template=payment_url_template,
            default_ttl_seconds=default_ttl_seconds,
            renewal_limit=renewal_limit,
            contact_email=contact_email,
        )
        return await self._call(SettingsResult, "PATCH", "/settings", _fields(command))

    async def live_page(self) -> LiveSettings:
        """The store's Direct Selling Page on the hub: on or off, its style, its address."""
        return await self._call(LiveSettings, "GET", "/live")

    async def set_live_page(self, settings: LiveSettingsIn) -> LiveSettings:
        """Sends only the fields given to LiveSettingsIn: the others keep their values."""
        body = settings.model_dump(mode="json", exclude_unset=True)
        return await self._call(LiveSettings, "PUT", "/live", body)

    async def set_webhook(self, url: str) -> str:
        """POST orders to `url`; returns the secret that signs them."""
        result = await self.update_settings(webhook_url=url)
        if not result.webhook_secret:
            raise StoreApiError("the hub returned no webhook secret")
        return result.webhook_secret

    # ---- catalogue and stock ---------------------------------------------------------------

    async def upsert_products(self, products: Sequence[ProductIn]) -> int:
        """Add or update these products (stock is separate); returns how many."""
        body = {"products": [p.model_dump(mode="json", exclude_none=True) for p in products]}
        return (await self._call(_Upserted, "POST", "/products", body)).upserted

    async def products(self) -> list[ProductView]:
        return await self._call(list[ProductView], "GET", "/products")

    async def product(self, product_id: str) -> ProductView:
        return await self._call(ProductView, "GET", f"/products/{_seg(product_id)}")

    async def set_stock(
        self, product_id: str, on_hand: int, *, idempotency_key: str | None = None
    ) -> StockChange:
        """The on-hand count is now `on_hand` (a stock take). Holds beyond it are revoked."""
        command = SetStock(id=_key(idempotency_key), product_id=product_id, on_hand=on_hand)
        return await self._call(
            StockChange,
            "PUT",
            f"/products/{_seg(product_id)}/stock",
            {"on_hand": command.on_hand},
            key=command.id,
        )

    async def adjust_stock(
        self, product_id: str, delta: int, *, idempotency_key: str | None = None
    ) -> StockChange:
        """On hand changes by `delta` (-1: sold over the counter). Give your own key (e.g. the
        sale's id) and a retry after `HubUnreachable` is applied once; without one, each call
        is a new change."""
        command = AdjustStock(id=_key(idempotency_key), product_id=product_id, delta=delta)
        return await self._call(
            StockChange,
            "POST",
            f"/products/{_seg(product_id)}/stock-adjustments",
            {"delta": command.delta},
            key=command.id,
        )

    # ---- tickets and orders ----------------------------------------------------------------

    async def tickets(self) -> StoreSnapshot:
        """The tickets held on this store's products, and the orders still open."""
        return await self._call(StoreSnapshot, "GET", "/tickets")

    async def orders(self, status: OrderStatus | None = None) -> list[StoreOrderView]:
        params = {"status": OrderStatus(status).value} if status else None
        return await self._call(list[StoreOrderView], "GET", "/orders", params=params)

    async def order(self, order_id: str) -> StoreOrderView:
        return await self._call(StoreOrderView, "GET", f"/orders/{_seg(order_id)}")

    async def set_order_status(
        self,
        order_id: str,
        status: OrderStatus,
        *,
        carrier: str | None = None,
        tracking_url: str | None = None,
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> StoreOrderView:
        """confirmed, dispatched (carrier, tracking_url), delivered; rejected or cancelled
        (with a reason the shopper reads)."""
        command = UpdateOrder(
            id=_key(idempotency_key),
            order_id=order_id,
            status=status,
            carrier=carrier,
            tracking_url=tracking_url,
            reason=reason,
        )
        return await self._call(
            StoreOrderView,
            "POST",
            f"/orders/{_seg(order_id)}/status",
            _fields(command, "order_id"),
            key=command.id,
        )

    # ---- personalised products (docs/personalise.md) -----------------------------------------

    async def set_form(self, product_id: str, form: FormDefinition) -> ProductForm:
        """Make `form` the product's customisation form (replacing any before): carted, it
        waits for the buyer to fill it in before checkout. A form the hub cannot take raises
        InvalidRequest with code `bad_form`, its message naming the field."""
        body = form.model_dump(mode="json", exclude_none=True)
        return await self._call(ProductForm, "PUT", f"/products/{_seg(product_id)}/form", body)

    async def form(self, product_id: str) -> ProductForm:
        """The product's form as the hub keeps it (defaults filled in); NotFound: none."""
        return await self._call(ProductForm, "GET", f"/products/{_seg(product_id)}/form")

    async def delete_form(self, product_id: str) -> None:
        """The product is no longer personalised (buyers keep their drafts)."""
        await self._call(type(None), "DELETE", f"/products/{_seg(product_id)}/form")

    async def webhooks(self, limit: int = 50) -> list[WebhookDelivery]:
        """The latest order webhooks to this store, newest first, and how each went:
        `delivered_at` once answered 2xx; otherwise `attempts`, `next_try_at`, `last_error`."""
        return await self._call(
            list[WebhookDelivery], "GET", "/webhooks", params={"limit": str(limit)}
        )
