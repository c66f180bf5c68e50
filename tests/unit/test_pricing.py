"""Order pricing, discount codes and customer records: pure rules, no database."""

from __future__ import annotations

import pytest

from cartstart_server.domain import customers, pricing
from cartstart_server.domain.pricing import Code, Item
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money


def item(ticket: str, qty: int, amount: int, currency: str = "EUR", product: str = "p") -> Item:
    return Item(
        ticket, product, f"Name {ticket}", "CODE", qty, Money(amount=amount, currency=currency)
    )


def code(**changes: object) -> Code:
    values: dict[str, object] = {
        "code": "SAVE10",
        "store_id": "st1",
        "cart_id": "cart1",
        "percent_off": 10,
        "amount_off": None,
        "currency": None,
        "expires_at": 2000.0,
        "used": False,
    }
    values.update(changes)
    return Code(**values)  # type: ignore[arg-type]


def test_an_order_prices_its_lines_and_takes_the_code_off_the_subtotal() -> None:
    priced = pricing.price("Pots", [item("t1", 2, 1250), item("t2", 1, 999)], code())
    assert [line.line_total.amount for line in priced.lines] == [2500, 999]
    assert priced.subtotal == Money(amount=3499, currency="EUR")
    assert priced.discount == Money(amount=349, currency="EUR")  # 10 % rounds down
    assert priced.total == Money(amount=3150, currency="EUR")
    plain = pricing.price("Pots", [item("t1", 1, 500)], None)
    assert plain.discount is None and plain.total.amount == 500


def test_one_order_is_in_one_currency_and_so_is_an_amount_off() -> None:
    with pytest.raises(ProtocolError) as mixed:
        pricing.price("Pots", [item("t1", 1, 100), item("t2", 1, 100, "USD")], None)
    assert mixed.value.code is ErrorCode.INVALID_STATE
    assert "Pots prices these items in more than one currency" in mixed.value.message
    in_dollars = code(percent_off=None, amount_off=500, currency="USD")
    with pytest.raises(ProtocolError) as refused:
        pricing.price("Pots", [item("t1", 1, 1000)], in_dollars)
    assert refused.value.details["reason"] == "wrong_store"
    euros = code(percent_off=None, amount_off=5000, currency="EUR")
    assert pricing.price("Pots", [item("t1", 1, 1000)], euros).total.amount == 0  # not below 0


@pytest.mark.parametrize(
    ("offered", "asked", "reason"),
    [
        ({}, "NOPE", "unknown"),
        ({"SAVE10": code(cart_id="someone-else")}, "save10", "other_cart"),
        ({"SAVE10": code(used=True)}, "SAVE10", "used"),
        ({"SAVE10": code(expires_at=1000.0)}, "SAVE10", "expired"),
        ({"SAVE10": code(store_id="st9")}, "SAVE10", "wrong_store"),
    ],
)
def test_a_code_is_refused_with_its_reason(
    offered: dict[str, Code], asked: str, reason: str
) -> None:
    with pytest.raises(ProtocolError) as refused:
        pricing.check_codes([asked], offered, cart_id="cart1", stores={"st1"}, now=1500.0)
    assert refused.value.code is ErrorCode.DISCOUNT_REFUSED
    assert refused.value.details == {"discount_code": asked, "reason": reason}


def test_codes_are_matched_case_blind_and_one_per_store() -> None:
    offered = {"SAVE10": code(), "MORE": code(code="MORE")}
    chosen = pricing.check_codes(["save10"], offered, cart_id="cart1", stores={"st1"}, now=0)
    assert chosen == {"st1": offered["SAVE10"]}
    with pytest.raises(ProtocolError) as twice:
        pricing.check_codes(["SAVE10", "MORE"], offered, cart_id="cart1", stores={"st1"}, now=0)
    assert "one code per store" in twice.value.message


def test_an_offer_is_a_percentage_or_an_amount() -> None:
    pricing.check_offer(10, None)
    pricing.check_offer(None, Money(amount=100, currency="EUR"))
    for percent, amount in ((None, None), (10, Money(amount=100, currency="EUR"))):
        with pytest.raises(ProtocolError):
            pricing.check_offer(percent, amount)


def test_customer_records_tally_units_per_product_and_tag() -> None:
    lines = pricing.price(
        "Pots", [item("t1", 2, 100, product="mug"), item("t2", 1, 100, product="vase")], None
    ).lines
    bought, tags = customers.tally({"mug": 1}, {"blue": 1}, lines, {"mug": ["blue", "tea"]})
    assert bought == {"mug": 3, "vase": 1}
    assert tags == {"blue": 3, "tea": 2}


def test_customer_search_looks_at_name_email_and_what_they_bought() -> None:
    def ana(query: str, product_id: str | None = None) -> bool:
        return customers.matches(
            query,
            name="Ana Marić",
            email="ana@example.org",
            bought={"mug": 2},
            product_names={"mug": "Blue Mug"},
            product_id=product_id,
        )

    assert ana("") and ana("MARIĆ") and ana("example.org") and ana("blue")
    assert ana("mug", product_id="mug")
    assert not ana("", product_id="vase")
    assert not ana("teapot")
