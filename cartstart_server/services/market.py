"""The marketplace's search, tree and currencies (docs/marketplace.md, "Searching").

Each hub node keeps its own tantivy index (services/market_index.py), built from the database at
start and kept current by a follower: every marketplace write stamps the products it changed with
the next value of one counter (storage/market.py), and the follower reads what is newer than what
it has applied, every 0.1 s, on every node. A tree import or new rates rebuild the index (paths
and prices in the base currency change). Searches and index writes block, so they run on
threads of their own, never on the event loop."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from shared_protocol import ErrorCode, ProtocolError
from shared_protocol.market import (
    Currencies,
    DisplayCurrency,
    Facets,
    MarketProduct,
    RatesHistory,
    RatesSet,
    SearchPage,
    TreeView,
)

from ..clock import Clock
from ..domain import market_query as rules
from ..domain import market_tree
from ..domain.market_money import Rates, buckets, parse_bucket, parse_rates
from ..domain.market_tree import LEVELS, Tree
from ..storage import market as store
from ..storage.base import Database
from . import market_views as views
from .market_index import TREE_FIELDS, Filters, MarketIndex, key_of

log = logging.getLogger(__name__)
T = TypeVar("T")
FOLLOW_EVERY = 0.1  # seconds between the follower's looks at the change counter
_SEARCH_THREADS = 2


class Market:
    def __init__(self, db: Database, clock: Clock, index_dir: Path | None) -> None:
        self._db = db
        self._clock = clock
        self._index = MarketIndex(index_dir)
        self._searches = ThreadPoolExecutor(_SEARCH_THREADS, thread_name_prefix="market-search")
        self._writes = ThreadPoolExecutor(1, thread_name_prefix="market-index")
        self.tree = Tree([])
        self.rates = Rates()
        self._stores: dict[str, str] = {}  # store id -> name, as last indexed
        self._seq = self._tree_version = self._rates_version = -1
        self._catching_up = asyncio.Lock()  # the follower, or an admin's write on this node
        self._started = False
        self._failing = False

    # -- the index and its follower -------------------------------------------------------------

    async def start(self) -> None:
        """Build the index from the database (a node starting, or the tree or rates changed)."""
        state = await self._db.read(store.state())
        self.tree = Tree(await self._db.read(store.tree()))
        self.rates = await self._db.read(store.current_rates())
        rows = await self._db.read(store.all_products())
        entries = [views.entry_of(r, self.tree, self.rates) for r in rows]
        self._stores.update({r["store_id"]: r["store_name"] for r in rows})
        await self._blocking(self._writes, self._index.rebuild, entries)
        self._seq, self._tree_version, self._rates_version = (
            int(state["seq"]), int(state["tree_version"]), int(state["rates_version"]),
        )  # fmt: skip
        self._started = True

    async def run(self) -> None:
        """The follower: apply what changed in the database, on this node, within ~0.1 s."""
        while True:
            # Real time, not the hub's clock: this is how often to look, not a deadline.
            await asyncio.sleep(FOLLOW_EVERY)
            try:
                await self.catch_up()
            except Exception:  # a database hiccup: look again at the next tick
                if not self._failing:  # said once per outage, not ten times a second
                    log.exception("the marketplace index cannot catch up; retrying")
                self._failing = True
            else:
                if self._failing:
                    log.info("the marketplace index caught up again")
                self._failing = False

    async def catch_up(self) -> None:
        async with self._catching_up:
            await self._catch_up()

    async def _catch_up(self) -> None:
        state = await self._db.read(store.state())
        if (int(state["tree_version"]), int(state["rates_version"])) != (
            self._tree_version,
            self._rates_version,
        ):
            await self.start()
            return
        upto = int(state["seq"])
        if upto <= self._seq:
            return
        rows = await self._db.read(store.changed_products(self._seq, upto))
        put = [views.entry_of(r, self.tree, self.rates) for r in rows if views.is_listed(r)]
        drop = [key_of(r["store_id"], r["product_id"]) for r in rows if not views.is_listed(r)]
        self._stores.update({r["store_id"]: r["store_name"] for r in rows})
        await self._blocking(self._writes, self._index.apply, put, drop)
        self._seq = upto

    async def close(self) -> None:
        if self._started:
            await self._blocking(self._writes, self._index.close)
        self._searches.shutdown(wait=True)
        self._writes.shutdown(wait=True)

    async def _blocking(self, pool: ThreadPoolExecutor, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)

    # -- what buyers ask ----------------------------------------------------------------------

    async def search(
        self,
        q: str,
        *,
        lang: str,
        currency: str | None = None,
        store_id: str | None = None,
        tree: dict[str, str | None] | None = None,
        price: str | None = None,
        in_stock: bool | None = None,
        page: int = 1,
    ) -> SearchPage:
        browsing = bool(store_id) or any((tree or {}).values())
        words = rules.parse(q, browsing=browsing)
        rates, shown_in = self.rates, currency or self.rates.base
        rates.check(shown_in)
        rules.check_page(page)
        chosen = {
            f: self.tree.check_filter(v, LEVELS.index(f)) for f, v in (tree or {}).items() if v
        }
        ranges = buckets(shown_in, rates)
        price_range = None
        if price:
            bucket = parse_bucket(price, shown_in, rates)
            high = None if bucket.high is None else rates.to_base(bucket.high, shown_in)
            price_range = (rates.to_base(bucket.low, shown_in), high)
        filters = Filters(store=store_id, tree=chosen, in_stock=in_stock, price=price_range)
        base_ranges = [
            (
                rates.to_base(b.low, shown_in),
                None if b.high is None else rates.to_base(b.high, shown_in),
            )
            for b in ranges
        ]
        found = await self._blocking(
            self._searches,
            lambda: self._index.search(
                words,
                filters,
                offset=(page - 1) * rules.PAGE_SIZE,
                limit=rules.PAGE_SIZE,
                price_ranges=base_ranges,
            ),
        )
        t = self.tree
        return SearchPage(
            query=q.strip(),
            total=found.total,
            page=page,
            pages=rules.pages_of(found.total),
            currency=DisplayCurrency(code=shown_in, base=rates.base, rates_date=rates.date),
            results=[views.product_of(s, t, rates, lang, shown_in) for s in found.shown],
            facets=Facets(
                store=views.store_facet(found.facets["store"], self._stores),
                **{f: views.tree_facet(found.facets[f], t, lang) for f in TREE_FIELDS},
                price=views.price_facet(ranges, found.prices, shown_in, lang),
                in_stock=views.stock_facet(found.facets["in_stock"], lang),
            ),
        )

    async def tree_view(self, lang: str) -> TreeView:
        counts = await self._blocking(self._searches, self._index.counts)
        return TreeView(nodes=views.tree_view(self.tree, counts, lang))

    def currencies(self) -> Currencies:
        r = self.rates
        return Currencies(base=r.base, date=r.date, currencies=r.currencies())

    async def product(
        self, store_id: str, product_id: str, *, lang: str, currency: str | None = None
    ) -> MarketProduct:
        """One product as search shows it; not found when unknown, unlisted or inactive."""
        shown_in = self.rates.check(currency or self.rates.base)
        row = await self._db.read(store.product(store_id, product_id))
        if row is None or not views.is_listed(row):
            raise ProtocolError(ErrorCode.NOT_FOUND, "no such product on the marketplace")
        entry = views.entry_of(row, self.tree, self.rates)
        return views.product_of(entry.shown, self.tree, self.rates, lang, shown_in)

    # -- the hub admin's ----------------------------------------------------------------------

    async def export_tree(self) -> dict[str, Any]:
        return Tree(await self._db.read(store.tree())).export()

    async def import_tree(self, doc: Any) -> int:
        """Replace the tree (refused whole if a mapped subcategory would go); returns nodes."""
        nodes = market_tree.parse_tree(doc)
        await self._db.write(store.replace_tree(nodes))
        await self._seen_here()
        return len(nodes)

    async def set_rates(self, doc: Any) -> RatesSet:
        """A dated set of rates (units per 1 base); the newest date is the one in force."""
        base, date, rates = parse_rates(doc)
        await self._db.write(store.set_rates(base, date, rates, self._clock.now()))
        await self._seen_here()
        return RatesSet(base=base, date=date, rates={c: str(r) for c, r in rates.items()})

    async def _seen_here(self) -> None:
        """The admin who changed it sees it at once on this node (the others follow)."""
        if self._started:
            await self.catch_up()

    async def rates_history(self) -> RatesHistory:
        sets = await self._db.read(store.rates_history())
        return RatesHistory(
            sets=[
                RatesSet(
                    base=s.base, date=s.date or "", rates={c: str(r) for c, r in s.rates.items()}
                )
                for s in sets
            ]
        )
