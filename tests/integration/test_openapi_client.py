"""A client generated from /openapi.json alone (openapi-python-client) understands the hub's
errors: every error status is described with the body the hub really sends."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from cartstart_server.server import HubServer
from tests.helpers.hubs import seed_store

pytestmark = pytest.mark.backends("sqlite")  # about the description, not the storage


def generate(spec: dict[str, Any], where: Path) -> ModuleType:
    (where / "openapi.json").write_text(json.dumps(spec))
    generator = Path(sys.executable).parent / "openapi-python-client"
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(
        [str(generator), "generate", "--path", str(where / "openapi.json"),
         "--output-path", str(where / "hubclient"), "--meta", "none"],
        check=True, capture_output=True, env=env, timeout=120,
    )  # fmt: skip
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module("hubclient")
    finally:
        sys.path.remove(str(where))


async def test_a_generated_client_parses_401_404_and_409(
    server: HubServer, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    spec = (await http.get("/openapi.json")).json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if path.startswith("/api/stores/"):
                for described in ("401", "403", "404", "409", "422"):
                    schema = operation["responses"][described]["content"]["application/json"]
                    assert schema["schema"]["$ref"].endswith("/ErrorResponse"), (path, method)
    assert "HTTPValidationError" not in spec["components"]["schemas"]

    client = generate(spec, tmp_path)
    stock = importlib.import_module(
        "hubclient.api.store.set_stock_api_stores_store_id_products_product_id_stock_put"
    )
    adjust = importlib.import_module(
        "hubclient.api.store.adjust_stock_api_stores_store_id_products_product_id_stock_adjustments_post"
    )
    models = importlib.import_module("hubclient.models")
    store_id, key = await seed_store(server.hub, "Shop", {"mug": 1})

    async with (
        client.AuthenticatedClient(base_url=server.http_url, token=key + "x") as wrong_key,
        client.AuthenticatedClient(base_url=server.http_url, token=key) as right_key,
    ):
        wrong = await stock.asyncio_detailed(
            store_id, "mug", client=wrong_key, body=models.OnHand(on_hand=3)
        )
        missing = await stock.asyncio_detailed(
            store_id, "nope", client=right_key, body=models.OnHand(on_hand=3)
        )
        below = await adjust.asyncio_detailed(
            store_id, "mug", client=right_key, body=models.Delta(delta=-5),
            idempotency_key="openapi-0001",
        )  # fmt: skip
        fine = await stock.asyncio_detailed(
            store_id, "mug", client=right_key, body=models.OnHand(on_hand=3)
        )
    for answer, status, code in [
        (wrong, 401, "unauthorized"),
        (missing, 404, "not_found"),
        (below, 409, "conflict"),
    ]:
        assert answer.status_code == status
        assert isinstance(answer.parsed, models.ErrorResponse), answer.parsed
        assert answer.parsed.error.code == models.ErrorCode(code)
        assert answer.parsed.error.message
    assert below.parsed.error.details["on_hand"] == 1
    assert isinstance(fine.parsed, models.StockChange) and fine.parsed.stock.on_hand == 3
