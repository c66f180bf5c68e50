"""`cartstart-server`: run a federation hub and manage its stores."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import ValidationError

from shared_protocol import ProtocolError

from .broker.memory import MemoryBroker
from .clock import SystemClock
from .config import HubConfig, explain, load_config
from .hub import Hub
from .logs import setup_logging
from .runtime import tune_gc
from .server import HubServer, _url, database_for

log = logging.getLogger(__name__)


def _config(args: argparse.Namespace) -> HubConfig:
    overrides = {
        "data_dir": args.data_dir,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
        "ws_port": getattr(args, "ws_port", None),
        "database_url": getattr(args, "database_url", None),
        "redis_url": getattr(args, "redis_url", None),
        "redis_prefix": getattr(args, "redis_prefix", None),
        "single_node": getattr(args, "single_node", None),
    }
    return load_config(args.config, overrides=overrides)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="the hub's own directory, created if missing: the SQLite database (hub.sqlite3) "
        "and the marketplace's search index; unused with a database URL (PostgreSQL) "
        "(default: ./cartstart-data, or data_dir in the config "
        "file, or $CARTSTART_DATA_DIR)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="TOML file with hub settings (see docs/admin.md); CARTSTART_* environment "
        "variables override it, and these flags override both",
    )


def _listen(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=None, help="HTTP port: REST, polling, /metrics (default 8740)"
    )
    parser.add_argument(
        "--ws-port", type=int, default=None, help="WebSocket port (default: the HTTP port + 1)"
    )


def _nodes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=None,
        help="postgresql://USER:PASSWORD@HOST/DB: keep everything in PostgreSQL, shared by "
        "several nodes (default: SQLite in --data-dir; prefer $CARTSTART_DATABASE_URL, since "
        "other users can see command lines)",
    )
    parser.add_argument(
        "--redis-url",
        default=None,
        help="redis://HOST:6379/0: how nodes on one database hear each other's changes "
        "(required with --database-url unless --single-node)",
    )
    parser.add_argument(
        "--redis-prefix", default=None, help="prefix of the hub's Redis keys (default cartstart:)"
    )
    parser.add_argument(
        "--single-node",
        action="store_true",
        default=None,
        help="this is the only node on --database-url: run without Redis",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cartstart-server", description="CartStart federation hub: one cart, many stores."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the hub", description="Run the federation hub.")
    _common(serve)
    _listen(serve)
    _nodes(serve)
    serve.set_defaults(run=cmd_serve)

    store = sub.add_parser("store", help="manage stores", description="Manage stores.")
    store_sub = store.add_subparsers(dest="store_command", required=True, metavar="ACTION")
    add = store_sub.add_parser(
        "add",
        help="register a store and print its id and API key",
        description="Register a store. Prints its id and API key; the key is shown only once "
        "(the hub keeps only its hash).",
    )
    add.add_argument("name", help="the store's display name")
    add.add_argument("--ttl", type=float, default=None, help="default ticket TTL in seconds")
    add.add_argument("--renewal-limit", type=int, default=None, help="renewals allowed per ticket")
    add.add_argument(
        "--origin",
        action="append",
        default=[],
        help="an origin (scheme://host[:port]) whose pages may act for carts; repeatable",
    )
    _common(add)
    add.set_defaults(run=cmd_store_add)
    lst = store_sub.add_parser("list", help="list stores", description="List registered stores.")
    _common(lst)
    lst.set_defaults(run=cmd_store_list)
    rotate = store_sub.add_parser(
        "rotate-key",
        help="give a store a new API key",
        description="Replace a store's API key; the old key stops working at once.",
    )
    rotate.add_argument("store_id")
    _common(rotate)
    rotate.set_defaults(run=cmd_store_rotate)
    add_agent = store_sub.add_parser(
        "add-agent",
        help="add a person who signs in to the store's console (docs/agents.md)",
        description="Add an agent to a store and print their one-time invitation code.",
    )
    add_agent.add_argument("store_id")
    add_agent.add_argument("--email", required=True, help="the agent's email (their sign-in)")
    add_agent.add_argument("--name", required=True, help="how the console names them")
    add_agent.add_argument(
        "--role", choices=("owner", "agent"), default="agent", help="owners manage agents"
    )
    _common(add_agent)
    add_agent.set_defaults(run=cmd_store_add_agent)
    agents = store_sub.add_parser(
        "agents", help="list a store's agents", description="List a store's current agents."
    )
    agents.add_argument("store_id")
    _common(agents)
    agents.set_defaults(run=cmd_store_agents)
    remove_agent = store_sub.add_parser(
        "remove-agent",
        help="remove an agent",
        description="Remove an agent; their open consoles close at once, on a running hub too.",
    )
    remove_agent.add_argument("store_id")
    remove_agent.add_argument("agent_id")
    _common(remove_agent)
    remove_agent.set_defaults(run=cmd_store_remove_agent)
    retention = store_sub.add_parser(
        "history-retention",
        help="show or set how long a store's presence history is kept",
        description="Show, or with --days set, how many days visitors' page history is kept "
        "(1 to 365; 30 unless set). Older history is deleted daily.",
    )
    retention.add_argument("store_id")
    retention.add_argument("--days", type=int, help="keep presence history this many days")
    _common(retention)
    retention.set_defaults(run=cmd_store_retention)
    from .cli_market import add_commands  # imports this module: after it is loaded

    add_commands(sub, _common)
    return parser


async def _with_hub(config: HubConfig, work: Callable[[Hub], Awaitable[int]]) -> int:
    """Open the hub's database for a one-off command (no scheduler: that is the server's job)."""
    # The hub's own database (SQLite or PostgreSQL); no broker traffic is needed for these.
    hub = Hub(database_for(config), MemoryBroker(), SystemClock(), config)
    await hub.start(background=False)
    try:
        return await work(hub)
    finally:
        await hub.stop()


def cmd_store_add(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(hub: Hub) -> int:
        store_id, key = await hub.stores.create(
            args.name, default_ttl=args.ttl, renewal_limit=args.renewal_limit, origins=args.origin
        )
        print(
            f"store id: {store_id}\napi key:  {key}\n(keep the key secret: it is shown only once)"
        )
        return 0

    return asyncio.run(_with_hub(config, work))


def cmd_store_list(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(hub: Hub) -> int:
        for store in await hub.stores.all():
            settings = store.settings
            print(
                f"{store.id}\t{store.name}\tttl={settings.default_ttl_seconds:g}s"
                f"\trenewals={settings.renewal_limit}"
            )
        return 0

    return asyncio.run(_with_hub(config, work))


def cmd_store_rotate(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(hub: Hub) -> int:
        print(f"api key: {await hub.identity.rotate_store_key(args.store_id)}")
        return 0

    return asyncio.run(_with_hub(config, work))


def cmd_store_add_agent(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(hub: Hub) -> int:
        hub.agents.console_url = config.public_http_url or _url("http", config.host, config.port)
        added = await hub.agents.add(args.store_id, args.email, args.name, args.role)
        print(
            f"agent id: {added.agent.agent_id}\ninvite code: {added.invite_code}\n"
            + (f"invite link: {added.invite_url}\n" if added.invite_url else "")
            + "(shown only once: the agent chooses a password with it, within 7 days)"
            + (
                f"\nthe invitation is emailed to {added.agent.email}"
                if added.invite_emailed
                else ""
            )
        )
        return 0

    return asyncio.run(_with_hub(config, work))


def cmd_store_agents(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(hub: Hub) -> int:
        for agent in await hub.agents.listed(args.store_id):
            state = "active" if agent.active else "invited"
            print(f"{agent.agent_id}\t{agent.email}\t{agent.name}\t{agent.role}\t{state}")
        return 0

    return asyncio.run(_with_hub(config, work))


def cmd_store_remove_agent(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(hub: Hub) -> int:
        await hub.agents.remove(args.store_id, args.agent_id)
        print("removed (their consoles close within a second)")
        return 0

    return asyncio.run(_with_hub(config, work))


def cmd_store_retention(args: argparse.Namespace) -> int:
    config = _config(args)

    async def work(hub: Hub) -> int:
        if args.days is not None:
            await hub.visits.set_retention_days(args.store_id, args.days)
        days = await hub.visits.retention_days(args.store_id)
        print(f"presence history kept {days} days")
        return 0

    return asyncio.run(_with_hub(config, work))


async def _serve(config: HubConfig) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Before anything starts: a signal sent the moment the ready line appears must stop the hub
    # cleanly (its WAL truncated), not kill it by the signal's default action.
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    server = HubServer(config)
    await server.start()
    tune_gc()
    try:
        # One machine-readable line on stdout: scripts and tests wait for it.
        ready = {
            "event": "ready",
            "http_url": server.http_url,
            "ws_url": server.ws_url,
            "http_port": server.http_port,
            "ws_port": server.ws_port,
        }
        print(json.dumps(ready), flush=True)
        await stop.wait()
        log.info("shutting down")
    finally:
        await server.stop()
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    config = _config(args)
    setup_logging(config.log_format, config.log_level)
    return asyncio.run(_serve(config))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except ValidationError as exc:
        for line in explain(exc, getattr(args, "config", None)):
            print(f"cartstart-server: bad setting {line}", file=sys.stderr)
        return 2
    except ProtocolError as exc:
        print(f"cartstart-server: {exc.message}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"cartstart-server: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
