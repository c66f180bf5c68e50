"""The Jinja2 templates: escaped values, the widget's words, and the script tag."""

from __future__ import annotations

import gzip
import json
import re

from storefront_templates import DEFAULT_TEXTS, STATIC_DIR, Product, Storefront

# The widget's words, in its source (the served bundle is minified; a test below checks it).
WIDGET = (STATIC_DIR.parent / "src" / "widget" / "texts.js").read_text(encoding="utf-8")


def test_templates_start_with_the_widgets_own_words() -> None:
    for key, value in DEFAULT_TEXTS.items():
        assert re.search(rf'^\s+{key}: "{re.escape(value)}",$', WIDGET, re.MULTILINE), key


def test_values_are_escaped_and_texts_can_be_translated() -> None:
    shop = Storefront(
        "https://hub.example/", "st1", texts={"add": "In den Warenkorb", "sold": "</script>x"}
    )
    card = shop.product_card(
        Product(id="mug", name="<b>Mug</b> & co", price=1999, currency="EUR", url="/p/mug?a=1&b=2")
    )
    assert "&lt;b&gt;Mug&lt;/b&gt; &amp; co" in card and "<b>" not in card
    assert 'href="/p/mug?a=1&amp;b=2"' in card
    assert "€19.99" in card and ">In den Warenkorb</button>" in card
    assert 'data-cartstart-store="st1" data-cartstart-product="mug"' in card
    head = shop.widget()
    assert '<script type="module" src="https://hub.example/static/cartstart.js"></script>' in head
    # The custom words travel as JSON the HTML parser cannot end early.
    payload = head.split('id="cartstart-text">', 1)[1].rsplit("</script>", 1)[0]
    assert "</script>" not in payload
    assert json.loads(payload) == {"add": "In den Warenkorb", "sold": "</script>x"}


def test_the_catalogue_is_cards_in_order() -> None:
    shop = Storefront("https://hub.example", "st1")
    products = [
        Product(id=f"p{n}", name=f"Product {n}", price=100 * n, currency="JPY", url=f"/p{n}")
        for n in range(1, 4)
    ]
    html = shop.catalogue(products)
    assert re.findall(r'data-cartstart-product="(p\d)"', html) == ["p1", "p2", "p3"]
    assert "¥300" in html


# ---- the served bundles (built from storefront_templates/src/ by `make js`) ------------------

BUNDLE = (STATIC_DIR / "cartstart.js").read_bytes()
WIDGET_BUDGET = 20 * 1024  # gzipped; a popular chat widget ships 170 KiB (docs/benchmarks.md)


def test_the_widget_stays_small_gzipped() -> None:
    # gzip's default level, as `gzip -c` and most servers compress.
    assert len(gzip.compress(BUNDLE, compresslevel=6)) < WIDGET_BUDGET


def test_the_bundles_are_one_file_each_with_the_widgets_words() -> None:
    for name in ("cartstart.js", "connect.js", "console.js", "talk.js", "personalise.js"):
        # esbuild's charset=ascii (a regular expression's "…" stays as it is: talk.js has one)
        code = (STATIC_DIR / name).read_text(encoding="ascii" if name != "talk.js" else "utf-8")
        if name == "cartstart.js":
            # The two exceptions, by design: the talk panel (static/talk.js) and the
            # personalise dialog (static/personalise.js), files of their own, are imported on
            # first use, so pages that never talk or personalise never download them.
            assert len(re.findall(r"\bimport\(", code)) == 2
            assert '"static/talk.js"' in code and '"static/personalise.js"' in code
            code = code.replace("import(", "load(")
        # No module left to fetch: stores embed ONE file. The source map is not linked (the
        # served file does not grow for it), but ships beside it.
        assert not re.search(r"""\bimport\s*[\s("'{*]|\bfrom\s*["']""", code), name
        assert "sourceMappingURL" not in code
        assert json.loads((STATIC_DIR / f"{name}.map").read_text(encoding="utf-8"))["sources"]
    text = BUNDLE.decode("ascii")
    for value in DEFAULT_TEXTS.values():
        assert json.dumps(value) in text  # "Checking availability\u2026", as esbuild escapes it


def test_the_connect_button_starts_hidden_with_the_shops_words() -> None:
    button = Storefront(
        "https://hub.example", "st1", texts={"connect": "Verbinden"}
    ).connect_button()
    assert button == (
        '<button type="button" class="cartstart-connect" data-cartstart-store="st1" hidden>'
        "Verbinden</button>"
    )
    assert (
        ">Connect to my cart</button>" in Storefront("https://hub.example", "st1").connect_button()
    )
