"""CartStart for Python stores: Jinja2 templates that render the markup the widget enhances.

    from storefront_templates import Product, Storefront

    shop = Storefront("https://hub.example.org", store_id="st0123...")
    html = shop.product_card(Product(id="mug", name="Mug", price=1800, currency="EUR",
                                     url="/products/mug"))
    head = shop.widget()  # the <script type="module"> tag, once per page

Jinja2 autoescapes every value, so product names and descriptions are always text. Use the
templates directly (`environment()`, "cartstart/product_card.html") to put them in your own
layouts; docs/storefront.md shows the markup for other stacks. Your backend's side of the hub
(catalogue, stock, orders, webhook checks) is `storefront_templates.store_api`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from shared_protocol.money import format_money

STATIC_DIR = Path(__file__).resolve().parent / "static"

# The texts the templates show before the widget runs; the widget (src/widget/texts.js) has the
# same defaults, and a test keeps them equal.
DEFAULT_TEXTS = {
    "checking": "Checking availability…",
    "add": "Add to cart",
    "connect": "Connect to my cart",
}


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    price: int  # minor units
    currency: str
    url: str
    description: str = ""
    image_url: str | None = None

    @property
    def price_text(self) -> str:
        return format_money(self.price, self.currency)


def environment() -> Environment:
    return Environment(
        loader=PackageLoader("storefront_templates", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


class Storefront:
    """One store's pages on one hub. `texts` overrides the widget's words (any language); the
    same mapping goes to the widget through `widget()`."""

    def __init__(self, hub_url: str, store_id: str, *, texts: dict[str, str] | None = None) -> None:
        self.hub_url = hub_url.rstrip("/")
        self.store_id = store_id
        self.custom_texts = dict(texts or {})
        self.texts = {**DEFAULT_TEXTS, **self.custom_texts}
        self.env = environment()

    def _render(self, name: str, **context: Any) -> Markup:
        template = self.env.get_template(f"cartstart/{name}")
        return Markup(template.render(store_id=self.store_id, texts=self.texts, **context))

    def widget(self) -> Markup:
        return self._render("widget.html", hub_url=self.hub_url, custom_texts=self.custom_texts)

    def connect_button(self) -> Markup:
        """ "Connect to my cart", for a page's header: shown by the widget while the page is not
        connected (a shopper can also just press Add to cart)."""
        return self._render("connect_button.html")

    def product_card(self, product: Product) -> Markup:
        return self._render("product_card.html", product=product)

    def product_page(self, product: Product) -> Markup:
        return self._render("product_page.html", product=product)

    def catalogue(self, products: list[Product]) -> Markup:
        return self._render("catalogue.html", products=products)
