"""The cart's own check of a personalised item's values (core/draft_form.py) says what the hub's
rules say (cartstart_server/domain/form_values.py): which values the hub would refuse, which
are done, and the progress. The cart shows progress offline and holds back only what the hub
would refuse, so a disagreement would either lose an edit or count a field wrongly."""

from __future__ import annotations

import pytest

from cartstart_desktop.core import draft_form
from cartstart_desktop.core.lang import _
from cartstart_server.domain import form_values
from cartstart_server.domain.forms import check_form
from shared_protocol import ProtocolError
from shared_protocol.forms import FieldSpec, FieldValue, FormDefinition

FORM = check_form(
    FormDefinition(
        fields=[
            FieldSpec(
                key="wording",
                label="Wording",
                kind="long_text",
                required=True,
                min_length=5,
                max_length=40,
            ),
            FieldSpec(key="names", label="Names", kind="text", required=True, max_length=12),
            FieldSpec(key="paper", label="Paper", kind="choice", options=["Cream", "White"]),
            FieldSpec(key="count", label="Count", kind="number", integer=True, min=10, max=500),
            FieldSpec(
                key="day", label="Day", kind="date", min_date="2026-01-01", max_date="2027-12-31"
            ),
            FieldSpec(
                key="guests",
                label="Guest list",
                kind="rows",
                required=True,
                min_rows=2,
                max_rows=3,
                columns=[
                    FieldSpec(key="name", label="Name", kind="text", required=True, max_length=8),
                    FieldSpec(key="table", label="Table", kind="number", integer=True, max=20),
                    FieldSpec(key="meal", label="Meal", kind="choice", options=["Fish", "Veg"]),
                ],
            ),
        ]
    )
)
SPECS = {spec.key: spec for spec in FORM.fields}

CASES: list[tuple[str, FieldValue]] = [
    ("wording", None),
    ("wording", "Hi"),  # unfinished: shorter than min_length, saved anyway
    ("wording", "Hello there\nfriends"),
    ("wording", "x" * 41),  # refused
    ("wording", "bell\x07"),
    ("names", "Ana & Ivan"),
    ("names", "Ana\nIvan"),  # one line only
    ("names", "A very long pair of names"),
    ("names", "<b>Ana</b>"),
    ("paper", "Cream"),
    ("paper", "Gold"),
    ("count", 5),  # below min: unfinished, saved
    ("count", 50),
    ("count", 50.5),
    ("count", 501),
    ("count", "fifty"),
    ("day", "2026-06-20"),
    ("day", "2026-02-30"),
    ("day", "2025-12-31"),
    ("day", "20-06-2026"),
    ("guests", []),
    ("guests", [{"name": "Ana", "table": 1}]),  # fewer than min_rows
    ("guests", [{"name": "Ana", "table": 1}, {"name": "Ivan", "meal": "Veg"}]),
    ("guests", [{"name": "Ana"}, {"table": 2}]),  # a required cell empty
    ("guests", [{"name": "Ana"}, {}]),  # an empty row
    ("guests", [{"name": "Ana"}, {"name": "Ivan", "table": 21}]),
    ("guests", [{"name": "Ana"}, {"name": "Ivan", "meal": "Beef"}]),
    ("guests", [{"name": "Ana"}, {"name": "Maximilian"}]),
    ("guests", [{"name": "Ana"}, {"name": "Ivan"}, {"name": "Mia"}, {"name": "Leo"}]),
]


@pytest.mark.parametrize(("key", "value"), CASES)
def test_the_cart_refuses_and_counts_as_the_hub_does(key: str, value: FieldValue) -> None:
    spec = SPECS[key]
    try:
        form_values.normalise(spec, value)
        hub_refuses = False
    except ProtocolError:
        hub_refuses = True
    assert (draft_form.problem(spec, value) is not None) == hub_refuses
    assert draft_form.is_done(spec, value) == form_values.is_done(spec, value)


def test_progress_counts_required_fields_and_names_what_is_missing() -> None:
    values: dict[str, FieldValue] = {
        "wording": "Together with their families",
        "count": 5,  # optional, filled in but unfinished: named too
        "guests": [{"name": "Ana"}, {"name": "Ivan"}],
    }
    assert draft_form.progress(FORM, values) == form_values.progress(FORM, values)
    shown = draft_form.progress(FORM, values)
    assert (shown.done, shown.required, shown.missing) == (2, 3, ["Names", "Count"])
    assert draft_form.progress_text(shown) == "2 of 3 done"
    values |= {"names": "Ana & Ivan", "count": 80}
    assert draft_form.progress(FORM, values).complete
    assert draft_form.progress_text(draft_form.progress(FORM, values)) == "personalised"


def test_problems_are_words_naming_the_row_and_column() -> None:
    guests: FieldValue = [{"name": "Ana"}, {"name": "Ivan", "table": 21}]
    assert draft_form.problem(SPECS["guests"], guests) == "row 2, Table: at most 20"
    assert draft_form.problem(SPECS["names"], "x" * 13) == "at most 12 characters"
    assert draft_form.problem(SPECS["day"], "2026-2-3") == "write the date as YYYY-MM-DD"
    assert draft_form.limits_text(SPECS["count"]) == "whole numbers, from 10 to 500"
    assert draft_form.limits_text(SPECS["guests"]) == "2 to 3 rows"
    _.use("sr")
    try:
        assert draft_form.problem(SPECS["names"], "x" * 13) != "at most 12 characters"
    finally:
        _.use("en")
