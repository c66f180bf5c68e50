"""The Marketplace tab's pure core: queries built from what the shopper does, the hub's answers
read, solution links parsed, and the desktop's language chosen and spoken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from cartstart_desktop.core.api import HubError, HubUnreachable
from cartstart_desktop.core.lang import _, choose, day, day_and_time, system_language
from cartstart_desktop.core.market import (
    Query,
    chosen_node,
    node_path,
    read_page,
    read_tree,
    summary,
)
from cartstart_desktop.core.market_desk import Held, words_for
from cartstart_desktop.core.market_solution import BadLink, parse_link, read_solution, tally


@pytest.fixture
def serbian() -> Iterator[None]:
    _.use("sr")
    yield
    _.use("en")


def money(amount: int, currency: str, text: str, **extra: Any) -> dict[str, Any]:
    return {"amount": amount, "currency": currency, "text": text, **extra}


PAGE = {
    "query": "cable",
    "total": 41,
    "page": 2,
    "pages": 3,
    "currency": {"code": "RSD", "base": "EUR", "rates_date": "2026-11-30"},
    "results": [
        {
            "store_id": "s1",
            "store_name": "Volt <b>Shop</b>",
            "product_id": "p1",
            "name": "Cable 3x1.5",
            "code": "157B2210",
            "tags": ["cable"],
            "price": money(1000, "EUR", "€10.00"),
            "shown": money(117170, "RSD", "1.171,70 RSD", approximate=True),
            "image_url": None,
            "page_url": "https://volt.example/p1",
            "in_stock": True,
            "path": [
                {"id": "electrical", "name": "Electrical"},
                {"id": "wiring", "name": "Wiring"},
            ],
        }
    ],
    "facets": {
        "store": [{"id": "s1", "name": "Volt", "count": 41}],
        "price": [{"id": "0-5000", "name": "€0 – €50", "count": 40}],
        "in_stock": [{"id": "1", "name": "In stock", "count": 30}],
    },
}

TREE = {
    "nodes": [
        {
            "id": "electrical",
            "name": "Electrical",
            "level": "industry",
            "count": 12,
            "children": [
                {"id": "wiring", "name": "Wiring", "level": "area", "count": 7, "children": []}
            ],
        }
    ]
}


def test_every_change_but_a_page_turn_goes_back_to_the_first_page() -> None:
    query = Query().with_text("  cable   3x1.5 ").with_page(3)
    assert query.text == "cable 3x1.5" and query.page == 3
    assert query.with_filter("store", "s1").page == 1
    assert query.with_currency("RSD").page == 1
    assert query.with_text("lamp").page == 1
    assert query.with_page(0).page == 1


def test_filters_are_set_cleared_and_sent() -> None:
    query = Query(currency="RSD").with_text("cable").with_filter("store", "s1")
    query = query.with_filter("in_stock", "1").with_filter("store", "")
    assert query.filters == (("in_stock", "1"),)
    assert query.params("sr") == {
        "q": "cable",
        "lang": "sr",
        "page": "1",
        "currency": "RSD",
        "in_stock": "1",
    }
    assert "currency" not in Query().with_text("x").params("en")
    assert Query().with_text("x").with_filter("store", "s1").without_filters().filters == ()


def test_a_tree_node_sets_its_levels_and_clears_the_deeper_ones() -> None:
    query = Query().with_node(["electrical", "wiring", "cables", "copper"])
    assert query.filter("subcategory") == "copper"
    query = query.with_filter("store", "s1").with_node(["electrical", "lighting"])
    assert dict(query.filters) == {"industry": "electrical", "area": "lighting", "store": "s1"}
    assert query.ready and not Query().ready
    tree = read_tree(TREE)
    assert chosen_node(tree, query) == "lighting"
    assert [n.id for n in node_path(tree, "wiring")] == ["electrical", "wiring"]
    assert node_path(tree, "nowhere") == []
    assert query.with_node([]).filters == (("store", "s1"),)


def test_words_that_cannot_be_searched_are_said_before_asking() -> None:
    assert Query().with_text("cable").problem() == ""
    assert "letter or digit" in Query().with_text("*** ///").problem()
    assert "200" in Query().with_text("x" * 201).problem()


def test_a_page_is_read_with_the_approximate_marker_and_facets() -> None:
    page = read_page(PAGE)
    (result,) = page.results
    assert result.key == ("s1", "p1")
    assert result.shown_text == "≈ 1.171,70 RSD" and result.price == "€10.00"
    assert result.path == ("Electrical", "Wiring") and result.image_url == ""
    assert [f.name for f in page.facets["price"]] == ["€0 – €50"]
    assert page.facets["industry"] == ()
    assert summary(page) == (
        "41 products found · page 2 of 3 · prices in RSD are approximate (rates of 2026-11-30)"
    )
    same = read_page({**PAGE, "currency": {"code": "EUR", "base": "EUR", "rates_date": None}})
    assert summary(same) == "41 products found · page 2 of 3"
    assert summary(read_page({"total": 1, "page": 1, "pages": 1})) == "1 product found"


def test_the_tab_speaks_serbian(serbian: None) -> None:
    page = read_page({**PAGE, "total": 3})
    assert summary(page).startswith("3 proizvoda")
    assert summary(read_page({"total": 21, "page": 1, "pages": 1})) == "21 proizvod pronađen"
    assert "slovo" in words_for(HubError("bad_query", "x"))


def test_marketplace_errors_have_their_own_words() -> None:
    assert "exchange rate" in words_for(HubError("unknown_currency", "x"))
    assert "no longer in the tree" in words_for(HubError("unknown_category", "x"))
    assert "cannot be reached" in words_for(HubUnreachable("down"))
    assert words_for(HubError("rate_limited", "x")).startswith("Too many requests")


@pytest.mark.parametrize(
    "text",
    [
        "https://hub.example.org/market/#solution=sol0a1b.Zx_9-k",
        "  http://127.0.0.1:8740/market/#solution=sol0a1b.Zx_9-k  ",
        "sol0a1b.Zx_9-k",
        "https://hub.example.org/market/#solution%3Dsol0a1b.Zx_9-k",
    ],
)
def test_a_solution_link_gives_its_id_and_secret(text: str) -> None:
    link = parse_link(text)
    assert (link.id, link.secret) == ("sol0a1b", "Zx_9-k")


@pytest.mark.parametrize(
    "text",
    ["", "https://hub.example.org/market/", "solution=abc", "solution=a.b<script>", "a.b c"],
)
def test_what_is_not_a_solution_link_says_so(text: str) -> None:
    with pytest.raises(BadLink):
        parse_link(text)


def test_a_solution_is_read_and_its_outcomes_counted() -> None:
    solution = read_solution(
        {
            "id": "sol1",
            "name": "Kitchen",
            "lines": [
                {
                    "line_id": "l1",
                    "store_id": "s1",
                    "product_id": "p1",
                    "qty": 3,
                    "note": "white",
                    "options": {},
                    "store_name": "Volt",
                    "name": "Lamp",
                    "code": "L1",
                    "image_url": None,
                    "page_url": None,
                    "price": None,
                    "shown": None,
                    "available": False,
                }
            ],
        }
    )
    (line,) = solution.lines
    assert (line.qty, line.available, line.price, line.page_url) == (3, False, "", "")
    outcomes = {"a": Held(True, "held"), "b": Held(False, "no", "gone"), "c": Held(True, "ok")}
    assert tally(outcomes) == "2 lines held, 1 line not held"
    assert tally({"a": Held(True, "held")}) == "1 line held"


def test_the_language_follows_the_choice_then_the_system() -> None:
    assert system_language({"LANG": "sr_RS.UTF-8"}) == "sr"
    assert system_language({"LC_ALL": "sr_RS@latin", "LANG": "en_US.UTF-8"}) == "sr"
    assert system_language({"LANG": "de_DE.UTF-8"}) == "en"
    assert system_language({"LANG": "C.UTF-8"}) == "en"
    assert system_language({}) == "en"
    assert choose("en", {"LANG": "sr_RS.UTF-8"}) == "en"
    assert choose("", {"LANG": "sr_RS.UTF-8"}) == "sr"
    assert choose("xx", {"LANG": "en_GB.UTF-8"}) == "en"


def test_days_and_moments_follow_the_language(serbian: None) -> None:
    moment = dt.datetime(2026, 11, 30, 14, 5).timestamp()  # local time, as the cart shows it
    assert day_and_time(moment) == "30. nov 14:05"
    assert day(moment) == "30. nov 2026."
    _.use("en")
    assert day_and_time(moment) == "30 Nov 14:05"
    assert day(moment) == "30 Nov 2026"
