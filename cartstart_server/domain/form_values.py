"""A buyer's values for a form, as rules (docs/personalise.md): what an edit may set (refused with
words naming the field, row and column: `bad_value`), when a value is done, and the values in
words.

Two kinds of wrong: a value no form could finish from (too long, not an option, above the
maximum, not a date) is refused at once; a value that is only unfinished (shorter than
`min_length`, below `min`, fewer rows than `min_rows`, a required cell empty) is saved, as the
buyer may be halfway through typing it, and is not done until it is finished."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.forms import Cell, FieldSpec, FieldValue, FormDefinition, Progress

from .form_rules import MAX_NUMBER, TEXT_LIMITS, parse_date

# Control characters refused in values; long_text keeps its line breaks and tabs.
_CONTROL = {chr(c) for c in range(32)} | {"\x7f"}
_LINES = {"\n", "\r", "\t"}


def _bad(message: str, field: str, row: int | None = None, column: str | None = None) -> Any:
    details: dict[str, Any] = {"field": field}
    if row is not None:
        details |= {"row": row, "column": column}
    return ProtocolError(ErrorCode.BAD_VALUE, message, **details)


class _Where:
    """Where a value sits, for words ("Guest list, row 3, Name") and details."""

    def __init__(self, spec: FieldSpec, row: int | None = None, column: FieldSpec | None = None):
        self.field = spec.key
        self.row = row
        self.column = column.key if column else None
        self.words = spec.label if column is None else f"{spec.label}, row {row}, {column.label}"

    def bad(self, message: str) -> ProtocolError:
        error: ProtocolError = _bad(f"{self.words}: {message}", self.field, self.row, self.column)
        return error


def check_edit(form: FormDefinition, values: Mapping[str, FieldValue]) -> dict[str, FieldValue]:
    """The edit's values normalised ("" and [] -> None; numbers as numbers; rows cells trimmed),
    or BAD_VALUE for the first one that is wrong (the edit as a whole changes nothing)."""
    if not values:
        raise _bad("Nothing to save: an edit sets at least one field", "")
    fields = {spec.key: spec for spec in form.fields}
    out: dict[str, FieldValue] = {}
    for key, value in values.items():
        spec = fields.get(key)
        if spec is None:
            raise _bad(f"There is no field '{key}' in this form", key)
        out[key] = normalise(spec, value)
    return out


def normalise(spec: FieldSpec, value: FieldValue) -> FieldValue:
    """One field's value as kept, or BAD_VALUE when no buyer could finish from it."""
    if value is None or value == "" or value == []:
        return None
    if spec.kind == "rows":
        return _rows(spec, value)
    if isinstance(value, list):
        raise _Where(spec).bad(_expected(spec))
    return _cell(spec, value, _Where(spec))


def _rows(spec: FieldSpec, value: FieldValue) -> list[dict[str, Cell]]:
    where = _Where(spec)
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise where.bad("a list of rows is a list of objects (column -> value)")
    if len(value) > (spec.max_rows or 0):
        raise where.bad(f"at most {spec.max_rows} rows")
    columns = {column.key: column for column in spec.columns or []}
    rows: list[dict[str, Cell]] = []
    for n, row in enumerate(value, 1):
        for key in row:
            if key not in columns:
                raise _bad(f"{spec.label}, row {n}: there is no column '{key}'", spec.key, n, key)
        cells: dict[str, Cell] = {}
        for key, column in columns.items():
            cell = row.get(key)
            if isinstance(cell, str):
                cell = cell.strip()
            kept = (
                None if cell is None or cell == "" else _cell(column, cell, _Where(spec, n, column))
            )
            if kept is not None:
                cells[key] = kept
        rows.append(cells)
    return rows


def _expected(spec: FieldSpec) -> str:
    return {
        "text": "a text",
        "long_text": "a text",
        "choice": "one of the options",
        "number": "a number",
        "date": "a date (YYYY-MM-DD)",
        "rows": "a list of rows",
    }[spec.kind]


