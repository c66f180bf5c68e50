"""Solutions' rules and emails, pure: limits and their words, splitting into firms, request
steps, answers, the price at a quote, and the emails in English and Serbian."""

from __future__ import annotations

import datetime as dt

import pytest

from cartstart_server.domain import agents as agent_rules
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


@pytest.mark.parametrize("bad", ["a\x00b", "a\x07b", "a\x7fb", "\ud800"])
def test_control_characters_are_refused_in_names_notes_options_and_contacts(bad: str) -> None:
    assert "control characters" in refused(rules.clean_name, bad).message
    assert refused(rules.check_lines, [line(note=bad)]).details == {"field": "note", "line": 1}
    assert refused(rules.check_lines, [line(options={"size": bad})]).details["line"] == 1
    for field in ("company", "phone", "note"):
        contact = Contact(name="Mira", email="mira@buyer.example", **{field: bad})
        refused(rules.check_contact, contact)
    refused(rules.check_note, bad)
    refused(rules.check_answer, "2027-02-01", bad, TODAY)


def test_line_breaks_stay_in_notes_and_become_spaces_in_names() -> None:
    assert rules.clean_name("Bathroom\nrefit\t2") == "Bathroom refit 2"
    (kept,) = rules.check_lines([line(note="first\r\nsecond\tthird")])
    assert kept.note == "first\r\nsecond\tthird"
    rules.check_note("line one\nline two")
    phone = Contact(name="Mira", email="mira@buyer.example", phone="1\nBcc: x@y.z")
    refused(rules.check_contact, phone)


def test_ids_emails_and_dates_match_whole_not_up_to_a_trailing_newline() -> None:
    assert refused(rules.check_lines, [line(store="s1\n")]).details == {"line": 1}
    assert refused(rules.check_lines, [line(product="p1\n")]).details == {"line": 1}
    (kept,) = rules.check_lines([line(line_id="a1\n")])
    assert kept.line_id == "l1"  # not a valid id: made up
    refused(rules.check_wishlist, [("s1\n", "p1")])
    refused(rules.check_answer, "2027-02-01\n", "", TODAY)
    refused(rules.check_email, "mira@buyer.example\nx")


def test_an_accept_names_the_version_it_saw() -> None:
    rules.check_same_answer(None, 5)  # not given: accepted as it is now
    rules.check_same_answer(5, 5)
    error = refused(rules.check_same_answer, 4, 5)
    assert error.code is ErrorCode.ANSWER_CHANGED and error.details == {"version": 5}


def test_agents_see_requests_of_products_they_handle_owners_see_all() -> None:
    assert agent_rules.sees_request(None, ["p1"])
    assert agent_rules.sees_request(frozenset({"p2"}), ["p1", "p2"])
    assert not agent_rules.sees_request(frozenset({"p3"}), ["p1", "p2"])
    assert not agent_rules.sees_request(frozenset(), ["p1"])


def test_names_in_emails_are_one_line() -> None:
    contact = Contact(name="Mira\nX", email="mira@buyer.example", company="A\nB")
    evil = "Volt\r\nBcc: victim@x.example"
    subject, body = solution_mail.firm_email(
        "en", kind="quote", store_name=evil, solution_name="Re\nfit", contact=contact,
        lines=[], reference="rq1",
    )  # fmt: skip
    assert subject == "Request for a quote for Volt Bcc: victim@x.example"
    assert "\nBcc:" not in body and "Solution: Re fit" in body and "Company: A B" in body
    for subject, _ in (
        solution_mail.answer_email(
            "en",
            store_name=evil,
            solution_name="a\nb",
            amount=1,
            currency="EUR",
            valid_until=TODAY,
            note="",
        ),
        solution_mail.declined_email("sr", store_name=evil, solution_name="a\nb", note=""),
        solution_mail.link_email("en", "a\nb", "https://hub/x", []),
        solution_mail.confirmation_email(
            "en", kind="order", solution_name="a\nb", firms=[], link=None
        ),
    ):
        assert "\n" not in subject and "\r" not in subject, subject
