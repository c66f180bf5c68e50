"""A personalised item's form as the cart checks it before sending (pure): whether a value is
filled in, what is wrong with one (the limits the hub applies, in the shopper's language), and
the progress the row and the review show. The hub decides (cartstart_server/domain/forms.py,
docs/personalise.md); checking here lets the cart show progress and problems at once, offline
too, and keeps a value the hub would refuse from being sent."""

from __future__ import annotations

import datetime as dt
import math
import re
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


_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}
_LINES = {"\n", "\r", "\t"}
MAX_NUMBER = 10**12


def cell_problem(spec: FieldSpec, value: FieldValue | Cell) -> str | None:
    """Why the hub would refuse a non-empty value of a field (or column) that is not a list of
    rows. Only what no typing could finish counts (too long, not an option, above the maximum);
    a value that is merely unfinished (too short, below the minimum) is saved as it is."""
    kind = spec.kind
    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            return _("write text")
        allowed = _LINES if kind == "long_text" else set()
        if any(ch in _CONTROL and ch not in allowed for ch in value):
            return _("one line, without control characters")
        most = spec.max_length or TEXT_MAX[kind]
        if len(value) > most:
            return _.n("at most {n} character", "at most {n} characters", most)
        return None
    if kind == "choice":
        return None if value in (spec.options or []) else _("choose one of the options")
    if kind == "number":
        number = _number(value)
        if number is None or not math.isfinite(number) or abs(number) > MAX_NUMBER:
            return _("write a number")
        if spec.integer and number != int(number):
            return _("write a whole number")
        if spec.max is not None and number > spec.max:
            return _("at most {n}", n=_shown(spec.max))
        return None
    if kind == "date":
        if not isinstance(value, str) or _date(value) is None:
            return _("write the date as YYYY-MM-DD")
        if spec.min_date and value < spec.min_date:
            return _("on {date} or later", date=spec.min_date)
        if spec.max_date and value > spec.max_date:
            return _("on {date} or earlier", date=spec.max_date)
        return None
    return None


def _date(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def problem(spec: FieldSpec, value: FieldValue) -> str | None:
    """Why the hub would refuse a value, as words to show by it (None: it can be saved; an
    empty or unfinished value can: a draft may stay incomplete until checkout)."""
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
            if isinstance(cell, str):
                cell = cell.strip()
            if is_empty(cell):
                continue
            wrong = cell_problem(column, cell)
            if wrong is not None:
                return _(
                    "row {row}, {column}: {problem}",
                    row=number,
                    column=column.label,
                    problem=wrong,
                )
    return None


def _unfinished(spec: FieldSpec, value: FieldValue | Cell) -> bool:
    """A value that can be saved but still needs work before checkout."""
    if is_empty(value):
        return True
    if spec.kind in TEXT_MAX:
        return isinstance(value, str) and len(value) < (spec.min_length or 0)
    if spec.kind == "number":
        number = _number(value)
        return spec.min is not None and number is not None and number < spec.min
    if spec.kind != "rows" or not isinstance(value, list):
        return False
    if len(value) < max(1, spec.min_rows or 0):
        return True
    columns = spec.columns or []
    for row in value:
        if not isinstance(row, dict) or all(is_empty(row.get(c.key)) for c in columns):
            return True  # an empty row: fill it in or remove it
        for column in columns:
            cell = row.get(column.key)
            if is_empty(cell):
                if column.required:
                    return True
            elif _unfinished(column, cell):
                return True
    return False


def is_done(spec: FieldSpec, value: FieldValue) -> bool:
    """Filled in, acceptable and finished (docs/personalise.md, as the hub counts it)."""
    return problem(spec, value) is None and not _unfinished(spec, value)


def progress(form: FormDefinition, values: Mapping[str, FieldValue]) -> Progress:
    """Required fields done; `missing` also names an optional field filled in but unfinished."""
    required = [spec for spec in form.fields if spec.required]
    done = sum(1 for spec in required if is_done(spec, values.get(spec.key)))
    missing = [
        spec.label
        for spec in form.fields
        if not is_done(spec, values.get(spec.key))
        and (spec.required or not is_empty(values.get(spec.key)))
    ]
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


def value_text(value: FieldValue) -> str:
    """A value as one line of text (rows: each row's cells, rows apart by " / ")."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return " / ".join(", ".join(str(c) for c in row.values() if c is not None) for row in value)
    return str(value)


def refusal(details: Mapping[str, object], spec: FieldSpec | None) -> str:
    """The hub's bad_value as words: which row and column, when the cart cannot tell why."""
    row = details.get("row")
    column = details.get("column")
    label = column
    if spec is not None and spec.columns and column is not None:
        label = next((c.label for c in spec.columns if c.key == column), column)
    if isinstance(row, int) and label:
        return _("row {row}, {column}: the store does not accept this", row=row, column=label)
    return _("the store does not accept this answer")
