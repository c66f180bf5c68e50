"""The store's pages: on a registered origin, loading the widget from this hub and marking their
product (docs/storefront.md sections 1 to 3)."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

from shared_protocol.store_api import ProductView

from .kit import USER_AGENT, Check, Kit
from .outcomes import Failed, Skipped
from .report import Spec

SECTION = "Pages"
WIDGET_PATH = "/static/cartstart.js"
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """`scheme://host[:port]` as browsers send it in `Origin`: lower case, default port left
    out."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6
    port = parts.port
    return f"{scheme}://{host}" + (
        f":{port}" if port and port != _DEFAULT_PORTS.get(scheme) else ""
    )


def _with_pages(kit: Kit) -> list[ProductView]:
    return [p for p in kit.need_products() if p.page_url]


async def page_urls_on_origins(kit: Kit) -> str:
    registered = {origin_of(o) for o in kit.need_info().settings.origins}
    pages = _with_pages(kit)
    if not pages:
        return "no product names its page (page_url): nothing to check"
    stray = [p for p in pages if origin_of(p.page_url or "") not in registered]
    if stray:
        shown = ", ".join(f"{p.id!r} at {p.page_url}" for p in stray[:3])
        more = f" and {len(stray) - 3} more" if len(stray) > 3 else ""
        raise Failed(
            f"pages not on a registered origin: {shown}{more}; the hub refuses their "
            f"add-to-cart. Register {origin_of(stray[0].page_url or '')} (PATCH "
            f"{kit.path}/settings origins) or correct the page_url"
        )
    return f"{len(pages)} product pages, all on registered origins"


class _PageScan(HTMLParser):
    """The widget's script tags and the elements marked as products."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[str, str]] = []  # (src, type)
        self.marked: list[tuple[str, str]] = []  # (store id, product id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.scripts.append((a["src"], a.get("type", "")))
        if "data-cartstart-product" in a:
            self.marked.append((a.get("data-cartstart-store", ""), a["data-cartstart-product"]))
        if tag == "cartstart-product":
            self.marked.append((a.get("store", ""), a.get("product", "")))


async def page_loads_the_widget(kit: Kit) -> str:
    kit.need_products()
    if not kit.options.check_pages:
        raise Skipped("give --check-pages to fetch a product page")
    pages = [p for p in _with_pages(kit) if p.active] or _with_pages(kit)
    if not pages:
        raise Skipped("no product names its page (page_url)")
    product, url = pages[0], pages[0].page_url or ""
    try:
        async with httpx.AsyncClient(
            timeout=kit.options.http_timeout,
            follow_redirects=True,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html"},
        ) as web:
            answer = await web.get(url)
    except httpx.HTTPError as exc:
        raise Failed(f"could not fetch {url}: {type(exc).__name__}: {exc}") from None
    if answer.status_code != 200 or "html" not in answer.headers.get("content-type", ""):
        raise Failed(
            f"{url} answered HTTP {answer.status_code} ({answer.headers.get('content-type')}), "
            "not an HTML page"
        )
    scan = _PageScan()
    scan.feed(answer.text)
    widgets = [(urljoin(str(answer.url), src), kind) for src, kind in scan.scripts]
    widgets = [(src, kind) for src, kind in widgets if urlsplit(src).path.endswith(WIDGET_PATH)]
    if not widgets:
        raise Failed(
            f'{url} does not load the widget: add <script type="module" '
            f'src="{kit.discovery.http_url}{WIDGET_PATH}"></script>'
        )
    src, kind = widgets[0]
    if kind.lower() != "module":
        raise Failed(
            f'{url} loads the widget without type="module": browsers refuse it as a classic '
            "script (it is an ES module), so no product shows its availability"
        )
    hubs = {origin_of(kit.hub_url), origin_of(kit.discovery.http_url)}
    if origin_of(src) not in hubs:
        raise Failed(
            f"{url} loads the widget from {origin_of(src)}, so the page talks to the hub there, "
            f"not to this one ({kit.discovery.http_url})"
        )
    store_id = kit.need_info().id
    ours = sorted({pid for sid, pid in scan.marked if sid == store_id})
    if product.id not in ours:
        found = f"it marks {', '.join(map(repr, ours))}" if ours else "it marks no product"
        raise Failed(
            f"{url} is {product.id!r}'s page, but {found} of store {store_id}: add "
            f'data-cartstart-store="{store_id}" data-cartstart-product="{product.id}" to the '
            "product's element"
        )
    return f"{url} loads the widget and marks {product.id!r}"


CHECKS = [
    Check(
        Spec(
            "pages.origins",
            SECTION,
            "Product pages are on registered origins",
            "docs/protocol.md#origins",
        ),
        page_urls_on_origins,
    ),
    Check(
        Spec(
            "pages.widget",
            SECTION,
            "A product page loads the widget and marks its product",
            "docs/storefront.md#2-add-the-widget-once-per-page",
        ),
        page_loads_the_widget,
    ),
]
