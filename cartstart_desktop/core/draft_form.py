"""A personalised item's form as the cart checks it before sending (pure): whether a value is
filled in, what is wrong with one (the limits the hub applies, in the shopper's language), and
the progress the row and the review show. The hub decides (cartstart_server/domain/forms.py,
docs/personalise.md); checking here lets the cart show progress and problems at once, offline
too, and keeps a value the hub would refuse from being sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from shared_protocol.forms import Cell, FieldSpec, FieldValue, FormDefinition, Progress

from .lang import _

TEXT_MAX = {"text": 200, "long_text": 2000}
ROWS_MAX = 200


def is_empty(value: FieldValue | Cell) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list):
        return not value
    return False


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _shown(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


def cell_problem(spec: FieldSpec, value: FieldValue | Cell) -> str | None:
    """Why a non-empty value does not fit a field (or column) that is not a list of rows."""
    kind = spec.kind
    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            return _("write text")
        most = spec.max_length or TEXT_MAX[kind]
        if len(value) > most:
            return _.n("at most {n} character", "at most {n} characters", most)
        if spec.min_length and len(value.strip()) < spec.min_length:
            return _.n("at least {n} character", "at least {n} characters", spec.min_length)
        return None
    if kind == "choice":
        return None if value in (spec.options or []) else _("choose one of the options")
    if kind == "number":
        number = _number(value)
        if number is None:
            return _("write a number")
        if spec.integer and number != int(number):
            return _("write a whole number")
        if spec.min is not None and number < spec.min:
            return _("at least {n}", n=_shown(spec.min))
        if spec.max is not None and number > spec.max:
            return _("at most {n}", n=_shown(spec.max))
        return None
    if kind == "date":
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None or len(str(value)) != 10:
            return _("write the date as YYYY-MM-DD")
        if spec.min_date and str(value) < spec.min_date:
            return _("on {date} or later", date=spec.min_date)
        if spec.max_date and str(value) > spec.max_date:
            return _("on {date} or earlier", date=spec.max_date)
        return None
    return None


def problem(spec: FieldSpec, value: FieldValue) -> str | None:
    """Why a value does not fit its field, as words to show by it (None: it fits, or is empty:
    a draft may leave any field empty until checkout)."""
    if is_empty(value):
        return None
    if spec.kind != "rows":
        return cell_problem(spec, value)
    if not isinstance(value, list):
        return _("add rows to the table")
    most = spec.max_rows or ROWS_MAX
    if len(value) > most:
        return _.n("at most {n} row", "at most {n} rows", most)
    for number, row in enumerate(value, start=1):
        for column in spec.columns or []:
            cell = row.get(column.key) if isinstance(row, dict) else None
            if is_empty(cell):
                continue
            wrong = cell_problem(column, cell)
            if wrong is not None:
                return _(
                    "row {row}, {column}: {problem}", row=number, column=column.label, problem=wrong
                )
    return None


def is_done(spec: FieldSpec, value: FieldValue) -> bool:
    """Filled in and acceptable; a list of rows needs max(1, min_rows) rows, each with every
    required column filled."""
    if is_empty(value) or problem(spec, value) is not None:
        return False
    if spec.kind != "rows":
        return True
    assert isinstance(value, list)
    if len(value) < max(1, spec.min_rows or 0):
        return False
    required = [c.key for c in spec.columns or [] if c.required]
    return all(not is_empty(row.get(key)) for row in value for key in required)


def progress(form: FormDefinition, values: Mapping[str, FieldValue]) -> Progress:
    """Required fields done, as the hub counts them."""
    required = [spec for spec in form.fields if spec.required]
    missing = [spec.label for spec in required if not is_done(spec, values.get(spec.key))]
    done = len(required) - len(missing)
    return Progress(done=done, required=len(required), missing=missing, complete=not missing)


def progress_text(shown: Progress) -> str:
    """For the cart's row: "2 of 5 done", or that nothing more is needed."""
    if shown.complete:
        return _("personalised")
    return _("{done} of {required} done", done=shown.done, required=shown.required)


def limits_text(spec: FieldSpec) -> str:
    """The limits a field has, as a hint under it ("" when it has none worth saying)."""
    kind = spec.kind
    if kind in ("text", "long_text"):
        most = spec.max_length or TEXT_MAX[kind]
        if spec.min_length:
            return _("{least} to {most} characters", least=spec.min_length, most=most)
        return _.n("at most {n} character", "at most {n} characters", most)
    if kind == "number":
        whole = _("whole numbers") if spec.integer else ""
        if spec.min is not None and spec.max is not None:
            span = _("from {least} to {most}", least=_shown(spec.min), most=_shown(spec.max))
        elif spec.min is not None:
            span = _("at least {n}", n=_shown(spec.min))
        elif spec.max is not None:
            span = _("at most {n}", n=_shown(spec.max))
        else:
            span = ""
        return ", ".join(part for part in (whole, span) if part)
    if kind == "date":
        parts = [_("YYYY-MM-DD")]
        if spec.min_date:
            parts.append(_("on {date} or later", date=spec.min_date))
        if spec.max_date:
            parts.append(_("on {date} or earlier", date=spec.max_date))
        return ", ".join(parts)
    if kind == "rows":
        least = max(1, spec.min_rows or 0) if spec.required else spec.min_rows or 0
        most = spec.max_rows or ROWS_MAX
        if least:
            return _("{least} to {most} rows", least=least, most=most)
        return _.n("at most {n} row", "at most {n} rows", most)
    return ""
