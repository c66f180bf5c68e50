"""A store's customisation form as rules (docs/personalise.md): which definitions the hub accepts,
normalised with their defaults filled, or refused with words naming the field (`bad_form`).

The price rules are checked here too, including the most they could add: an order line's unit
price must stay within what the ledger stores, whatever the buyer types."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.common import MAX_PRICE
from shared_protocol.forms import (
    COLUMN_KINDS,
    FIELD_KINDS,
    PRICE_RULE_KINDS,
    FieldSpec,
    FormDefinition,
    PriceRule,
)

MAX_FIELDS = 40
MAX_COLUMNS = 10
MAX_RULES = 5
MAX_OPTIONS = 50
MAX_OPTION = 100
MAX_LABEL = 100
MAX_HELP = 300
MAX_INTRO = 1000
# kind -> (default max_length, the most a store may set)
TEXT_LIMITS = {"text": (200, 1000), "long_text": (2000, 10_000)}
DEFAULT_MAX_ROWS = 200
MAX_ROWS = 500
# Numbers stay exact in every JSON reader (2**53) with room to spare.
MAX_NUMBER = 1e12
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_KIND_WORDS = "text, long_text, choice, number, date or rows"
_COLUMN_WORDS = "text, choice, number or date"
_RULE_WORDS = "per_row, per_unit, per_option or per_character"
# Which limits each kind reads: any other one set is a mistake worth telling the store about.
_LIMITS: dict[str, set[str]] = {
    "text": {"min_length", "max_length"},
    "long_text": {"min_length", "max_length"},
    "choice": {"options"},
    "number": {"min", "max", "integer"},
    "date": {"min_date", "max_date"},
    "rows": {"columns", "min_rows", "max_rows"},
}
_ALL_LIMITS = set().union(*_LIMITS.values())


def bad_form(message: str, field: str | None, **details: Any) -> ProtocolError:
    return ProtocolError(ErrorCode.BAD_FORM, message, field=field, **details)


def parse_date(text: str) -> dt.date | None:
    """A YYYY-MM-DD date, or None when `text` is not one (nor a real day)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def check_form(defn: FormDefinition) -> FormDefinition:
    """`defn` normalised (labels, help and options trimmed, defaults filled in), or BAD_FORM
    naming the field (`details.field`; `details.rule` for a price rule, 1-based)."""
    intro = defn.intro.strip()
    if len(intro) > MAX_INTRO:
        raise bad_form(f"The introduction: at most {MAX_INTRO:,} characters", None)
    if not 1 <= len(defn.fields) <= MAX_FIELDS:
        raise bad_form(f"A form needs 1 to {MAX_FIELDS} fields", None)
    fields: list[FieldSpec] = []
    seen: set[str] = set()
    for spec in defn.fields:
        where = f"Field '{spec.key}'"
        _check_key(spec.key, seen, where, spec.key)
        fields.append(_check_field(spec, where, spec.key, column=False))
    if len(defn.price_rules) > MAX_RULES:
        raise bad_form(f"A form has at most {MAX_RULES} price rules", None)
    by_key = {f.key: f for f in fields}
    rules = [_check_rule(n, rule, by_key) for n, rule in enumerate(defn.price_rules, 1)]
    most = sum(_most_added(rule, by_key[rule.field]) for rule in rules)
    if most > MAX_PRICE:
        raise bad_form(
            f"The price rules could add up to {most:,} minor units, more than {MAX_PRICE:,}: "
            "lower the amounts or the limits they multiply",
            None,
        )
    return FormDefinition(intro=intro, fields=fields, price_rules=rules)


def _check_key(key: str, seen: set[str], where: str, field: str) -> None:
    if not KEY.match(key):
        raise bad_form(
            f"{where}: a key is 1 to 32 of a-z, 0-9 and _, starting with a letter",
            field,
        )
    if key in seen:
        raise bad_form(f"{where}: another field has the same key", field)
    seen.add(key)


def _check_field(spec: FieldSpec, where: str, field: str, *, column: bool) -> FieldSpec:
    kinds = COLUMN_KINDS if column else FIELD_KINDS
    if spec.kind not in kinds:
        words = _COLUMN_WORDS if column else _KIND_WORDS
        raise bad_form(f"{where}: unknown kind '{spec.kind}' (use {words})", field)
    label, help_ = spec.label.strip(), spec.help.strip()
    if not 1 <= len(label) <= MAX_LABEL:
        raise bad_form(f"{where}: a label needs 1 to {MAX_LABEL} characters", field)
    if len(help_) > MAX_HELP:
        raise bad_form(f"{where}: help is at most {MAX_HELP} characters", field)
    for name in sorted(_ALL_LIMITS - _LIMITS[spec.kind]):
        value = getattr(spec, name)
        if value is not None and value is not False:
            raise bad_form(f"{where}: {name} does not apply to a {spec.kind} field", field)
    changes: dict[str, Any] = {"label": label, "help": help_}
    if spec.kind in TEXT_LIMITS:
        changes |= _text_limits(spec, where, field)
    elif spec.kind == "choice":
        changes["options"] = _options(spec, where, field)
    elif spec.kind == "number":
        changes |= _number_limits(spec, where, field)
    elif spec.kind == "date":
        _date_limits(spec, where, field)
    elif spec.kind == "rows":
        changes |= _rows_limits(spec, where, field)
    return spec.model_copy(update=changes)


