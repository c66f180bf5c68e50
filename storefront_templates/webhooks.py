"""Checking a CartStart webhook on the shop's side: the signature over the raw body, then the
order event in it (docs/protocol.md, "Webhooks"). Import these from
`storefront_templates.store_api`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from shared_protocol import webhooks
from shared_protocol.store import OrderEvent

SIGNATURE_HEADER = webhooks.HEADER


class WebhookRefused(ValueError):
    """The POST is not a webhook from the hub (bad or missing signature, or too old)."""


def _header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name)
    if value is None:  # a plain dict may hold the name in any case
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), "")
    return value


def verify_webhook(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    now: float | None = None,
    tolerance: float = 300,
) -> bool:
    """Whether `body` (the raw request body) was signed by the hub with `secret` within
    `tolerance` seconds of `now`. Check before parsing or believing a word of it."""
    try:
        text = body.decode() if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        return False
    signature = _header(headers, SIGNATURE_HEADER)
    moment = time.time() if now is None else now
    return webhooks.verify(secret, signature, text, moment, tolerance)


def read_webhook(
    secret: str, headers: Mapping[str, str], body: bytes | str, *, now: float | None = None
) -> OrderEvent:
    """The order event in a webhook POST, once its signature checks out."""
    if not verify_webhook(secret, headers, body, now=now):
        raise WebhookRefused("the webhook's signature does not check out")
    return OrderEvent.model_validate_json(body)
