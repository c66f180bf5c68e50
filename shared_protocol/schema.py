"""The JSON Schema of every channel, generated from the models (docs/protocol.schema.json).

Run `python -m shared_protocol.schema docs/protocol.schema.json` to refresh the committed copy; a
test fails while it is stale.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from pydantic import TypeAdapter

from .codec import Channel, channel_union, command_union
from .errors import ErrorCode
from .session import SUPPORTED_VERSIONS


def protocol_schema() -> dict[str, Any]:
    inputs: list[tuple[str, Any, TypeAdapter[Any]]] = []
    for channel in Channel:
        for direction in ("client", "server"):
            name = f"{channel.value.capitalize()}{direction.capitalize()}Message"
            inputs.append((name, "validation", TypeAdapter(channel_union(channel, direction))))
        name = f"{channel.value.capitalize()}Command"
        inputs.append((name, "validation", TypeAdapter(command_union(channel))))
    by_key, top = TypeAdapter.json_schemas(inputs, ref_template="#/$defs/{model}")
    defs: dict[str, Any] = dict(top.get("$defs", {}))
    channels: dict[str, Any] = {}
    for (name, _mode), schema in by_key.items():
        defs[name] = schema
    for definition in defs.values():
        # Every message has a `type` (the codec answers unknown_type without one); pydantic
        # leaves a field with a default out of `required`, so a validator would not know.
        kind = definition.get("properties", {}).get("type", {})
        if "const" in kind and "type" not in definition.get("required", []):
            definition["required"] = ["type", *definition.get("required", [])]
    for channel in Channel:
        cap = channel.value.capitalize()
        channels[channel.value] = {
            "client": {"$ref": f"#/$defs/{cap}ClientMessage"},
            "server": {"$ref": f"#/$defs/{cap}ServerMessage"},
            "command": {"$ref": f"#/$defs/{cap}Command"},
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://cartstart.invalid/protocol.schema.json",
        "title": "CartStart protocol",
        "description": "Every message on every channel. Validate a frame against "
        "#/$defs/<Channel><Direction>Message, e.g. CartClientMessage.",
        "x-protocol-versions": list(SUPPORTED_VERSIONS),
        "x-error-codes": [code.value for code in ErrorCode],
        "x-channels": channels,
        "$defs": dict(sorted(defs.items())),
    }


def render() -> str:
    return json.dumps(protocol_schema(), indent=2, sort_keys=False) + "\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    text = render()
    if args:
        with open(args[0], "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
