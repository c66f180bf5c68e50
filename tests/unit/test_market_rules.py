"""The marketplace's pure rules: query words, typo budgets, the tree's checks, rates and
conversion, price ranges."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cartstart_server.domain import market_money as money
from cartstart_server.domain import market_query as q
from cartstart_server.domain import market_tree as tree
from shared_protocol import ErrorCode, ProtocolError

DEMO_TREE = Path(__file__).parents[2] / "cartstart_demo_store" / "market_tree.json"


def test_words_are_folded_trimmed_and_unique() -> None:
    assert q.words_of("Čekić, ĐAK  HC-M10!") == ["cekic", "djak", "hc-m10"]
    assert [w.text for w in q.parse("valve VALVE  brass")] == ["valve", "brass"]
    assert q.code_term("157B 2210") == "157b2210"


@pytest.mark.parametrize(
    ("word", "budget"),
    [("bras", 0), ("brass", 1), ("solenoid", 1), ("contactor", 2), ("dn25", 0),
     ("157b2210", 0), ("miniaturee1", 0)],
)  # fmt: skip
def test_typo_budget(word: str, budget: int) -> None:
    assert q.typo_budget(word) == budget


@pytest.mark.parametrize("query", ["", "   ", "x" * 201, "!!! ---", "x" * 10_000])
def test_bad_queries(query: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        q.parse(query)
    assert caught.value.code is ErrorCode.BAD_QUERY
    assert caught.value.message


def test_the_demo_tree_is_valid_and_round_trips() -> None:
    doc = json.loads(DEMO_TREE.read_text(encoding="utf-8"))
    nodes = tree.parse_tree(doc)
    t = tree.Tree(nodes)
    assert t.export() == doc
    assert [n.id for n in t.path("contactors")] == [
        "electrical", "power-distribution", "switchgear", "contactors",
    ]  # fmt: skip
    assert t.path("nope") == [] and t.path(None) == []
    assert t.check_filter("valves", 2) == "valves"
    with pytest.raises(ProtocolError) as caught:
        t.check_filter("valves", 3)
    assert caught.value.code is ErrorCode.UNKNOWN_CATEGORY


def _bad_trees() -> list[Any]:
    doc = json.loads(DEMO_TREE.read_text(encoding="utf-8"))
    deeper = copy.deepcopy(doc)
    deeper["nodes"][0]["children"][0]["children"][0]["children"][0]["children"] = [
        {"id": "x5", "names": {"en": "X", "sr": "X"}}
    ]
    bad_id = copy.deepcopy(doc)
    bad_id["nodes"][0]["id"] = "Electrical"
    blank_name = copy.deepcopy(doc)
    blank_name["nodes"][0]["names"]["en"] = "  "
    return [None, {"nodes": []}, {"version": 1, "nodes": []}, deeper, bad_id, blank_name]


@pytest.mark.parametrize("doc", _bad_trees())
def test_bad_trees_are_refused_in_words(doc: Any) -> None:
    with pytest.raises(ProtocolError) as caught:
        tree.parse_tree(doc)
    assert caught.value.code is ErrorCode.INVALID_MESSAGE
    assert caught.value.message.startswith("tree not imported")


def test_a_mapped_subcategory_may_not_go() -> None:
    tree.check_in_use({"a", "b"}, ["a", "a"])
    with pytest.raises(ProtocolError) as caught:
        tree.check_in_use({"a"}, ["a", "c"])
    assert caught.value.code is ErrorCode.CATEGORY_IN_USE
    assert caught.value.details["category"] == "c"


RATES = money.Rates("EUR", "2026-11-30", {"RSD": Decimal("117.17"), "JPY": Decimal("160.5")})


def test_conversion_with_decimal_and_minor_units() -> None:
    assert RATES.convert(1000, "EUR", "RSD") == 117170
    assert RATES.convert(117170, "RSD", "EUR") == 1000
    assert RATES.convert(1000, "EUR", "JPY") == 1605  # JPY has no minor units
    assert RATES.convert(1, "RSD", "EUR") == 0  # rounds half up
    assert RATES.convert(1000, "EUR", "EUR") == 1000
    assert RATES.convert(1000, "GBP", "EUR") is None
    assert RATES.in_base(117170, "RSD") == pytest.approx(10.0)
    assert RATES.currencies() == ["EUR", "JPY", "RSD"]
    with pytest.raises(ProtocolError) as caught:
        RATES.check("USD")
    assert caught.value.code is ErrorCode.UNKNOWN_CURRENCY


def test_parse_rates() -> None:
    base, date, rates = money.parse_rates(
        {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "117.17"}}
    )
    assert (base, date, rates) == ("EUR", "2026-11-30", {"RSD": Decimal("117.17")})
    for bad in (
        {"base": "eur", "date": "2026-11-30", "rates": {"RSD": "1"}},
        {"base": "EUR", "date": "2026-02-30", "rates": {"RSD": "1"}},
        {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": 117.17}},  # a float, not text
        {"base": "EUR", "date": "2026-11-30", "rates": {"RSD": "0"}},
        {"base": "EUR", "date": "2026-11-30", "rates": {"EUR": "1"}},
        {"base": "EUR", "date": "2026-11-30", "rates": {}},
    ):
        with pytest.raises(ProtocolError):
            money.parse_rates(bad)


def test_price_ranges_follow_the_display_currency() -> None:
    eur = money.buckets("EUR", RATES)
    assert [b.id for b in eur][:3] == ["0-1000", "1000-5000", "5000-10000"]
    assert eur[-1].id == "500000-" and eur[-1].high is None
    rsd = money.buckets("RSD", RATES)
    assert rsd[1].id == "100000-500000"  # 1,000 - 5,000 RSD
    assert money.bucket_name(rsd[1], "RSD", "sr") == "1.000,00\xa0RSD – 5.000,00\xa0RSD"
    assert money.bucket_name(eur[-1], "EUR", "en") == "€5,000.00 and more"
    assert money.bucket_name(eur[-1], "EUR", "sr").endswith("i više")
    with pytest.raises(ProtocolError) as caught:
        money.parse_bucket("1-2", "EUR", RATES)
    assert caught.value.code is ErrorCode.BAD_QUERY
