"""Hypothesis strategies for protocol frames, derived from the protocol's JSON Schema.

Nothing here is written per message. Each message's strategy is built from its definition in
`protocol_schema()` (the document committed as docs/protocol.schema.json, which a test keeps in
step with the models), so generated frames honour every constraint a client in another
language is told about: patterns, lengths, bounds, `const` types, `additionalProperties: false`,
optional fields present or not. A new message or field is covered the day its model has it.

Why the JSON Schema and not `st.builds(Model)`: Hypothesis reads annotated-types bounds from
pydantic fields but not pydantic's `pattern`, so most identifiers it built would be invalid; and
the schema is the contract other implementations validate against, so generating from it also
tests that the schema and the hub's validator agree. Why not hypothesis-jsonschema: its last
release (0.23.1) fails with current Hypothesis (`'many' object has no attribute 'more'`), and
Schemathesis 4 no longer uses it. The converter here (`_from_schema`) covers the keywords
pydantic writes and stops on any other, and everything it makes is checked by the oracle below.

Mutated frames (a field dropped, a value of another JSON type, an unknown field or type, huge
numbers, deep nesting, truncated or garbled text, bytes that are not UTF-8, JSON that is not an
object, a lone surrogate) come with no expected answer of their own: `expected_code` works the
answer out from the JSON Schema alone (jsonschema-rs, whose regexes behave like pydantic's), so
a frame the schema allows must be accepted and any other refused with the documented code.

One adjustment: generated lists have at most 3 items and strings at most 100 characters (and,
on request, integers fit in 64 bits), so examples stay small. Those caps narrow what is
generated, never what is judged. JSON text no JSON Schema can judge (NaN, Infinity, numbers
beyond a double, a lone UTF-16 surrogate, which is not text) is bad_json (protocol.md section
3), and an integral number with a fraction or exponent (1.0, 1e0) is an integer, as JSON Schema
says.
"""

from __future__ import annotations

import json
import math
import re
import string
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema_rs
from hypothesis import strategies as st
from pydantic import BaseModel

from shared_protocol import Channel, ErrorCode
from shared_protocol.codec import (
    MAX_DEPTH,
    Direction,
    channel_union,
    message_type,
    union_members,
)
from shared_protocol.schema import protocol_schema

JSON = Any
Path = tuple[str | int, ...]

# The codes a frame's content can earn from the codec (protocol.md section 3).
DECODE_CODES = frozenset({"bad_json", "unknown_type", "invalid_message"})
DOCUMENTED_CODES = frozenset(code.value for code in ErrorCode)
# The largest integer SQLite (and PostgreSQL's BIGINT) stores.
INT64_MAX = 2**63 - 1

# ---- the schema -----------------------------------------------------------------------------


@cache
def _defs() -> dict[str, Any]:
    """The schema's definitions, as published."""
    defs: dict[str, Any] = protocol_schema()["$defs"]
    return defs


def models(channel: Channel, direction: Direction) -> dict[str, type[BaseModel]]:
    """The channel's messages in one direction, by `type`."""
    return {message_type(m): m for m in union_members(channel_union(channel, direction))}


def _definition_name(channel: Channel, direction: Direction, kind: str) -> str:
    name = models(channel, direction)[kind].__name__
    assert name in _defs(), f"{name} is not in protocol_schema()"
    return name


def message_schema(channel: Channel, direction: Direction, kind: str) -> dict[str, Any]:
    """The JSON Schema of one message (its definition, and every definition it refers to)."""
    return {"$defs": _defs(), "$ref": f"#/$defs/{_definition_name(channel, direction, kind)}"}


