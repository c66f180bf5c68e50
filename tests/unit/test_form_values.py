"""The personalised products' values (cartstart_server/domain/forms.py): what an edit may set,
when a value is done, progress, prices, the order's customisation and the words of refusals."""

from __future__ import annotations

from typing import Any

import pytest

from cartstart_server.domain import forms
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money
from shared_protocol.forms import Cell, FieldValue, FormDefinition
from tests.unit.test_forms_rules import field, invitation


def refused_edit(form: FormDefinition, values: dict[str, Any]) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        forms.check_edit(form, values)
    assert caught.value.code is ErrorCode.BAD_VALUE
    return caught.value


@pytest.mark.parametrize(
    ("values", "words", "details"),
    [
        ({"nobody": "x"}, "There is no field 'nobody' in this form", {"field": "nobody"}),
        ({"names": "x" * 81}, "Names: at most 80 characters", {"field": "names"}),
        (
            {"names": "two\nlines"},
            "Names: one line, without control characters",
            {"field": "names"},
        ),
        ({"wording": "bell\x07"}, "Wording: no control characters", {"field": "wording"}),
        ({"names": 12}, "Names: a text", {"field": "names"}),
        ({"paper": "Silk"}, "Paper: choose one of Cotton, Linen, Recycled", {"field": "paper"}),
        ({"day": "2027-13-01"}, "Date: a date as YYYY-MM-DD", {"field": "day"}),
        ({"day": "2026-12-31"}, "Date: on 2027-01-01 or later", {"field": "day"}),
        ({"copies": 51}, "Extra copies: at most 50", {"field": "copies"}),
        ({"copies": 2.5}, "Extra copies: a whole number", {"field": "copies"}),
        ({"copies": "many"}, "Extra copies: a number", {"field": "copies"}),
        ({"copies": True}, "Extra copies: a number", {"field": "copies"}),
        ({"copies": [1]}, "Extra copies: a number", {"field": "copies"}),
        ({"guests": "Ana"}, "Guest list: a list of rows is a list of objects", {"field": "guests"}),
        (
            {"guests": [{"name": "Ana"}, {"name": "Bo"}, {"name": "x" * 81}]},
            "Guest list, row 3, Name: at most 80 characters",
            {"field": "guests", "row": 3, "column": "name"},
        ),
        (
            {"guests": [{"name": "Ana", "seat": 4}]},
            "Guest list, row 1: there is no column 'seat'",
            {"field": "guests", "row": 1, "column": "seat"},
        ),
        (
            {"guests": [{"name": "Ana", "table": "first"}]},
            "Guest list, row 1, Table: a number",
            {"field": "guests", "row": 1, "column": "table"},
        ),
        ({}, "Nothing to save", {"field": ""}),
    ],
)
def test_a_bad_value_is_refused_with_words_naming_field_row_and_column(
    values: dict[str, Any], words: str, details: dict[str, Any]
) -> None:
    error = refused_edit(invitation(), values)
    assert error.message.startswith(words)
    assert error.details == details


def test_too_many_rows_are_refused() -> None:
    form = invitation()
    error = refused_edit(form, {"guests": [{"name": "x"}] * 201})
    assert error.message == "Guest list: at most 200 rows"


def test_an_edit_is_normalised() -> None:
    kept = forms.check_edit(
        invitation(),
        {
            "wording": "Together\nwith their families  ",
            "names": "",
            "copies": " 3 ",
            "day": None,
            "guests": [{"name": "  Ana ", "table": "2"}, {"name": "Bo", "table": ""}],
            "engraving": [],
        },
    )
    assert kept == {
        "wording": "Together\nwith their families  ",  # typed text is kept as typed
        "names": None,
        "copies": 3,
        "day": None,
        "guests": [{"name": "Ana", "table": 2}, {"name": "Bo"}],
        "engraving": None,
    }


def test_unfinished_values_are_saved_but_not_done() -> None:
    form = invitation()
    by_key = {f.key: f for f in form.fields}
    # Shorter than min_length, a table below its min, a required cell empty: saved...
    kept = forms.check_edit(form, {"engraving": "A", "guests": [{"table": 0}], "copies": 0})
    assert kept["engraving"] == "A"
    # ...and not done.
    assert not forms.is_done(by_key["engraving"], "A")
    assert forms.is_done(by_key["engraving"], "Ana")
    assert not forms.is_done(by_key["guests"], [{"name": "Ana", "table": 0}])
    assert not forms.is_done(by_key["guests"], [{"table": 2}])
    assert not forms.is_done(by_key["guests"], [{"name": "Ana"}, {}])
    assert forms.is_done(by_key["guests"], [{"name": "Ana"}])
    assert not forms.is_done(by_key["guests"], [])
    assert not forms.is_done(by_key["names"], None)
    assert not forms.is_done(by_key["paper"], "Silk")  # an option the store has since removed
    assert forms.is_done(by_key["paper"], "Linen")