def _cell(spec: FieldSpec, value: Any, where: _Where) -> Cell:
    if spec.kind in TEXT_LIMITS:
        return _text(spec, value, where)
    if spec.kind == "choice":
        if not isinstance(value, str) or value not in (spec.options or []):
            raise where.bad("choose one of " + ", ".join(spec.options or []))
        return value
    if spec.kind == "number":
        return _number(spec, value, where)
    if not isinstance(value, str) or parse_date(value) is None:
        raise where.bad("a date as YYYY-MM-DD")
    if spec.min_date is not None and value < spec.min_date:
        raise where.bad(f"on {spec.min_date} or later")
    if spec.max_date is not None and value > spec.max_date:
        raise where.bad(f"on {spec.max_date} or earlier")
    return value


def _text(spec: FieldSpec, value: Any, where: _Where) -> str:
    if not isinstance(value, str):
        raise where.bad("a text")
    allowed = _LINES if spec.kind == "long_text" else set()
    if any(ch in _CONTROL and ch not in allowed for ch in value):
        raise where.bad(
            "one line, without control characters" if not allowed else "no control characters"
        )
    top = spec.max_length or TEXT_LIMITS[spec.kind][0]
    if len(value) > top:
        raise where.bad(f"at most {top:,} characters")
    return value


def _number(spec: FieldSpec, value: Any, where: _Where) -> int | float:
    number: float
    if isinstance(value, bool):
        raise where.bad("a number")
    if isinstance(value, int | float):
        number = value
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            raise where.bad("a number") from None
    else:
        raise where.bad("a number")
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise where.bad("a number between -10^12 and 10^12")
    if spec.integer and number != int(number):
        raise where.bad("a whole number")
    if spec.max is not None and number > spec.max:
        raise where.bad(f"at most {spec.max:g}")
    return int(number) if number == int(number) else number


def _unfinished(spec: FieldSpec, value: FieldValue) -> bool:
    """True when a kept value still needs work before it is done (and for an empty one)."""
    if value is None:
        return True
    if spec.kind in TEXT_LIMITS:
        return isinstance(value, str) and len(value) < (spec.min_length or 0)
    if spec.kind == "number":
        return spec.min is not None and isinstance(value, int | float) and value < spec.min
    if spec.kind != "rows" or not isinstance(value, list):
        return False
    if len(value) < max(1, spec.min_rows or 0):
        return True
    columns = spec.columns or []
    for row in value:
        if not any(row.get(c.key) is not None for c in columns):
            return True  # an empty row: fill it in or remove it
        for column in columns:
            cell = row.get(column.key)
            if (cell is None and column.required) or (
                cell is not None and _unfinished(column, cell)
            ):
                return True
    return False


def is_done(spec: FieldSpec, value: FieldValue) -> bool:
    """Not empty and valid for the field as it is now (the form may have changed since)."""
    try:
        kept = normalise(spec, value)
    except ProtocolError:
        return False
    return kept is not None and not _unfinished(spec, kept)


def progress(form: FormDefinition, values: Mapping[str, FieldValue]) -> Progress:
    """Required fields done out of required. `missing` lists the required fields not done, and
    any optional field filled in but not finished (it would go to the shop as it is)."""
    required = [spec for spec in form.fields if spec.required]
    done = sum(1 for spec in required if is_done(spec, values.get(spec.key)))
    missing = [
        spec.label
        for spec in form.fields
        if not is_done(spec, values.get(spec.key))
        and (spec.required or values.get(spec.key) not in (None, "", []))
    ]
    return Progress(done=done, required=len(required), missing=missing, complete=not missing)


def value_text(spec: FieldSpec, value: FieldValue) -> str:
    """The value in words, as the order and its email show it: rows one per line as
    "Name: Ana, Table: 3" (empty cells left out)."""
    if value is None:
        return ""
    if spec.kind == "rows" and isinstance(value, list):
        lines = []
        for row in value:
            cells = [
                f"{column.label}: {_plain(row[column.key])}"
                for column in spec.columns or []
                if row.get(column.key) is not None
            ]
            lines.append(", ".join(cells))
        return "\n".join(lines)
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
