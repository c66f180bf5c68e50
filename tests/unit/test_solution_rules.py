"""Solutions' rules and emails, pure: limits and their words, splitting into firms, request
steps, answers, the price at a quote, and the emails in English and Serbian."""

from __future__ import annotations

import datetime as dt

import pytest

from cartstart_server.domain import pricing, solution_mail
from cartstart_server.domain import solutions as rules
from cartstart_server.domain.solutions import Contact, Line
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money

TODAY = dt.date(2027, 1, 15)


def line(store: str = "s1", product: str = "p1", qty: int = 1, **more: object) -> Line:
    return Line(str(more.get("line_id", "")), store, product, qty,
                str(more.get("note", "")), dict(more.get("options", {})))  # type: ignore[call-overload]  # fmt: skip


def refused(call: object, *args: object) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


@pytest.mark.parametrize("qty", [0, -1, 10_001])
def test_a_quantity_outside_1_to_10000_is_refused_naming_the_line(qty: int) -> None:
    error = refused(rules.check_lines, [line(), line(qty=qty)])
    assert error.code is ErrorCode.INVALID_MESSAGE
    assert error.message == "line 2: the quantity must be a whole number from 1 to 10,000"
    assert error.details == {"line": 2, "field": "qty"}


def test_limits_on_lines_notes_options_and_names() -> None:
    assert len(rules.check_lines([line(qty=10_000)] * 200)) == 200
    error = refused(rules.check_lines, [line()] * 201)
    assert "up to 200 lines; this one has 201" in error.message
    assert "up to 500 characters" in refused(rules.check_lines, [line(note="x" * 501)]).message
    too_many = {f"o{i}": "v" for i in range(11)}
    assert "up to 10 options" in refused(rules.check_lines, [line(options=too_many)]).message
    assert (
        "an option needs a name" in refused(rules.check_lines, [line(options={" ": "v"})]).message
    )
    assert rules.clean_name("  Bathroom \n refit ") == "Bathroom refit"
    assert "up to 120 characters" in refused(rules.clean_name, "n" * 121).message
    assert "not text" in refused(rules.clean_name, "a\ud800").message
    assert "does not name a product" in refused(rules.check_lines, [line(store="")]).message


def test_line_ids_are_kept_when_given_and_made_up_when_missing_or_repeated() -> None:
    lines = rules.check_lines([line(line_id="a"), line(), line(line_id="a"), line(line_id="l2")])
    ids = [li.line_id for li in lines]
    assert ids[0] == "a" and ids[3] == "l2"
    assert len(set(ids)) == 4


def test_a_solution_splits_into_firms_in_the_order_they_first_appear() -> None:
    lines = [line("volt", "a"), line("pipe", "b"), line("volt", "c"), line("tile", "d")]
    firms = rules.by_firm(lines)
    assert list(firms) == ["volt", "pipe", "tile"]
    assert [li.product_id for li in firms["volt"]] == ["a", "c"]


def test_request_steps() -> None:
    rules.check_step("sent", "answered")
    rules.check_step("answered", "answered")  # a firm may revise its answer
    rules.check_step("answered", "accepted")
    for current, new in [("sent", "accepted"), ("ordered", "answered"), ("declined", "answered"),
                         ("accepted", "declined")]:  # fmt: skip
        assert refused(rules.check_step, current, new).code is ErrorCode.INVALID_STATE


def test_an_answer_needs_a_date_today_or_later() -> None:
    assert rules.check_answer("2027-01-15", "", TODAY) == TODAY
    assert "has passed" in refused(rules.check_answer, "2027-01-14", "", TODAY).message
    for bad in ("15.1.2027", "2027-02-30", ""):
        assert "YYYY-MM-DD" in refused(rules.check_answer, bad, "", TODAY).message
    assert "1000 characters" in refused(rules.check_answer, "2027-02-01", "x" * 1001, TODAY).message


def test_only_an_answered_quote_still_valid_can_be_accepted() -> None:
    rules.check_acceptable("quote", "answered", "2027-01-15", TODAY)
    assert (
        "no longer valid"
        in refused(rules.check_acceptable, "quote", "answered", "2027-01-14", TODAY).message
    )
    assert (
        "answered can be accepted"
        in refused(rules.check_acceptable, "quote", "sent", None, TODAY).message
    )
    assert refused(rules.check_acceptable, "order", "ordered", None, TODAY).code is (
        ErrorCode.INVALID_STATE
    )


def test_a_contact_needs_an_email_and_takes_it_as_the_name_when_none_is_given() -> None:
    contact = rules.check_contact(Contact(name="  ", email=" Mira@Buyer.Example "))
    assert contact == Contact(name="mira@buyer.example", email="mira@buyer.example")
    assert refused(rules.check_contact, Contact(name="Mira", email="nope")).details == {
        "field": "email"
    }


def test_an_order_at_a_quote_totals_the_quote() -> None:
    lines = pricing.price(
        "Shop", [pricing.Item("t", "p", "P", "C", 2, Money(amount=1000, currency="EUR"))], None
    )
    below = pricing.at_quote(lines, Money(amount=1500, currency="EUR"))
    assert below.total.amount == 1500 and below.discount == Money(amount=500, currency="EUR")
    above = pricing.at_quote(lines, Money(amount=2500, currency="EUR"))
    assert above.total.amount == 2500 and above.discount is None
    assert pricing.at_quote(lines, None) is lines
    with pytest.raises(ProtocolError):
        pricing.at_quote(lines, Money(amount=1, currency="RSD"))


def test_emails_in_english_and_serbian_list_only_what_they_are_given() -> None:
    mine = [
        solution_mail.MailLine("Cable", "CB-1", 3, 1250, "EUR", note="grey", options={"mm": "2.5"})
    ]
    contact = Contact(name="Mira", email="mira@buyer.example", company="Mira d.o.o.")
    subject, body = solution_mail.firm_email(
        "en", kind="quote", store_name="Volt", solution_name="Refit", contact=contact,
        lines=mine, reference="rq1",
    )  # fmt: skip
    assert subject == "Request for a quote for Volt"
    assert "- 3 x Cable [CB-1]: €12.50 = €37.50" in body
    assert "    mm: 2.5" in body and "    Note: grey" in body
    assert "Buyer: Mira <mira@buyer.example>" in body and "Company: Mira d.o.o." in body
    subject, body = solution_mail.firm_email(
        "sr", kind="order", store_name="Volt", solution_name="Refit", contact=contact,
        lines=mine, reference="o1",
    )  # fmt: skip
    assert subject == "Nova porudžbina sa tržišta za Volt"
    assert "Napomena: grey" in body and "37,50\xa0€" in body
    firms = [
        solution_mail.MailFirm("Volt", mine, "rq1"),
        solution_mail.MailFirm("Pipe", mine, "rq2"),
    ]
    _, body = solution_mail.confirmation_email(
        "sr", kind="quote", solution_name="", firms=firms, link="https://hub/market/#solution=x.y"
    )
    assert "otišao 2 firme" in body and "Volt (broj rq1):" in body and "Pipe (broj rq2):" in body
    assert "Vaše rešenje: https://hub/market/#solution=x.y" in body
    subject, body = solution_mail.answer_email(
        "sr", store_name="Tile", solution_name="Refit", amount=35000, currency="EUR",
        valid_until=dt.date(2027, 2, 1), note="",
    )  # fmt: skip
    assert subject == "Tile je odgovorio na vaš zahtev: Refit"
    assert "350,00\xa0€" in body and "1. 2. 2027." in body