def test_min_rows_decides_when_a_list_is_done() -> None:
    form = invitation(
        fields=[
            field(
                key="guests", label="Guests", kind="rows", min_rows=2, columns=[field(key="name")]
            )
        ],
        price_rules=[],
    )
    spec = form.fields[0]
    assert not forms.is_done(spec, [{"name": "Ana"}])
    assert forms.is_done(spec, [{"name": "Ana"}, {"name": "Bo"}])


def test_progress_counts_required_fields() -> None:
    form = invitation()
    empty = forms.progress(form, {})
    assert (empty.done, empty.required, empty.complete) == (0, 4, False)
    assert empty.missing == ["Wording", "Names", "Paper", "Guest list"]
    half = forms.progress(form, {"wording": "Hello", "paper": "Linen", "day": "2027-06-12"})
    assert (half.done, half.required, half.missing) == (2, 4, ["Names", "Guest list"])
    full: dict[str, FieldValue] = {
        "wording": "Hello",
        "names": "Ana & Bo",
        "paper": "Linen",
        "guests": [{"name": "Ana"}],
    }
    done = forms.progress(form, full)
    assert (done.done, done.required, done.missing, done.complete) == (4, 4, [], True)
    # An optional field filled in but unfinished would go to the shop as it is: it is missing.
    rough = forms.progress(form, full | {"engraving": "A"})
    assert (rough.done, rough.missing, rough.complete) == (4, ["Engraving"], False)


def test_unit_price_adds_every_rule() -> None:
    form = invitation()
    base = Money(amount=1000, currency="EUR")
    assert forms.unit_price(base, form, {}) == base
    values: dict[str, FieldValue] = {
        "guests": [{"name": "Ana"}, {"name": "Bo"}, {"name": "Cy"}],
        "paper": "Linen",
        "copies": 4,
        "engraving": "A & B",  # 3 characters, spaces excluded
    }
    assert forms.rule_additions(form, values) == [450, 500, 400, 30]
    assert forms.unit_price(base, form, values) == Money(amount=2380, currency="EUR")
    assert forms.rule_additions(form, {"paper": "Recycled"}) == [0, 0, 0, 0]  # unlisted: 0
    # A value the form no longer accepts adds nothing.
    assert forms.rule_additions(form, {"paper": "Silk", "copies": 99}) == [0, 0, 0, 0]


def test_value_text_and_customisation() -> None:
    form = invitation()
    by_key = {f.key: f for f in form.fields}
    rows: list[dict[str, Cell]] = [{"name": "Ana", "table": 3}, {"name": "Bo"}]
    assert forms.value_text(by_key["guests"], rows) == "Name: Ana, Table: 3\nName: Bo"
    assert forms.value_text(by_key["copies"], 3.0) == "3"
    assert forms.value_text(by_key["day"], "2027-06-12") == "2027-06-12"
    assert forms.value_text(by_key["names"], None) == ""
    values: dict[str, FieldValue] = {
        "guests": rows,
        "wording": "<b>Hi</b>",
        "names": None,
        "paper": "Linen",
    }
    lines = forms.customisation(form, values)
    assert [(c.key, c.label, c.kind) for c in lines] == [
        ("wording", "Wording", "long_text"),
        ("paper", "Paper", "choice"),
        ("guests", "Guest list", "rows"),
    ]
    assert lines[0].text == "<b>Hi</b>"  # text, escaped by whoever shows it
    assert lines[2].value == rows


def test_incomplete_names_each_item_and_its_missing_fields() -> None:
    error = forms.incomplete(
        [
            ("s1", "inv", "Wedding invitations", ["Wording", "Guest list"]),
            ("s2", "mug", "Mug", ["Name"]),
        ]
    )
    assert error.code is ErrorCode.CUSTOMISATION_INCOMPLETE
    assert error.http_status == 409
    assert error.message == (
        "Finish personalising Wedding invitations (Wording, Guest list), Mug (Name) "
        "before checking out"
    )
    assert error.details["items"][0] == {
        "store_id": "s1",
        "product_id": "inv",
        "name": "Wedding invitations",
        "missing": ["Wording", "Guest list"],
    }


def test_shop_may_not_edit() -> None:
    error = forms.shop_may_not_edit()
    assert (error.code, error.http_status) == (ErrorCode.FORBIDDEN, 403)
    assert error.message == "the buyer has not let the shop edit this form"


def test_comments() -> None:
    form = invitation()
    assert forms.check_comment("  Check the spelling  ") == "Check the spelling"
    assert forms.check_comment("ok", form=form, field="names") == "ok"
    for text in ("", "   ", "x" * 1001):
        with pytest.raises(ProtocolError, match="A comment needs 1 to 1,000 characters"):
            forms.check_comment(text)
    with pytest.raises(ProtocolError) as full:
        forms.check_comment("one more", count=200)
    assert full.value.code is ErrorCode.CONFLICT
    assert forms.check_comment("fine", count=199) == "fine"
    with pytest.raises(ProtocolError, match="There is no field 'nobody'") as unknown:
        forms.check_comment("x", form=form, field="nobody")
    assert unknown.value.details == {"field": "nobody"}
