"""The shop's side of the store API (HTTP, with its key): what the demo shop asks of the hub."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from .catalogue import Catalogue


class HubRefused(Exception):
    """The hub answered with an error; `message` says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class StoreApi:
    def __init__(self, hub_url: str, store_id: str, api_key: str) -> None:
        self.store_id = store_id
        self._http = httpx.AsyncClient(
            base_url=f"{hub_url.rstrip('/')}/api/stores/{store_id}",
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=10,
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        response = await self._http.request(method, path, json=body, headers=headers)
        if response.status_code >= 400:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = f"HTTP {response.status_code}"
            raise HubRefused(response.status_code, message)
        return response.json() if response.content else None

    async def register(self, catalogue: Catalogue, origins: list[str], page_url: str) -> str:
        """Tell the hub our sites, where to POST orders, and our catalogue; returns the webhook
        signing secret. Stock is set only for products the hub did not know yet, so a restart
        does not undo sales made at the counter."""
        settings = await self._call(
            "PATCH",
            "/settings",
            {"origins": origins, "webhook_url": f"{page_url}/hooks/cartstart"},
        )
        known = {p["id"] for p in await self.products()}
        products = [
            {
                "id": item.id,
                "name": item.name,
                "code": item.code,
                "price": {"amount": item.price, "currency": catalogue.currency},
                "page_url": f"{page_url}/products/{item.id}",
                "tags": list(item.tags),
            }
            for item in catalogue.items
        ]
        await self._call("POST", "/products", {"products": products})
        for item in catalogue.items:
            if item.id not in known:
                await self._call("PUT", f"/products/{item.id}/stock", {"on_hand": item.stock})
        secret: str = settings["webhook_secret"]
        return secret

    async def products(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._call("GET", "/products")
        return result

    async def adjust(self, product_id: str, delta: int) -> dict[str, Any]:
        """A sale over the counter (-1) or a restock (+1): one stock for shop and web."""
        result: dict[str, Any] = await self._call(
            "POST",
            f"/products/{product_id}/stock-adjustments",
            {"delta": delta},
            **{"Idempotency-Key": "counter-" + secrets.token_hex(8)},
        )
        return result
