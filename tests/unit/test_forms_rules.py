"""The personalised products' rules (cartstart_server/domain/forms.py): forms, values, progress,
prices and the words people read when something is refused."""

from __future__ import annotations

from typing import Any

import pytest

from cartstart_server.domain import forms
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.forms import FieldSpec, FormDefinition, PriceRule


def invitation(**changes: Any) -> FormDefinition:
    """The demo shop's wedding invitations, roughly."""
    body: dict[str, Any] = {
        "intro": "  Tell us what to print.  ",
        "fields": [
            {"key": "wording", "label": "Wording", "kind": "long_text", "required": True},
            {"key": "names", "label": "Names", "kind": "text", "required": True, "max_length": 80},
            {"key": "day", "label": "Date", "kind": "date", "min_date": "2027-01-01"},
            {
                "key": "paper",
                "label": "Paper",
                "kind": "choice",
                "options": [" Cotton ", "Linen", "Recycled"],
                "required": True,
            },
            {
                "key": "guests",
                "label": "Guest list",
                "kind": "rows",
                "required": True,
                "columns": [
                    {
                        "key": "name",
                        "label": "Name",
                        "kind": "text",
                        "required": True,
                        "max_length": 80,
                    },
                    {"key": "table", "label": "Table", "kind": "number", "integer": True, "min": 1},
                ],
            },
            {
                "key": "copies",
                "label": "Extra copies",
                "kind": "number",
                "integer": True,
                "max": 50,
            },
            {"key": "engraving", "label": "Engraving", "kind": "text", "min_length": 3},
        ],
        "price_rules": [
            {"kind": "per_row", "field": "guests", "amount": 150},
            {"kind": "per_option", "field": "paper", "amounts": {"Linen": 500, "Cotton": 200}},
            {"kind": "per_unit", "field": "copies", "amount": 100},
            {"kind": "per_character", "field": "engraving", "amount": 10},
        ],
    }
    body |= changes
    return forms.check_form(FormDefinition.model_validate(body))


def field(**spec: Any) -> dict[str, Any]:
    return {"key": "f", "label": "F", "kind": "text"} | spec


def refused_form(
    fields: list[dict[str, Any]], rules: list[dict[str, Any]] | None = None
) -> ProtocolError:
    defn = FormDefinition.model_validate({"fields": fields, "price_rules": rules or []})
    with pytest.raises(ProtocolError) as caught:
        forms.check_form(defn)
    assert caught.value.code is ErrorCode.BAD_FORM
    return caught.value


def test_a_form_is_normalised_with_its_defaults() -> None:
    form = invitation()
    assert form.intro == "Tell us what to print."
    by_key = {f.key: f for f in form.fields}
    assert by_key["wording"].max_length == 2000
    assert by_key["names"].max_length == 80
    assert by_key["paper"].options == ["Cotton", "Linen", "Recycled"]
    assert (by_key["guests"].min_rows, by_key["guests"].max_rows) == (0, 200)
    assert by_key["guests"].columns and by_key["guests"].columns[0].max_length == 80
    assert forms.check_form(form) == form  # normalising twice changes nothing


@pytest.mark.parametrize(
    ("fields", "words", "key"),
    [
        ([field(kind="picture")], "Field 'f': unknown kind 'picture'", "f"),
        ([field(key="Bad Key")], "Field 'Bad Key': a key is 1 to 32", "Bad Key"),
        ([field(key="x" * 33)], "a key is 1 to 32", "x" * 33),
        ([field(key="1st")], "starting with a letter", "1st"),
        ([field(), field(label="Again")], "Field 'f': another field has the same key", "f"),
        ([field(label="  ")], "Field 'f': a label needs 1 to 100 characters", "f"),
        ([field(help="h" * 301)], "help is at most 300 characters", "f"),
        ([field(max_length=1001)], "Field 'f': max_length is 1 to 1,000", "f"),
        ([field(kind="long_text", max_length=10_001)], "max_length is 1 to 10,000", "f"),
        ([field(min_length=20, max_length=10)], "min_length is 0 to max_length (10)", "f"),
        ([field(options=["a"])], "Field 'f': options does not apply to a text field", "f"),
        ([field(kind="number", integer=False, max_length=3)], "max_length does not apply", "f"),
        ([field(kind="choice")], "Field 'f': a choice needs 1 to 50 options", "f"),
        ([field(kind="choice", options=[str(n) for n in range(51)])], "1 to 50 options", "f"),
        ([field(kind="choice", options=["a", " a"])], "the options must differ", "f"),
        ([field(kind="choice", options=["a", ""])], "option 2 needs 1 to 100 characters", "f"),
        ([field(kind="number", min=5, max=1)], "Field 'f': min (5) is more than max (1)", "f"),
        ([field(kind="number", integer=True, max=2.5)], "max must be a whole number", "f"),
        ([field(kind="number", max=1e13)], "max is between -10^12 and 10^12", "f"),
        ([field(kind="date", min_date="2027-02-30")], "min_date is a date as YYYY-MM-DD", "f"),
        (
            [field(kind="date", min_date="2027-03-01", max_date="2027-02-01")],
            "min_date is after max_date",
            "f",
        ),
        ([field(kind="rows")], "Field 'f': a list of rows needs 1 to 10 columns", "f"),
        (
            [field(kind="rows", columns=[field(key=f"c{n}") for n in range(11)])],
            "1 to 10 columns",
            "f",
        ),
        (
            [field(kind="rows", columns=[field(key="c", kind="long_text")])],
            "Field 'f', column 'c': a column is text, choice, number or date, not long_text",
            "f",
        ),
        ([field(kind="rows", columns=[field(key="c", kind="rows")])], "not rows", "f"),
        (
            [field(kind="rows", columns=[field(key="c"), field(key="c")])],
            "column 'c': another",
            "f",
        ),
        (
            [field(kind="rows", columns=[field(key="c", kind="choice")])],
            "Field 'f', column 'c': a choice needs 1 to 50 options",
            "f",
        ),
        ([field(kind="rows", columns=[field(key="c")], max_rows=501)], "max_rows is 1 to 500", "f"),
        (
            [field(kind="rows", columns=[field(key="c")], min_rows=5, max_rows=3)],
            "min_rows is 0 to max_rows (3)",
            "f",
        ),
        ([], "A form needs 1 to 40 fields", None),
        ([field(key=f"f{n}") for n in range(41)], "A form needs 1 to 40 fields", None),
    ],
)
def test_a_bad_form_is_refused_with_words_naming_the_field(
    fields: list[dict[str, Any]], words: str, key: str | None
) -> None:
    error = refused_form(fields)
    assert words in error.message
    assert error.details["field"] == key


