"""`cartstart-conformance`: run the kit against a store on a hub, print the report, and exit 0
when every check passed, 1 when one failed, 2 for bad arguments or a hub that cannot be
reached."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from .kit import Options
from .report import Report, TextReport, write_json
from .runner import HubUnavailable, run_kit

EPILOG = """\
The kit changes the store a little, and puts it back: a throwaway shopper account, a +1 then -1
stock adjustment, a hold released, one test order placed and rejected. docs/conformance.md says
what each check asserts and why. The key and secret may come from $CARTSTART_STORE_KEY and
$CARTSTART_WEBHOOK_SECRET instead of the command line (where other users can see them).
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cartstart-conformance",
        description="Check a store's CartStart integration against a hub, as the docs promise.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--hub", required=True, help="the hub's HTTP address")
    parser.add_argument("--store-id", required=True, help="the store's id on that hub")
    parser.add_argument(
        "--store-key",
        default=os.environ.get("CARTSTART_STORE_KEY"),
        help="the store's API key (default: $CARTSTART_STORE_KEY)",
    )
    parser.add_argument(
        "--webhook-secret",
        default=os.environ.get("CARTSTART_WEBHOOK_SECRET"),
        help="the whsec_... the hub answered when the webhook URL was set; with it the kit "
        "also signs webhooks genuinely (default: $CARTSTART_WEBHOOK_SECRET)",
    )
    parser.add_argument(
        "--check-pages",
        action="store_true",
        help="fetch a product page and check that it loads the widget and marks the product",
    )
    parser.add_argument(
        "--webhook-timeout",
        type=float,
        default=Options.webhook_timeout,
        help="seconds to wait for the test order's webhook to be acknowledged (default: "
        "%(default)g; the hub retries after 2, 4, 8 s)",
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON (for CI)")
    return parser


async def _run(options: Options, as_json: bool) -> Report:
    if as_json:
        report = await run_kit(options)
        write_json(report, sys.stdout)
        return report
    text = TextReport(sys.stdout, options.hub_url, options.store_id)
    report = await run_kit(options, on_result=text.result)
    text.footer(report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.store_key:
        parser.error("give --store-key, or set CARTSTART_STORE_KEY")
    if not args.hub.startswith(("http://", "https://")):
        parser.error(
            f"--hub is the hub's HTTP address (http://... or https://...), not {args.hub!r}"
        )
    if args.webhook_timeout <= 0:
        parser.error("--webhook-timeout must be more than 0 seconds")
    options = Options(
        hub_url=args.hub,
        store_id=args.store_id,
        store_key=args.store_key,
        webhook_secret=args.webhook_secret or None,
        check_pages=args.check_pages,
        webhook_timeout=args.webhook_timeout,
    )
    try:
        report = asyncio.run(_run(options, args.json))
    except HubUnavailable as exc:
        print(f"cartstart-conformance: {exc}", file=sys.stderr)
        return 2
    return 0 if report.ok else 1
