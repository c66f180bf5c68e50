"""Running the checks in order. Each ends passed, failed with its reason, or skipped; whatever
happens, the kit then puts back what it changed and says what it touched."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import httpx
from pydantic import ValidationError
from websockets.exceptions import WebSocketException

from shared_protocol import PROTOCOL_VERSION
from storefront_templates.store_api import HubRefused, HubUnreachable, StoreApiError

from . import pages, refusals, registration, stock, stream, webhooks
from .kit import USER_AGENT, Check, Discovery, Kit, Options
from .outcomes import Failed, Skipped
from .report import Report, Result, Spec, Status

CHECKS: list[Check] = [
    *registration.CHECKS,
    *pages.CHECKS,
    *stock.CHECKS,
    *stream.CHECKS,
    *refusals.CHECKS,
    *webhooks.CHECKS,
]
CHECK_TIMEOUT = 60.0  # seconds, beyond the wait for a webhook


class HubUnavailable(Exception):
    """The hub cannot be reached or is not a CartStart hub: nothing was checked."""


async def discover(options: Options) -> Discovery:
    """`GET /.well-known/cartstart.json`: where the WebSockets are, and the protocol versions."""
    url = options.hub_url.rstrip("/") + "/.well-known/cartstart.json"
    try:
        async with httpx.AsyncClient(
            timeout=options.http_timeout, headers={"User-Agent": USER_AGENT}
        ) as http:
            answer = await http.get(url)
    except httpx.HTTPError as exc:
        raise HubUnavailable(
            f"cannot reach the hub at {options.hub_url} ({type(exc).__name__}: {exc})"
        ) from None
    try:
        answer.raise_for_status()
        discovery = Discovery.model_validate_json(answer.content)
    except (httpx.HTTPStatusError, ValidationError):
        raise HubUnavailable(
            f"{options.hub_url} does not look like a CartStart hub: GET {url} answered HTTP "
            f"{answer.status_code} without the discovery document"
        ) from None
    if PROTOCOL_VERSION not in discovery.protocol_versions:
        raise HubUnavailable(
            f"the hub speaks protocol versions {discovery.protocol_versions}; this kit speaks "
            f"{PROTOCOL_VERSION}"
        )
    return discovery


async def run_check(kit: Kit, check: Check) -> Result:
    spec = check.spec
    limit = CHECK_TIMEOUT + kit.options.webhook_timeout
    try:
        async with asyncio.timeout(limit):
            detail = await check.run(kit)
    except Failed as exc:
        return Result(spec, Status.FAIL, str(exc))
    except Skipped as exc:
        return Result(spec, Status.SKIP, str(exc))
    except HubRefused as exc:
        why = f"the hub refused a request the kit made: {exc.message} ({exc.code}, {exc.status})"
        return Result(spec, Status.FAIL, why)
    except (HubUnreachable, httpx.HTTPError, WebSocketException, OSError) as exc:
        return Result(spec, Status.FAIL, f"the hub stopped answering: {exc}")
    except TimeoutError:
        return Result(spec, Status.FAIL, f"gave up after {limit:g} s")
    except (StoreApiError, ValidationError) as exc:
        return Result(spec, Status.FAIL, f"the hub's answer was not understood: {exc}")
    except Exception as exc:  # a bug in the kit: say so, and still clean up
        why = f"the kit itself failed ({type(exc).__name__}: {exc}); please report it"
        return Result(spec, Status.FAIL, why)
    return Result(spec, Status.PASS, detail)


async def clean_up(kit: Kit) -> str:
    touched = kit.touched
    changed = bool(touched.adjusted or touched.holds or touched.orders)
    problems: list[str] = []
    for step, undo in (
        ("release the kit's hold", kit.release_holds),
        ("reject the kit's test order", kit.reject_orders),
        ("put the stock back", kit.put_stock_back),
    ):
        try:
            await undo()
        except (Failed, StoreApiError, httpx.HTTPError) as exc:
            problems.append(f"could not {step}: {exc}")
    with contextlib.suppress(httpx.HTTPError):
        await kit.log_out()
    if problems:
        raise Failed("; ".join(problems) + " (below: what the kit changed)")
    if not changed:
        raise Skipped("the kit changed nothing to put back")
    return "no hold left, test orders rejected, stock as it was"


CLEANUP = Check(
    Spec(
        "cleanup",
        "Cleanup",
        "The kit put back what it changed",
        "docs/conformance.md#what-it-changes-in-your-store",
    ),
    clean_up,
)


async def run_kit(options: Options, on_result: Callable[[Result], None] | None = None) -> Report:
    """Every check against the store, in order, then the cleanup. Raises HubUnavailable when
    the hub cannot be reached at all."""
    discovery = await discover(options)
    report = Report(options.hub_url, options.store_id)
    kit = Kit(options, discovery)

    def record(result: Result) -> None:
        report.results.append(result)
        if on_result is not None:
            on_result(result)

    try:
        for check in CHECKS:
            record(await run_check(kit, check))
    finally:
        record(await run_check(kit, CLEANUP))
        report.store_name = kit.info.name if kit.info else None
        report.touched = kit.touched.lines()
        await kit.close()
    return report