ROWS = field(key="guests", label="Guests", kind="rows", columns=[field(key="name")])
CHOICE = field(key="colour", label="Colour", kind="choice", options=["Red", "Blue"])
COUNT = field(key="count", label="Count", kind="number", integer=True, max=10)


@pytest.mark.parametrize(
    ("rule", "words", "key"),
    [
        (
            {"kind": "per_word", "field": "guests", "amount": 1},
            "Price rule 1 has an unknown kind 'per_word'",
            "guests",
        ),
        (
            {"kind": "per_row", "field": "nobody", "amount": 1},
            "Price rule 1 reads 'nobody', which is not a field",
            "nobody",
        ),
        (
            {"kind": "per_row", "field": "colour", "amount": 1},
            "Price rule 1 reads 'colour', which is not a list of rows",
            "colour",
        ),
        (
            {"kind": "per_option", "field": "guests", "amounts": {"a": 1}},
            "reads 'guests', which is not a choice",
            "guests",
        ),
        (
            {"kind": "per_unit", "field": "colour", "amount": 1},
            "reads 'colour', which is not a number",
            "colour",
        ),
        (
            {"kind": "per_character", "field": "count", "amount": 1},
            "reads 'count', which is not a text field",
            "count",
        ),
        (
            {"kind": "per_unit", "field": "plain", "amount": 1},
            "reads 'plain', which needs integer set and a max",
            "plain",
        ),
        (
            {"kind": "per_unit", "field": "nomax", "amount": 1},
            "needs integer set and a max",
            "nomax",
        ),
        (
            {"kind": "per_option", "field": "colour", "amounts": {"Green": 100}},
            "has an amount for 'Green', which is not an option of 'colour'",
            "colour",
        ),
        ({"kind": "per_option", "field": "colour", "amount": 100}, "needs amounts", "colour"),
        ({"kind": "per_row", "field": "guests"}, "needs an amount", "guests"),
        ({"kind": "per_row", "field": "guests", "amount": -1}, "has an amount of -1", "guests"),
        (
            {"kind": "per_option", "field": "colour", "amounts": {"Red": -5}},
            "has an amount of -5",
            "colour",
        ),
        (
            {"kind": "per_row", "field": "guests", "amount": 20_000_000},
            "could add up to 4,000,000,000",
            None,
        ),
    ],
)
def test_a_bad_price_rule_is_refused(rule: dict[str, Any], words: str, key: str | None) -> None:
    fields = [
        ROWS,
        CHOICE,
        COUNT,
        field(key="plain", label="Plain", kind="number", max=3),
        field(key="nomax", label="No max", kind="number", integer=True),
    ]
    error = refused_form(fields, [rule])
    assert words in error.message
    assert error.details["field"] == key


def test_at_most_five_price_rules() -> None:
    rule = {"kind": "per_row", "field": "guests", "amount": 1}
    assert forms.check_form(
        FormDefinition(fields=[FieldSpec(**ROWS)], price_rules=[PriceRule(**rule)] * 5)
    )
    error = refused_form([ROWS], [rule] * 6)
    assert error.message == "A form has at most 5 price rules"
