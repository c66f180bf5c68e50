"""`cartstart-server admin ...` and `cartstart-server market ...`: the hub admin's tokens, the
marketplace's tree and exchange rates (docs/admin.md, "The marketplace"). They work on the hub's
database; a running hub (every node) picks the changes up within a second."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from .cli import _config, _with_hub
from .hub import Hub


def add_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    admin = sub.add_parser("admin", help="hub admin tokens", description="Hub admin API tokens.")
    admin_sub = admin.add_subparsers(dest="admin_command", required=True, metavar="ACTION")
    token = admin_sub.add_parser(
        "token",
        help="make a hub admin API token",
        description="Print a new hub admin token (csh.<id>.<secret>) for the admin API; it is "
        "shown only once (the hub keeps its hash).",
    )
    token.add_argument("--days", type=int, default=90, help="days it lasts (default 90)")
    token.add_argument("--label", default="", help="a note: who or what it is for")
    common(token)
    token.set_defaults(run=cmd_admin_token)
    revoke = admin_sub.add_parser(
        "revoke", help="revoke a hub admin token", description="Revoke a token at once."
    )
    revoke.add_argument("token_id", help="the id (the part after csh.)")
    common(revoke)
    revoke.set_defaults(run=cmd_admin_revoke)
    tokens = admin_sub.add_parser("tokens", help="list hub admin tokens")
    common(tokens)
    tokens.set_defaults(run=cmd_admin_tokens)

    market = sub.add_parser(
        "market", help="the marketplace's tree and rates", description="The marketplace."
    )
    m_sub = market.add_subparsers(dest="market_command", required=True, metavar="ACTION")
    imp = m_sub.add_parser(
        "tree-import",
        help="replace the classification tree from a JSON file",
        description="Replace the tree (industry > area > category > subcategory) from a JSON "
        "file; refused whole if a subcategory products are mapped into would go.",
    )
    imp.add_argument("file", type=Path)
    common(imp)
    imp.set_defaults(run=cmd_tree_import)
    exp = m_sub.add_parser("tree-export", help="write the tree as JSON (stdout or a file)")
    exp.add_argument("file", type=Path, nargs="?", default=None)
    common(exp)
    exp.set_defaults(run=cmd_tree_export)
    rates_set = m_sub.add_parser(
        "rates-set",
        help="set exchange rates for a day",
        description="Set a day's exchange rates: units of each currency per 1 of the base, "
        "e.g. rates-set --base EUR --date 2026-11-30 RSD=117.17 USD=1.05",
    )
    rates_set.add_argument("--base", default="EUR")
    rates_set.add_argument("--date", default=None, help="YYYY-MM-DD (default: today, UTC)")
    rates_set.add_argument("rates", nargs="+", metavar="CODE=RATE")
    common(rates_set)
    rates_set.set_defaults(run=cmd_rates_set)
    rates = m_sub.add_parser("rates", help="list exchange rates, newest day first")
    common(rates)
    rates.set_defaults(run=cmd_rates)


def _run(args: argparse.Namespace, work: Callable[[Hub], Awaitable[None]]) -> int:
    async def wrapped(hub: Hub) -> int:
        await work(hub)
        return 0

    return asyncio.run(_with_hub(_config(args), wrapped))


def cmd_admin_token(args: argparse.Namespace) -> int:
    async def work(hub: Hub) -> None:
        token_id, token = await hub.hub_admin.create(days=args.days, label=args.label)
        print(f"token id: {token_id}\ntoken:    {token}\n(shown only once; lasts {args.days} days)")

    return _run(args, work)


def cmd_admin_revoke(args: argparse.Namespace) -> int:
    async def work(hub: Hub) -> None:
        await hub.hub_admin.revoke(args.token_id)
        print("revoked (refused at once on every node)")

    return _run(args, work)


def cmd_admin_tokens(args: argparse.Namespace) -> int:
    async def work(hub: Hub) -> None:
        for t in await hub.hub_admin.listed():
            state = "revoked" if t.revoked_at else "active"
            until = dt.datetime.fromtimestamp(t.expires_at, dt.UTC).date().isoformat()
            print(f"{t.id}\t{state}\tuntil {until}\t{t.label}")

    return _run(args, work)


def cmd_tree_import(args: argparse.Namespace) -> int:
    try:
        doc = json.loads(args.file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        print(f"cartstart-server: {args.file} is not JSON: {exc}", file=sys.stderr)
        return 1

    async def work(hub: Hub) -> None:
        print(f"tree imported: {await hub.market.import_tree(doc)} nodes")

    return _run(args, work)


def cmd_tree_export(args: argparse.Namespace) -> int:
    async def work(hub: Hub) -> None:
        text = json.dumps(await hub.market.export_tree(), ensure_ascii=False, indent=2) + "\n"
        if args.file is None:
            sys.stdout.write(text)
        else:
            args.file.write_text(text, encoding="utf-8")

    return _run(args, work)


def cmd_rates_set(args: argparse.Namespace) -> int:
    rates: dict[str, str] = {}
    for pair in args.rates:
        code, sep, rate = pair.partition("=")
        if not sep:
            print(f"cartstart-server: {pair!r}: write CODE=RATE, e.g. RSD=117.17", file=sys.stderr)
            return 2
        rates[code.strip().upper()] = rate.strip()
    date = args.date or dt.datetime.now(dt.UTC).date().isoformat()
    doc = {"base": args.base.upper(), "date": date, "rates": rates}

    async def work(hub: Hub) -> None:
        done = await hub.market.set_rates(doc)
        print(
            f"rates of {done.date} set: "
            + ", ".join(f"1 {done.base} = {r} {c}" for c, r in done.rates.items())
        )

    return _run(args, work)


def cmd_rates(args: argparse.Namespace) -> int:
    async def work(hub: Hub) -> None:
        for s in (await hub.market.rates_history()).sets:
            print(f"{s.date}\t{s.base}\t" + " ".join(f"{c}={r}" for c, r in s.rates.items()))

    return _run(args, work)
