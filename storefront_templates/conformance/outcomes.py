"""How a check ends besides passing, and the hub's error answers read as the protocol defines
them (docs/protocol.md, section 3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx


class Failed(Exception):
    """A check failed; the message is the reason, written for the people who run the kit."""


class Skipped(Exception):
    """A check could not run (an earlier check failed, or an option was not given)."""


@dataclass(frozen=True)
class HubError:
    status: int
    code: str
    message: str
    details: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.status} {self.code}"


def hub_error(response: httpx.Response) -> HubError:
    """The `{"error": {"code", "message", "details"}}` body of a refusal; a body of any other
    shape fails the check that met it."""
    shape = '{"error": {"code", "message", "details"}}'
    try:
        error = json.loads(response.content)["error"]
        code, message, details = error["code"], error["message"], error["details"]
    except (ValueError, KeyError, TypeError):
        raise Failed(
            f"the hub answered HTTP {response.status_code} with a body that is not {shape}: "
            f"{response.text[:120]!r}"
        ) from None
    if not (isinstance(code, str) and isinstance(message, str) and isinstance(details, dict)):
        raise Failed(
            f"the hub's error body is not {shape} with a string code and message and an "
            f"object for details: {response.text[:200]}"
        )
    if not message.strip():
        raise Failed(f"the hub's {code} error has an empty message: people need a reason")
    return HubError(response.status_code, code, message, details)
