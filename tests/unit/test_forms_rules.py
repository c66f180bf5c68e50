"""The personalised products' rules (cartstart_server/domain/forms.py): forms, values, progress,
prices and the words people read when something is refused."""

from __future__ import annotations

from typing import Any

import pytest

from cartstart_server.domain import forms
from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import Money
from shared_protocol.forms import Cell, FieldSpec, FieldValue, FormDefinition, PriceRule


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
