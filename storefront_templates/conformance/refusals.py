"""Errors as documented: each refusal of the store API has the code and HTTP status of
docs/protocol.md section 3, in the one error shape `{"error": {"code", "message", "details"}}`.
Hub-side behaviour, shown with the store's own key."""

from __future__ import annotations

from typing import Any

from shared_protocol.errors import HTTP_STATUS, ErrorCode

from .kit import Check, Kit
from .outcomes import Failed, HubError, hub_error
from .report import Side, Spec

SECTION = "Errors as documented"
ERRORS = "docs/protocol.md#3-errors"
NO_SUCH_PRODUCT = "cartstart-conformance-no-such-product"
OTHER_STORE = "cartstart-conformance-other-store"
JSON = {"Content-Type": "application/json"}


async def _refused(kit: Kit, code: ErrorCode, method: str, path: str, **request: Any) -> HubError:
    """Send a request that must be refused with `code` (and its status); fail otherwise."""
    answer = await kit.http.request(method, path, **request)
    expected = f"{HTTP_STATUS[code]} {code}"
    if answer.is_success:
        raise Failed(
            f"{method} {path} was accepted (HTTP {answer.status_code}); expected {expected}"
        )
    error = hub_error(answer)
    if (error.status, error.code) != (HTTP_STATUS[code], code):
        raise Failed(f"{method} {path} answered {error}, not {expected}: {error.message!r}")
    return error


async def bad_json(kit: Kit) -> str:
    path = f"{kit.path}/products/{kit.need_products()[0].id}/stock"
    bodies = {
        "a body that is not JSON": (b"this is not JSON", JSON),
        "a body that is not UTF-8": (b'{"on_hand": "\xff"}', JSON),
        "a body that is not JSON, sent as text/plain": (
            b"this is not JSON",
            {"Content-Type": "text/plain"},
        ),
        "a JSON array (not an object)": (b"[1]", JSON),
    }
    wrong: list[str] = []
    for what, (body, headers) in bodies.items():
        answer = await kit.http.put(path, content=body, headers={**kit.auth, **headers})
        error = None if answer.is_success else hub_error(answer)
        if error is None or (error.status, error.code) != (400, ErrorCode.BAD_JSON):
            wrong.append(f"{error or f'HTTP {answer.status_code}'} to {what}")
    if wrong:
        raise Failed(
            f"the hub answered {'; '.join(wrong)}; section 3 says 400 bad_json for a body that "
            "is not JSON, or not a JSON object"
        )
    return f"each of {len(bodies)} bodies: not JSON, not UTF-8, sent as text/plain, a JSON array"


async def not_found(kit: Kit) -> str:
    kit.need_info()
    error = await _refused(
        kit, ErrorCode.NOT_FOUND, "GET", f"{kit.path}/products/{NO_SUCH_PRODUCT}", headers=kit.auth
    )
    return repr(error.message)


async def invalid_value(kit: Kit) -> str:
    path = f"{kit.path}/products/{kit.need_products()[0].id}/stock"
    error = await _refused(
        kit, ErrorCode.INVALID_MESSAGE, "PUT", path, json={"on_hand": -1}, headers=kit.auth
    )
    problems = error.details.get("problems")
    if not (
        isinstance(problems, list)
        and problems
        and all(isinstance(p, dict) and {"loc", "msg"} <= p.keys() for p in problems)
    ):
        raise Failed(f"422 invalid_message without details.problems as [{{loc, msg}}]: {problems}")
    return repr(error.message)


async def unauthorized(kit: Kit) -> str:
    kit.need_info()
    key = kit.options.store_key
    wrong_key = key[:-1] + ("A" if key[-1:] != "A" else "B")
    messages = []
    for headers in ({}, {"Authorization": f"Bearer {wrong_key}"}):
        error = await _refused(kit, ErrorCode.UNAUTHORIZED, "GET", kit.path, headers=headers)
        messages.append(repr(error.message))
    return f"without a key {messages[0]}, with a wrong one {messages[1]}"


async def forbidden(kit: Kit) -> str:
    kit.need_info()
    path = f"/api/stores/{OTHER_STORE}/products"
    error = await _refused(kit, ErrorCode.FORBIDDEN, "GET", path, headers=kit.auth)
    return repr(error.message)


def _spec(check_id: str, title: str) -> Spec:
    return Spec(check_id, SECTION, title, ERRORS, Side.HUB)


CHECKS = [
    Check(_spec("errors.bad_json", "A body that is not a JSON object: 400 bad_json"), bad_json),
    Check(_spec("errors.not_found", "An unknown product: 404 not_found"), not_found),
    Check(_spec("errors.invalid", "A bad value (on_hand -1): 422 invalid_message"), invalid_value),
    Check(_spec("errors.unauthorized", "No key or a wrong key: 401 unauthorized"), unauthorized),
    Check(_spec("errors.forbidden", "Another store's path: 403 forbidden"), forbidden),
]