def _text_limits(spec: FieldSpec, where: str, field: str) -> dict[str, Any]:
    default, most = TEXT_LIMITS[spec.kind]
    top = default if spec.max_length is None else spec.max_length
    if not 1 <= top <= most:
        raise bad_form(f"{where}: max_length is 1 to {most:,}", field)
    low = spec.min_length
    if low is not None and not 0 <= low <= top:
        raise bad_form(f"{where}: min_length is 0 to max_length ({top:,})", field)
    return {"max_length": top}


def _options(spec: FieldSpec, where: str, field: str) -> list[str]:
    options = [o.strip() for o in spec.options or []]
    if not 1 <= len(options) <= MAX_OPTIONS:
        raise bad_form(f"{where}: a choice needs 1 to {MAX_OPTIONS} options", field)
    for n, option in enumerate(options, 1):
        if not 1 <= len(option) <= MAX_OPTION:
            raise bad_form(f"{where}: option {n} needs 1 to {MAX_OPTION} characters", field)
    if len(set(options)) != len(options):
        raise bad_form(f"{where}: the options must differ from each other", field)
    return options


def _number_limits(spec: FieldSpec, where: str, field: str) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("min", "max"):
        value = getattr(spec, name)
        if value is None:
            continue
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise bad_form(f"{where}: {name} is between -10^12 and 10^12", field)
        if spec.integer and value != int(value):
            raise bad_form(f"{where}: {name} must be a whole number (integer is set)", field)
        changes[name] = int(value) if value == int(value) else value
    if spec.min is not None and spec.max is not None and spec.min > spec.max:
        raise bad_form(f"{where}: min ({spec.min:g}) is more than max ({spec.max:g})", field)
    return changes


def _date_limits(spec: FieldSpec, where: str, field: str) -> None:
    days = {}
    for name in ("min_date", "max_date"):
        text = getattr(spec, name)
        if text is not None:
            day = parse_date(text)
            if day is None:
                raise bad_form(f"{where}: {name} is a date as YYYY-MM-DD", field)
            days[name] = day
    if len(days) == 2 and days["min_date"] > days["max_date"]:
        raise bad_form(f"{where}: min_date is after max_date", field)


def _rows_limits(spec: FieldSpec, where: str, field: str) -> dict[str, Any]:
    columns = spec.columns or []
    if not 1 <= len(columns) <= MAX_COLUMNS:
        raise bad_form(f"{where}: a list of rows needs 1 to {MAX_COLUMNS} columns", field)
    checked: list[FieldSpec] = []
    seen: set[str] = set()
    for column in columns:
        inner = f"{where}, column '{column.key}'"
        _check_key(column.key, seen, inner, field)
        if column.kind in ("long_text", "rows"):
            raise bad_form(f"{inner}: a column is {_COLUMN_WORDS}, not {column.kind}", field)
        checked.append(_check_field(column, inner, field, column=True))
    low = 0 if spec.min_rows is None else spec.min_rows
    top = DEFAULT_MAX_ROWS if spec.max_rows is None else spec.max_rows
    if not 1 <= top <= MAX_ROWS:
        raise bad_form(f"{where}: max_rows is 1 to {MAX_ROWS}", field)
    if not 0 <= low <= top:
        raise bad_form(f"{where}: min_rows is 0 to max_rows ({top})", field)
    return {"columns": checked, "min_rows": low, "max_rows": top}


def _check_rule(n: int, rule: PriceRule, fields: dict[str, FieldSpec]) -> PriceRule:
    where = f"Price rule {n}"

    def bad(message: str) -> ProtocolError:
        return bad_form(f"{where} {message}", rule.field, rule=n)

    if rule.kind not in PRICE_RULE_KINDS:
        raise bad(f"has an unknown kind '{rule.kind}' (use {_RULE_WORDS})")
    spec = fields.get(rule.field)
    if spec is None:
        raise bad(f"reads '{rule.field}', which is not a field of this form")
    if rule.kind == "per_option":
        if spec.kind != "choice":
            raise bad(f"reads '{rule.field}', which is not a choice")
        if rule.amount is not None or not rule.amounts:
            raise bad("needs amounts (option -> minor units), not an amount")
        for option, amount in rule.amounts.items():
            if option not in (spec.options or []):
                raise bad(f"has an amount for '{option}', which is not an option of '{spec.key}'")
            _check_amount(amount, bad)
        return rule
    if rule.amounts is not None or rule.amount is None:
        raise bad("needs an amount (minor units), not amounts")
    _check_amount(rule.amount, bad)
    if rule.kind == "per_row" and spec.kind != "rows":
        raise bad(f"reads '{rule.field}', which is not a list of rows")
    if rule.kind == "per_character" and spec.kind not in TEXT_LIMITS:
        raise bad(f"reads '{rule.field}', which is not a text field")
    if rule.kind == "per_unit":
        if spec.kind != "number":
            raise bad(f"reads '{rule.field}', which is not a number")
        if not spec.integer or spec.max is None:
            raise bad(f"reads '{rule.field}', which needs integer set and a max")
    return rule


def _check_amount(amount: int, bad: Any) -> None:
    if not 0 <= amount <= MAX_PRICE:
        raise bad(f"has an amount of {amount:,}: amounts are 0 to {MAX_PRICE:,} minor units")


def _most_added(rule: PriceRule, spec: FieldSpec) -> int:
    """The most `rule` can add to a unit price, given its field's limits."""
    if rule.kind == "per_option":
        return max((rule.amounts or {}).values(), default=0)
    amount = rule.amount or 0
    if rule.kind == "per_row":
        return amount * (spec.max_rows or 0)
    if rule.kind == "per_character":
        return amount * (spec.max_length or 0)
    return amount * max(0, int(spec.max or 0))
