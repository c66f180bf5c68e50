"""`cartstart-demo`: a demo federation from the outside, as shops and an admin would run one.

The hub runs as a subprocess (`cartstart-server serve`), the demo stores are registered with the
hub's own CLI, the demo shopper through its public API, and two demo shops are served in this
process, talking to the hub only through the store API client. Then the desktop cart opens.
Ctrl-C or SIGTERM stops the shops, then the hub, then the desktop cart.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from storefront_templates.store_api import StoreApiError

from .app import ShopConfig
from .catalogue import CATALOGUES
from .desktop import DEMO_EMAIL, DEMO_NAME, DEMO_PASSWORD, launch_desktop
from .hub_admin import HubError, HubSettings, RunningHub, create_shopper, running_hub, store_keys
from .market import FIRMS, contact_email, open_firm, set_up_market
from .shop import ShopNotServed, serving
from .team import DEMO_AGENT_EMAIL, DEMO_AGENT_NAME, DEMO_AGENT_PASSWORD, ensure_agent

# The demo shops, in order: the first is served on --shops-port, the next on the port after.
DEMO_SHOPS = ("bookshop", "ceramics")
FIRST_SHOP_PORT = 8750
DESKTOP_STOP_TIMEOUT = 5.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="cartstart-demo",
        description="Run a CartStart hub (cartstart-server) with two demo shops and open the "
        "desktop cart: the stores are registered with the hub's CLI (once: their keys are kept "
        "in the data directory and stay the same on every run), the shops register their "
        "catalogues through the store API and serve their pages, a demo shopper is created and "
        "the desktop cart opens signed in (when there is a display). Prints the URLs and API "
        "keys. A rerun keeps everything (carts, orders, stock sold); --fresh starts from "
        "nothing. Ctrl-C stops it all.",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(".demo"),
        help="the hub's data directory; the demo's desktop cart keeps its files in its "
        "desktop/ (default: .demo)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start from nothing: delete the data directory first (stores get new ids and keys, "
        "the one-of-a-kind items are back in stock, carts and orders are gone)",
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="a hub config file (TOML), passed to the hub"
    )
    parser.add_argument(
        "--host", default=None, help="address for the hub and the shops (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=None, help="the hub's HTTP port (default 8740)")
    parser.add_argument(
        "--ws-port", type=int, default=None, help="the hub's WebSocket port (default: --port + 1)"
    )
    parser.add_argument(
        "--shops-port",
        type=int,
        default=FIRST_SHOP_PORT,
        help=f"the first demo shop's port; the second uses the next one (default {FIRST_SHOP_PORT})",
    )
    return parser.parse_args(argv)


def banner(
    hub: RunningHub,
    data_dir: Path,
    shops: list[ShopConfig],
    firms: dict[str, tuple[str, str]],
    desktop_line: str,
) -> str:
    lines = [
        "",
        "CartStart demo is running (Ctrl-C stops it).",
        f"  Hub          {hub.http_url}   (OpenAPI: {hub.http_url}/docs)",
        f"  WebSockets   {hub.ws_url}/ws/cart | /ws/page | /ws/store | /ws/live",
        f"  Health       {hub.http_url}/healthz    Metrics {hub.http_url}/metrics",
        f"  Console      {hub.http_url}/console   (sign in with a store's api key)",
        f"  Data         {data_dir / 'hub.sqlite3'}",
        "",
    ]
    for shop in shops:
        lines += [
            f"  {shop.catalogue.name}",
            f"    shop     {shop.url}/        counter {shop.url}/counter",
            f"    live     {hub.http_url}/live/{shop.store_id}   (its Direct Selling Page)",
            f"    store id {shop.store_id}",
            f"    api key  {shop.api_key}",
            f"    agent    {hub.http_url}/console?store={shop.store_id}   (Agent sign-in)",
        ]
    lines += ["", f"  Marketplace  {hub.http_url}/market/   (English and Serbian)"]
    for firm in FIRMS:
        store_id, api_key = firms[firm.name]
        lines += [
            f"  {firm.name} (marketplace only, requests to {contact_email(firm)})",
            f"    console  {hub.http_url}/console?store={store_id}   api key {api_key}",
        ]
    first = shops[0]
    lines += [
        "",
        f"  Shopper      {DEMO_EMAIL} / {DEMO_PASSWORD}",
        f"  Agent        {DEMO_AGENT_NAME}, {DEMO_AGENT_EMAIL} / {DEMO_AGENT_PASSWORD} (each shop)",
        f"  Desktop cart {desktop_line}",
        "",
        "Try it: open a shop in a browser and choose Add to cart: the CartStart window asks",
        "once for the code from the cart's 'Connect a browser…', then each shop connects with",
        "one click (or open a page from the cart's Bookmarks). Sell the last unit at the shop",
        "counter and watch the cart and every page showing it.",
        f"  curl -s '{hub.http_url}/api/page/availability?p={first.store_id}:{first.catalogue.items[0].id}'",
        "",
    ]
    return "\n".join(lines)


def _stop_desktop(desktop: list[subprocess.Popen[bytes]]) -> None:
    for process in desktop:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(DESKTOP_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def run(args: argparse.Namespace) -> int:
    """The demo until a signal (0) or until the hub dies (1)."""
    settings = HubSettings(args.data_dir, args.config, args.host, args.port, args.ws_port)
    loop = asyncio.get_running_loop()
    main = asyncio.current_task()
    assert main is not None
    stop = asyncio.Event()
    running = False

    def on_signal() -> None:
        # Starting: interrupt whatever is awaited (the exit stack cleans up). Running: wake the
        # wait below. Either way once; a second Ctrl-C must not cut the cleanup short.
        if not stop.is_set():
            stop.set()
            if not running:
                main.cancel()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    desktop: list[subprocess.Popen[bytes]] = []
    try:
        # Unwinds in reverse: the shops, then the hub, then the desktop cart.
        async with contextlib.AsyncExitStack() as stack:
            stack.callback(_stop_desktop, desktop)
            names = [CATALOGUES[shop].name for shop in DEMO_SHOPS]
            # Before `serve`, so only one process writes the database at a time.
            keys = await store_keys(settings, names + [firm.name for firm in FIRMS])
            await set_up_market(settings)
            hub = await stack.enter_async_context(running_hub(settings))
            host = args.host or "127.0.0.1"
            shops = [
                ShopConfig(hub.http_url, *keys[CATALOGUES[name].name], CATALOGUES[name], host, port)
                for port, name in enumerate(DEMO_SHOPS, start=args.shops_port)
            ]
            for shop in shops:
                await ensure_agent(hub.http_url, shop.store_id, shop.api_key)
                await stack.enter_async_context(serving(shop))
            for firm in FIRMS:
                await open_firm(hub.http_url, *keys[firm.name], firm)
            await create_shopper(hub.http_url, DEMO_EMAIL, DEMO_PASSWORD, DEMO_NAME)
            process, desktop_line = launch_desktop(hub.http_url, args.data_dir / "desktop")
            desktop.extend([process] if process else [])
            firms = {firm.name: keys[firm.name] for firm in FIRMS}
            print(banner(hub, args.data_dir, shops, firms, desktop_line), flush=True)
            running = True
            hub_exit = asyncio.create_task(hub.process.wait())
            signalled = asyncio.create_task(stop.wait())
            await asyncio.wait({hub_exit, signalled}, return_when=asyncio.FIRST_COMPLETED)
            signalled.cancel()
            if stop.is_set():  # a Ctrl-C reaches the hub too: its exit then is no failure
                hub_exit.cancel()
                return 0
            code = hub_exit.result()
            how = f"was killed (signal {-code})" if code < 0 else f"exited (status {code})"
            print(f"cartstart-demo: the hub {how}; stopping the demo", file=sys.stderr, flush=True)
            return 1
    except asyncio.CancelledError:
        if stop.is_set():
            return 0
        raise


def start_fresh(data_dir: Path) -> None:
    """Delete a demo's data directory, and nothing that does not look like one."""
    if not data_dir.exists():
        return
    if not (data_dir / "hub.sqlite3").exists() and any(data_dir.iterdir()):
        raise OSError(f"{data_dir} does not look like a demo's data directory; not deleting it")
    shutil.rmtree(data_dir)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.fresh:
            start_fresh(args.data_dir)
        return asyncio.run(run(args))
    except (HubError, StoreApiError, ShopNotServed, OSError) as exc:
        print(f"cartstart-demo: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # before the loop's own handlers were in place
        return 130


if __name__ == "__main__":
    sys.exit(main())
