"""The PHP store example (storefront_templates/examples/php/), written from the docs alone, against
a real hub run as an admin runs it (`cartstart-server serve`, the store added with its CLI): its
register.php puts the catalogue and stock on the hub, PHP's built-in server serves its pages with
the widget, and a shopper's real order reaches it by signed webhook. Forged webhooks are refused.
Nothing is mocked: `php` is Debian's php-cli, which `make pytest` installs when missing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import shutil
import stat
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import async_playwright, expect

from storefront_templates.conformance import Options, Status, run_kit
from storefront_templates.store_api import verify_webhook
from tests.helpers.process import HubProcess, add_store
from tests.helpers.waiting import eventually, free_port
from tests.storefront.conftest import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PHP_DIR = REPO / "storefront_templates" / "examples" / "php"
PROTOCOL_MD = REPO / "docs" / "protocol.md"
STAFF_PASSWORD = "staff-only-pw"
CATALOGUE = {"tide-vase": 1, "harbour-mug": 8, "cruet-set": 5}
TRICKY_NAME = 'Salt & pepper "Twins" <set of 2>'


@dataclass
class Run:
    code: int
    out: str
    err: str


@dataclass
class PhpShop:
    hub: HubProcess
    store_id: str
    key: str
    url: str
    data_dir: Path
    env: dict[str, str]

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def staff(self) -> httpx.BasicAuth:
        return httpx.BasicAuth("staff", STAFF_PASSWORD)

    def secret(self) -> str:
        return (self.data_dir / "webhook-secret").read_text().strip()

    def recorded(self) -> dict[str, Any]:
        path = self.data_dir / "orders.json"
        if not path.exists():
            return {"orders": {}, "events": []}
        book: dict[str, Any] = json.loads(path.read_text())
        return book

    async def php(self, script: str, *args: str, **env: str) -> Run:
        """Runs one of the shop's CLI scripts with the shop's environment (plus `env`)."""
        proc = await asyncio.create_subprocess_exec(
            php(),
            script,
            *args,
            cwd=PHP_DIR,
            env={**self.env, **env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode is not None
        return Run(proc.returncode, out.decode(), err.decode())


def php() -> str:
    found = shutil.which("php")
    if found is None:  # `make pytest` installs php-cli; never skip silently
        pytest.fail("php is missing: run ./scripts/system-deps.sh php-cli")
    return found


@pytest.fixture
async def hub(tmp_path: Path) -> AsyncIterator[HubProcess]:
    process = await HubProcess(tmp_path).start()
    try:
        yield process
    finally:
        assert await process.stop() == 0


@pytest.fixture
async def shop(hub: HubProcess, tmp_path: Path) -> AsyncIterator[PhpShop]:
    """The PHP shop's environment and `php -S` serving it; register.php is left to each test."""
    store_id, key = add_store(tmp_path, "Pembroke Pottery")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "shop-data"  # outside the web root: router.php serves no files
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "CARTSTART_HUB_URL": hub.http_url,
        "CARTSTART_STORE_ID": store_id,
        "CARTSTART_STORE_KEY": key,
        "SHOP_URL": url,
        "SHOP_DATA_DIR": str(data_dir),
        "SHOP_STAFF_PASSWORD": STAFF_PASSWORD,
    }
    # The web server never gets the store's API key: the pages and the webhook do not need it.
    web_env = {k: v for k, v in env.items() if k != "CARTSTART_STORE_KEY"}
    log = (tmp_path / "php-server.log").open("wb")
    server = await asyncio.create_subprocess_exec(
        php(),
        "-S",
        f"127.0.0.1:{port}",
        "router.php",
        cwd=PHP_DIR,
        env=web_env,
        stdout=log,
        stderr=log,
    )
    try:
        async with httpx.AsyncClient(base_url=url, timeout=5) as http:

            async def answers() -> bool:
                try:
                    return (await http.get("/")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(answers, within=15, what="php -S answers")
        yield PhpShop(hub, store_id, key, url, data_dir, env)
    finally:
        server.terminate()
        await asyncio.wait_for(server.wait(), 10)
        log.close()


async def register(shop: PhpShop, *args: str) -> Run:
    run = await shop.php("register.php", *args)
    assert run.code == 0, run.out + run.err
    return run


async def test_register_puts_the_catalogue_and_stock_on_the_hub_and_keeps_the_secret_private(
    shop: PhpShop,
) -> None:
    run = await register(shop)
    assert "3 upserted" in run.out
    async with httpx.AsyncClient(base_url=shop.hub.http_url, headers=shop.auth()) as http:
        base = f"/api/stores/{shop.store_id}"
        products = {p["id"]: p for p in (await http.get(f"{base}/products")).json()}
        assert {pid: p["stock"]["on_hand"] for pid, p in products.items()} == CATALOGUE
        assert products["cruet-set"]["name"] == TRICKY_NAME
        assert products["tide-vase"]["price"] == {"amount": 14500, "currency": "GBP"}
        assert products["tide-vase"]["page_url"] == f"{shop.url}/products/tide-vase"
        settings = (await http.get(base)).json()["settings"]
        assert settings["origins"] == [shop.url]
        assert settings["webhook_url"] == f"{shop.url}/hooks/cartstart"

        # The secret is kept where only this user can read it, and nowhere in the example.
        secret_file = shop.data_dir / "webhook-secret"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert stat.S_IMODE(shop.data_dir.stat().st_mode) == 0o700
        secret = shop.secret()
        assert secret.startswith("whsec_")
        assert not any(
            secret in p.read_text(errors="replace") for p in PHP_DIR.rglob("*") if p.is_file()
        )

        # Running it again changes nothing the shop relies on: the same secret stays valid.
        again = await register(shop, "--no-stock")
        assert "unchanged" in again.out and shop.secret() == secret
        # A sale at the till: a stock adjustment, which needs its Idempotency-Key.
        sale = await shop.php("sell.php", "harbour-mug", "2")
        assert sale.code == 0 and "on hand 6" in sale.out, sale.out + sale.err
        mug = (await http.get(f"{base}/products/harbour-mug")).json()
        assert mug["stock"]["on_hand"] == 6
        # The last vase cannot be sold twice: the hub's conflict comes back in its own words.
        refused = await shop.php("sell.php", "tide-vase", "2")
        assert refused.code == 1
        assert "409 conflict: on hand would go below zero (it is 1)" in refused.err
        # A new secret only when asked for.
        await register(shop, "--new-secret", "--no-stock")
        assert shop.secret() != secret


async def test_register_says_what_the_hub_refused(shop: PhpShop) -> None:
    wrong_key = await shop.php("register.php", CARTSTART_STORE_KEY=shop.key + "x")
    assert wrong_key.code == 1
    assert "HTTP 401 unauthorized: not a valid store API key" in wrong_key.err
    assert "CARTSTART_STORE_KEY" in wrong_key.err
    # The hub's validation problems are listed one per line.
    bad_origin = await shop.php("register.php", SHOP_EXTRA_ORIGINS="https://shop.example/path")
    assert bad_origin.code == 1
    assert "HTTP 422 invalid_message" in bad_origin.err
    assert "  - body.origins.1: " in bad_origin.err
    missing = await shop.php("register.php", CARTSTART_STORE_KEY="")
    assert missing.code == 1 and "set CARTSTART_STORE_KEY" in missing.err
    down = await shop.php("register.php", CARTSTART_HUB_URL=f"http://127.0.0.1:{free_port()}")
    assert down.code == 1 and "no answer from the hub" in down.err
    # Nothing was half done: no secret kept, nothing on the hub.
    assert not (shop.data_dir / "webhook-secret").exists()
    async with httpx.AsyncClient(base_url=shop.hub.http_url, headers=shop.auth()) as http:
        assert (await http.get(f"/api/stores/{shop.store_id}/products")).json() == []


class Marked(HTMLParser):
    """The widget's script tags and the elements marked as products, from a page's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.products: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        if "data-cartstart-product" in a:
            self.products.append(
                (a["data-cartstart-store"] or "", a["data-cartstart-product"] or "")
            )
        if tag == "cartstart-product":
            self.products.append((a["store"] or "", a["product"] or ""))


def marked(html: str) -> Marked:
    parser = Marked()
    parser.feed(html)
    return parser


async def test_the_pages_load_the_widget_and_mark_the_products_escaped(shop: PhpShop) -> None:
    await register(shop)
    widget = {"type": "module", "src": f"{shop.hub.http_url}/static/cartstart.js"}
    async with httpx.AsyncClient(base_url=shop.url) as http:
        home = await http.get("/")
        assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
        page = marked(home.text)
        assert page.scripts == [widget]
        assert sorted(page.products) == sorted((shop.store_id, pid) for pid in CATALOGUE)
        for pid in CATALOGUE:
            product = await http.get(f"/products/{pid}")
            assert product.status_code == 200
            one = marked(product.text)
            assert one.scripts == [widget] and one.products == [(shop.store_id, pid)]
        tricky = (await http.get("/products/cruet-set")).text
        assert "Salt &amp; pepper &quot;Twins&quot; &lt;set of 2&gt;" in tricky
        assert "<set of 2>" not in tricky and "<b>not bold</b>" not in tricky
        assert (await http.get("/products/teapot")).status_code == 404
        # Only the routes answer: the scripts and the catalogue are never served as files.
        for path in ("/router.php", "/catalogue.php", "/register.php", "/lib/config.php"):
            assert (await http.get(path)).status_code == 404, path
    async with httpx.AsyncClient() as http:
        assert (await http.get(widget["src"])).status_code == 200  # the hub serves it

    # In a real browser the widget shows the live counts: the shop's origin is registered.
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            visitor = await browser.new_page()
            await visitor.goto(shop.url + "/")

            def availability(pid: str) -> Any:
                return visitor.locator(f'[data-cartstart-product="{pid}"] .cartstart-availability')

            await expect(availability("tide-vase")).to_have_text("Only 1 left", timeout=10_000)
            await expect(availability("harbour-mug")).to_have_text("8 available")
            await visitor.goto(shop.url + "/products/tide-vase")
            vase = visitor.locator("cartstart-product")
            await expect(vase.locator(".cartstart-availability")).to_have_text("Only 1 left")
            await expect(vase).to_have_attribute("data-cartstart-state", "last")
        finally:
            await browser.close()


async def shopper_buys(
    http: httpx.AsyncClient, store_id: str, picks: dict[str, int], email: str
) -> dict[str, Any]:
    """A shopper's account, session, holds and checkout, through the hub's public API."""
    who = {"email": email, "password": "correct horse battery", "display_name": "Ann <Tester>"}
    assert (await http.post("/api/accounts", json=who)).status_code == 201
    login = {"email": email, "password": who["password"]}
    token = (await http.post("/api/sessions", json=login)).json()["token"]
    auth = {"Authorization": f"Bearer {token}"}
    tag = email.split("@")[0]  # command ids: A-Z a-z 0-9 _ . : - only
    for n, (product, qty) in enumerate(picks.items()):
        r = await http.post(
            "/api/cart/commands",
            json={
                "type": "reserve",
                "id": f"reserve-{n:04d}-{tag}",
                "store_id": store_id,
                "product_id": product,
                "qty": qty,
            },
            headers=auth,
        )
        assert r.status_code == 200, r.text
    r = await http.post(
        "/api/cart/commands", json={"type": "checkout", "id": f"checkout-{tag}-0001"}, headers=auth
    )
    assert r.status_code == 200, r.text
    (order,) = r.json()["orders"]
    result: dict[str, Any] = order
    return result


async def deliveries(http: httpx.AsyncClient, shop: PhpShop) -> list[dict[str, Any]]:
    r = await http.get(f"/api/stores/{shop.store_id}/webhooks", headers=shop.auth())
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()
    return found


async def test_a_real_order_reaches_the_php_store_by_signed_webhook(shop: PhpShop) -> None:
    await register(shop)
    async with (
        httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as hub,
        httpx.AsyncClient(base_url=shop.url) as site,
    ):
        order = await shopper_buys(
            hub, shop.store_id, {"tide-vase": 1, "harbour-mug": 2}, "ann@example.org"
        )
        oid = order["order_id"]

        async def acknowledged(n: int) -> bool:
            done = [d for d in await deliveries(hub, shop) if d["delivered_at"]]
            return len(done) >= n

        await eventually(lambda: acknowledged(1), what="the PHP store acknowledges the webhook")
        (placed,) = await deliveries(hub, shop)
        assert (placed["order_id"], placed["change"], placed["attempts"]) == (oid, "placed", 1)
        assert placed["last_error"] is None
        book = shop.recorded()
        kept = book["orders"][oid]
        assert kept["status"] == "placed" and kept["customer"]["email"] == "ann@example.org"
        assert [(x["product_id"], x["qty"]) for x in kept["lines"]] == [
            ("tide-vase", 1),
            ("harbour-mug", 2),
        ]
        assert kept["total"] == {"amount": 14500 + 2 * 2400, "currency": "GBP"}
        assert stat.S_IMODE((shop.data_dir / "orders.json").stat().st_mode) == 0o600

        # The orders page shows it to staff (escaped), and to nobody else.
        assert (await site.get("/orders")).status_code == 401
        page = await site.get("/orders", auth=shop.staff())
        assert page.status_code == 200
        assert oid in page.text and "Ann &lt;Tester&gt; &lt;ann@example.org&gt;" in page.text
        assert "2 × Harbour mug (harbour-mug)" in page.text and "£193.00" in page.text

        # The shop moves the order along: the next webhook brings the new status.
        r = await hub.post(
            f"/api/stores/{shop.store_id}/orders/{oid}/status",
            json={"status": "confirmed"},
            headers=shop.auth(),
        )
        assert r.status_code == 200, r.text
        await eventually(lambda: acknowledged(2), what="the status webhook is acknowledged")
        assert shop.recorded()["orders"][oid]["status"] == "confirmed"
        assert [e["change"] for e in shop.recorded()["events"]] == ["placed", "updated"]


def sign(secret: str, body: bytes, t: int) -> str:
    mac = hmac.new(secret.encode(), str(t).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


async def test_forged_tampered_and_old_webhooks_are_refused_and_not_recorded(
    shop: PhpShop,
) -> None:
    await register(shop)
    secret = shop.secret()
    now = int(time.time())
    event = {
        "type": "order",
        "seq": 7,
        "change": "placed",
        "order": {
            "order_id": "o-forged-0001",
            "store_id": shop.store_id,
            "store_name": "Pembroke Pottery",
            "status": "placed",
            "lines": [],
            "subtotal": {"amount": 1, "currency": "GBP"},
            "total": {"amount": 1, "currency": "GBP"},
            "payment": {"mode": "on_collection", "url": None},
            "timeline": [],
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "customer": {"cart_ref": "x", "email": "mallory@example.org", "name": "Mallory"},
        },
    }
    body = json.dumps(event).encode()
    tampered = body.replace(b'"amount": 1,', b'"amount": 100000,')
    assert tampered != body
    headers = {"Content-Type": "application/json", "CartStart-Event": "order"}
    forgeries = {
        "unsigned": (body, {}),
        "empty signature": (body, {"CartStart-Signature": ""}),
        "garbage": (body, {"CartStart-Signature": "nonsense"}),
        "no v1": (body, {"CartStart-Signature": f"t={now}"}),
        "another secret": (body, {"CartStart-Signature": sign("whsec_someone_else", body, now)}),
        "tampered body": (tampered, {"CartStart-Signature": sign(secret, body, now)}),
        "truncated": (body, {"CartStart-Signature": sign(secret, body, now)[:-1]}),
        "another time's signature": (
            body,
            {"CartStart-Signature": f"t={now}," + sign(secret, body, now - 1).split(",")[1]},
        ),
        "six minutes old": (body, {"CartStart-Signature": sign(secret, body, now - 360)}),
        "six minutes ahead": (body, {"CartStart-Signature": sign(secret, body, now + 360)}),
        "base64, not hex": (
            body,
            {
                "CartStart-Signature": f"t={now},v1="
                + base64.b64encode(
                    hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).digest()
                ).decode()
            },
        ),
    }
    async with httpx.AsyncClient(base_url=shop.url) as site:
        for name, (content, extra) in forgeries.items():
            r = await site.post("/hooks/cartstart", content=content, headers=headers | extra)
            assert 400 <= r.status_code < 500, (name, r.status_code, r.text)
        assert (await site.get("/hooks/cartstart")).status_code == 405
        assert shop.recorded() == {"orders": {}, "events": []}

        # The same event signed properly is taken: the refusals above were for what was wrong.
        genuine = {"CartStart-Signature": sign(secret, body, now - 10)}
        r = await site.post("/hooks/cartstart", content=body, headers=headers | genuine)
        assert r.status_code == 204, r.text
        # A retry of it (its 2xx got lost) is acknowledged and recorded once.
        genuine = {"CartStart-Signature": sign(secret, body, now)}
        r = await site.post("/hooks/cartstart", content=body, headers=headers | genuine)
        assert r.status_code == 204, r.text
        assert list(shop.recorded()["orders"]) == ["o-forged-0001"]
        assert len(shop.recorded()["events"]) == 1


async def test_a_webhook_the_store_cannot_verify_is_retried_until_it_can(shop: PhpShop) -> None:
    """The hub signs each attempt afresh with the current secret: a shop that lost its secret
    refuses (401, seen in the hub's delivery log), registers a new one, and gets the order."""
    await register(shop)
    (shop.data_dir / "webhook-secret").write_text("whsec_not_the_right_one\n")
    async with httpx.AsyncClient(base_url=shop.hub.http_url, timeout=10) as hub:
        order = await shopper_buys(hub, shop.store_id, {"harbour-mug": 1}, "bo@example.org")

        async def refused() -> bool:
            found = await deliveries(hub, shop)
            return bool(found) and found[0]["last_error"] == "HTTP 401"

        await eventually(refused, what="the hub sees the store refuse the signature")
        assert shop.recorded()["orders"] == {}
        await register(shop, "--new-secret", "--no-stock")

        async def delivered() -> bool:
            return bool((await deliveries(hub, shop))[0]["delivered_at"])

        await eventually(delivered, within=30, what="the retry, signed with the new secret")
        assert list(shop.recorded()["orders"]) == [order["order_id"]]


# docs/protocol.md, "Webhooks": the example signature that any language can test its code against.
DOC_SECRET = "whsec_docs-example-only-0123456789abcdef"
DOC_BODY = '{"type":"order","seq":1,"change":"placed","order":{"order_id":"o5e1c"}}'
DOC_T = 1795550100
DOC_V1 = "52e97a5fe9daf6ca1014199836f1559d21e4a37d005304dc5685259096730036"


async def test_the_documented_example_signature_holds_for_the_reference_and_for_php() -> None:
    protocol = PROTOCOL_MD.read_text()
    for text in (DOC_SECRET, DOC_BODY, f"t={DOC_T}", f"v1={DOC_V1}"):
        assert f"`{text}`" in protocol, text
    header = f"t={DOC_T},v1={DOC_V1}"
    # The hub's own check (the Python reference the docs name) agrees with the example...
    assert verify_webhook(DOC_SECRET, {"CartStart-Signature": header}, DOC_BODY, now=DOC_T + 299)
    assert not verify_webhook(
        DOC_SECRET, {"CartStart-Signature": header}, DOC_BODY, now=DOC_T + 301
    )
    # ...and so does the PHP store's.
    script = (
        "require 'lib/webhook.php';"
        "[$secret, $header, $body, $now] = array_slice($argv, 1);"
        "try { echo json_encode(verify_webhook($secret, $header, $body, (int) $now)); }"
        "catch (WebhookRefused $e) { echo 'refused: ', $e->getMessage(); }"
    )
    for now, expected in ((DOC_T - 299, '{"order_id":"o5e1c"}'), (DOC_T + 301, "refused: ")):
        proc = await asyncio.create_subprocess_exec(
            php(),
            "-r",
            script,
            "--",
            DOC_SECRET,
            header,
            DOC_BODY,
            str(now),
            cwd=PHP_DIR,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        assert expected in out.decode(), out


async def test_the_conformance_kit_passes_against_the_php_store(shop: PhpShop) -> None:
    """The store written from the docs alone meets everything the docs promise."""
    await register(shop)
    options = Options(
        shop.hub.http_url, shop.store_id, shop.key, webhook_secret=shop.secret(), check_pages=True
    )
    report = await run_kit(options)
    failed = {r.spec.id: r.detail for r in report.results if r.status is Status.FAIL}
    assert failed == {} and report.ok, failed
    assert report.count(Status.SKIP) == 0

    # The kit's test order reached the PHP store by webhook and was recorded, then rejected (the
    # rejection's webhook follows the kit's last check: it may still be on its way).
    def rejected() -> bool:
        return {o["status"] for o in shop.recorded()["orders"].values()} == {"rejected"}

    await eventually(rejected, what="the rejection's webhook at the PHP store")