@cache
def _validator(channel: Channel, direction: Direction, kind: str) -> Any:
    return jsonschema_rs.Draft202012Validator(message_schema(channel, direction, kind))


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _defs()[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _alternatives(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    schema = _resolve(schema)
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        for branch in branches:
            yield from _alternatives(branch)
    else:
        yield schema


def json_types_at(channel: Channel, direction: Direction, kind: str, path: Path) -> set[str]:
    """The JSON types the schema allows at `path` inside a `kind` message (empty: unknown)."""
    schemas = [message_schema(channel, direction, kind)]
    for step in path:
        following: list[dict[str, Any]] = []
        for schema in schemas:
            for alt in _alternatives(schema):
                if isinstance(step, int) and "items" in alt:
                    following.append(alt["items"])
                elif isinstance(step, str) and step in alt.get("properties", {}):
                    following.append(alt["properties"][step])
        schemas = following
    types: set[str] = set()
    for schema in schemas:
        for alt in _alternatives(schema):
            if "const" in alt or "enum" in alt:
                types.add(alt.get("type", "string"))
            elif isinstance(alt.get("type"), str):
                types.add(alt["type"])
    return types


# ---- what the codec must answer -----------------------------------------------------------


def nesting_depth(text: str) -> int:
    """How deeply `text` nests arrays and objects, strings skipped (a scanner of its own, not
    the codec's)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def decode(raw: str | bytes) -> tuple[dict[str, Any] | None, str | None]:
    """(the frame's object, None) or (None, "bad_json"), as protocol.md section 3 says."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        return None, "bad_json"
    if nesting_depth(text) > MAX_DEPTH:
        return None, "bad_json"
    try:
        obj = json.loads(text, parse_constant=_refuse, parse_float=_finite)
    except ValueError:
        return None, "bad_json"
    if not isinstance(obj, dict) or any(_has_surrogate(v) for _, v in _paths(obj)):
        return None, "bad_json"
    return obj, None


def _refuse(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} does not fit a double")
    return value


def schema_allows(channel: Channel, direction: Direction, obj: dict[str, Any]) -> bool:
    """Whether the JSON Schema accepts `obj` as the message its `type` names."""
    return bool(_validator(channel, direction, obj["type"]).is_valid(obj))


def holds_int_beyond_64_bits(node: JSON) -> bool:
    if isinstance(node, dict):
        return any(holds_int_beyond_64_bits(v) for v in node.values())
    if isinstance(node, list):
        return any(holds_int_beyond_64_bits(v) for v in node)
    return isinstance(node, int) and not isinstance(node, bool) and abs(node) > INT64_MAX


def _has_surrogate(value: JSON) -> bool:
    texts = [value] if isinstance(value, str) else list(value) if isinstance(value, dict) else []
    return any(0xD800 <= ord(c) <= 0xDFFF for text in texts for c in text)


def expected_code(channel: Channel, direction: Direction, raw: str | bytes) -> str | None:
    """The error code the codec must raise for `raw`, or None when it must accept it."""
    obj, problem = decode(raw)
    if obj is None:
        return problem
    kind = obj.get("type")
    if not isinstance(kind, str) or kind not in models(channel, direction):
        return "unknown_type"
    return None if schema_allows(channel, direction, obj) else "invalid_message"


def expected_before_hello(channel: Channel, raw: str | bytes) -> str | None:
    """The answer to a frame sent before `hello` (protocol.md section 2 and ws_session): not a
    JSON object is bad_json; any type but hello is hello_required; a malformed hello is
    invalid_message. None: a well-formed hello."""
    obj, problem = decode(raw)
    if obj is None:
        return problem
    if obj.get("type") != "hello":
        return "hello_required"
    return None if schema_allows(channel, "client", obj) else "invalid_message"


# ---- valid messages ------------------------------------------------------------------------


# The keywords pydantic writes into our schema, and those that only annotate. A keyword outside
# both fails here, loudly, rather than being generated wrongly.
_ANNOTATIONS = {"title", "description", "default", "discriminator"}
_KEYWORDS = {
    "$ref", "anyOf", "oneOf", "const", "enum", "type", "properties", "required",
    "additionalProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "pattern",
    "minimum", "maximum",
}  # fmt: skip
_CHAR_CLASS_RUN = re.compile(r"^\^\[([^\]]+)\]\+\$$")  # ^[...]+$: identifiers

_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
ANY_JSON: st.SearchStrategy[JSON] = st.recursive(
    _json_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


def _string(schema: dict[str, Any]) -> st.SearchStrategy[str]:
    low = schema.get("minLength", 0)
    high = min(schema.get("maxLength", 100), max(100, low))  # small examples (module doc)
    pattern = schema.get("pattern")
    if pattern is None:
        return st.text(min_size=low, max_size=high)
    run = _CHAR_CLASS_RUN.match(pattern)
    if run:  # as many characters of the class as the lengths allow, without rejections
        char = st.from_regex(f"[{run.group(1)}]", fullmatch=True)
        return st.lists(char, min_size=max(low, 1), max_size=high).map("".join)
    return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)


def _object(schema: dict[str, Any], int64: bool) -> st.SearchStrategy[dict[str, JSON]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    fields = {name: _from_schema(sub, int64) for name, sub in properties.items()}
    extra = schema.get("additionalProperties", True)
    open_ended = extra is not False
    extra_names = st.text(max_size=12).filter(lambda name: name not in properties)
    # A map (`dict[str, X]`) says what its values are; an open object's extras are any JSON.
    extra_values = _from_schema(extra, int64) if isinstance(extra, dict) else ANY_JSON

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, JSON]:
        out = {}
        for name, strategy in fields.items():
            if name in required or draw(st.booleans()):
                out[name] = draw(strategy)
        if open_ended:  # hub messages: clients must ignore what they do not know
            out.update(draw(st.dictionaries(extra_names, extra_values, max_size=2)))
        return out

    return build()


def _from_schema(schema: dict[str, Any], int64: bool) -> st.SearchStrategy[JSON]:
    """Instances of one (sub)schema: the subset of JSON Schema that pydantic writes for us."""
    unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
    assert not unknown, f"the strategies do not know {sorted(unknown)}: teach _from_schema"
    if "$ref" in schema:
        return _definition(schema["$ref"], int64)
    if "anyOf" in schema or "oneOf" in schema:
        return st.one_of([_from_schema(s, int64) for s in schema.get("anyOf") or schema["oneOf"]])
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return _object(schema, int64)
    if kind == "array":
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", 3), max(3, low))  # small examples (module doc)
        return st.lists(_from_schema(schema.get("items", {}), int64), min_size=low, max_size=high)
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if int64:  # what SQLite stores (the hub's bug with more is its own test)
            low = max(low, -INT64_MAX) if low is not None else -INT64_MAX
            high = min(high, INT64_MAX) if high is not None else INT64_MAX
        return st.integers(low, high)
    if kind == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        floats = st.floats(low, high, allow_nan=False, allow_infinity=False)
        return floats | st.integers(
            None if low is None else math.ceil(low), None if high is None else math.floor(high)
        )
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    assert kind is None, kind
    return ANY_JSON


@cache
def _definition(ref: str, int64: bool) -> st.SearchStrategy[JSON]:
    return st.deferred(lambda: _from_schema(_resolve({"$ref": ref}), int64))


def _generator(
    channel: Channel, direction: Direction, kind: str, int64: bool
) -> st.SearchStrategy[JSON]:
    return _definition(f"#/$defs/{_definition_name(channel, direction, kind)}", int64)


Ids = Mapping[str, Sequence[str]]


def _steer(draw: st.DrawFn, node: JSON, ids: Ids) -> JSON:
    """Half the time, an identifier field takes a value the hub knows (a seeded store, product,
    ticket or order), so valid commands reach the ledger instead of stopping at not_found."""
    if isinstance(node, list):
        return [_steer(draw, n, ids) for n in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ids and ids[key] and isinstance(value, str) and draw(st.booleans()):
            out[key] = draw(st.sampled_from(list(ids[key])))
        else:
            out[key] = _steer(draw, value, ids)
    return out


def valid_messages(
    channel: Channel,
    direction: Direction,
    *,
    kinds: Sequence[str] | None = None,
    ids: Ids | None = None,
    int64: bool = False,
) -> st.SearchStrategy[dict[str, Any]]:
    """Messages the schema allows, as JSON objects: every type of the channel and direction
    (or `kinds`), identifiers steered towards `ids` when given."""
    names = sorted(kinds if kinds is not None else models(channel, direction))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        kind = draw(st.sampled_from(names))
        obj: dict[str, Any] = draw(_generator(channel, direction, kind, int64))
        return _steer(draw, obj, ids) if ids else obj

    return build()


# ---- mutated frames ------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """A frame to send or decode, and how it was made (shown when a property fails)."""

    raw: str | bytes
    how: str


def _paths(node: JSON, prefix: Path = ()) -> Iterator[tuple[Path, JSON]]:
    yield prefix, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _replace(node: JSON, path: Path, value: JSON) -> JSON:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(node, dict):
        return {**node, head: _replace(node[head], rest, value)}
    copied = list(node)
    copied[head] = _replace(copied[head], rest, value)  # type: ignore[index]
    return copied


def _remove(node: JSON, path: Path) -> JSON:
    *parent_path, last = path
    parent = node
    for step in parent_path:
        parent = parent[step]
    if isinstance(parent, dict):
        shrunk: JSON = {k: v for k, v in parent.items() if k != last}
    else:
        shrunk = [v for i, v in enumerate(parent) if i != last]
    return _replace(node, tuple(parent_path), shrunk)


# One value of each JSON type.
_PALETTE: list[JSON] = [None, True, False, "text", "", 7, -1, 2.5, [], [1], {}, {"k": "v"}]
# As JSON text: 10**4400 is past Python's 4300-digit limit for int(), so json.loads (the hub's
# and the oracle's) refuses it and the answer is bad_json.
_HUGE_INTS = [str(2**63), str(-(2**63) - 1), str(2**64), "1" + "0" * 30, "-1" + "0" * 30]
_HUGE_INTS += ["1" + "0" * 400, "1" + "0" * 4400]
_JUNK = '{}[]:,"\\ #\x00\x7f\ttrue\u00e9\u2028.e-0'


def _json_type(value: JSON) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _text(obj: JSON) -> str:
    return json.dumps(obj)


Draw = Callable[[st.SearchStrategy[Any]], Any]
Mutation = Callable[[Draw, Channel, Direction, dict[str, Any]], str | bytes]


def _drop_field(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    paths = [p for p, _ in _paths(obj) if p and not isinstance(p[-1], int)]
    return _text(_remove(obj, draw(st.sampled_from(paths)))) if paths else _text({})


def _retype(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    path = draw(st.sampled_from([p for p, _ in _paths(obj) if p]))
    return _text(_replace(obj, path, draw(st.sampled_from(_PALETTE))))


def _unknown_field(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    targets = [p for p, v in _paths(obj) if isinstance(v, dict)]
    path = draw(st.sampled_from(targets))
    name = draw(st.text(string.ascii_lowercase + "_", min_size=1, max_size=12))
    value = draw(st.sampled_from(_PALETTE))
    parent = obj
    for step in path:
        parent = parent[step]
    return _text(_replace(obj, path, {**parent, name: value}))


def _unknown_type(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    kind = draw(st.one_of(st.text(max_size=20), st.sampled_from([None, 1, True, ["reserve"], {}])))
    return _text({**obj, "type": kind})


def _huge_number(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    """An integer field gets a number beyond 64 bits (10**4400 is past Python's 4300-digit
    limit for int(), so json.loads refuses it: bad_json)."""
    kind = obj["type"]
    paths = [
        p for p, v in _paths(obj) if p and "integer" in json_types_at(channel, direction, kind, p)
    ]
    marker = "__huge__"
    if paths:
        text = _text(_replace(obj, draw(st.sampled_from(paths)), marker))
    else:
        text = _text({**obj, "extra_number": marker})
    return text.replace(f'"{marker}"', draw(st.sampled_from(_HUGE_INTS)), 1)


def _deep(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    path = draw(st.sampled_from([p for p, _ in _paths(obj) if p] or [("type",)]))
    levels = draw(st.integers(1, 3 * MAX_DEPTH))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"k":', "}")]))
    marker = "__nested__"
    text = _text(_replace(obj, path, marker))
    return text.replace(f'"{marker}"', opener * levels + "1" + closer * levels, 1)


def _truncate(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    text = _text(obj)
    end: int = draw(st.integers(0, len(text) - 1))
    return text[:end]


def _garble(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    text = _text(obj)
    where: int = draw(st.integers(0, len(text)))
    junk: str = draw(st.text(_JUNK, min_size=1, max_size=4))
    skip: int = draw(st.integers(0, 2))
    return text[:where] + junk + text[where + skip :]


def _not_utf8(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> bytes:
    data = _text(obj).encode()
    where: int = draw(st.integers(0, len(data)))
    bad: bytes = draw(st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"]))
    return data[:where] + bad + data[where:]


def _not_an_object(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
    value = draw(
        st.recursive(scalars, lambda inner: st.lists(inner, max_size=3), max_leaves=5)
        | st.just(list(obj.items()))
    )
    return _text(value)


def _surrogate(draw: Draw, channel: Channel, direction: Direction, obj: dict[str, Any]) -> str:
    """A string field holding a lone UTF-16 surrogate (legal JSON text, not a Unicode string)."""
    kind = obj["type"]
    paths = [
        p
        for p, v in _paths(obj)
        if p
        and isinstance(v, str)
        and "string" in json_types_at(channel, direction, kind, p)
        and p != ("type",)
    ]
    if not paths:
        return _text(obj)
    return _text(_replace(obj, draw(st.sampled_from(paths)), "ab\ud800cd"))


MUTATIONS: dict[str, Mutation] = {
    "drop_field": _drop_field,
    "retype": _retype,
    "unknown_field": _unknown_field,
    "unknown_type": _unknown_type,
    "huge_number": _huge_number,
    "deep": _deep,
    "truncate": _truncate,
    "garble": _garble,
    "not_utf8": _not_utf8,
    "not_an_object": _not_an_object,
    "surrogate": _surrogate,
}


def frames(
    channel: Channel,
    direction: Direction,
    *,
    ids: Ids | None = None,
    int64: bool = False,
    kinds: Sequence[str] | None = None,
    valid_share: float = 0.3,
) -> st.SearchStrategy[Frame]:
    """Valid messages (about `valid_share` of them) and mutations of valid messages, as text
    or, now and then, as binary frames (the hub parses those the same)."""
    base = valid_messages(channel, direction, kinds=kinds, ids=ids, int64=int64)
    names = sorted(MUTATIONS)

    @st.composite
    def build(draw: st.DrawFn) -> Frame:
        obj = draw(base)
        if draw(st.floats(0, 1)) < valid_share:
            raw: str | bytes = _text(obj)
            how = f"valid {obj['type']}"
        else:
            name = draw(st.sampled_from(names))
            raw = MUTATIONS[name](draw, channel, direction, obj)
            how = f"{name} of {obj['type']}"
        if isinstance(raw, str) and draw(st.integers(0, 9)) == 0:
            try:
                raw = raw.encode()
            except UnicodeEncodeError:
                pass  # a lone surrogate cannot be UTF-8: stays a text frame (escaped in JSON)
        return Frame(raw, how)

    return build()
