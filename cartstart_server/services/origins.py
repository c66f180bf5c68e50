"""Which origins each store registered, cached per node (the rules are in domain.origins)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from ..domain.origins import normalize_origin, not_the_stores_origin, origin_of, unknown_origin

OriginsLoader = Callable[[], Awaitable[dict[str, tuple[str, ...]]]]


class OriginPolicy:
    """The registered origins, read from the directory and kept for `ttl` seconds (so a burst of
    page connections costs one read). A store's own change is seen at once on this node
    (`forget`); other nodes see it within `ttl`."""

    def __init__(
        self,
        load: OriginsLoader,
        *,
        ttl: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._monotonic = monotonic
        self._by_store: dict[str, frozenset[str]] = {}
        self._any: frozenset[str] = frozenset()
        self._loaded_at: float | None = None
        self._loading: asyncio.Future[None] | None = None

    def forget(self) -> None:
        self._loaded_at = None

    async def _fresh(self) -> None:
        now = self._monotonic()
        if self._loaded_at is not None and now - self._loaded_at < self._ttl:
            return
        # One reload at a time: every caller that finds the view stale while it is in flight
        # waits for it, instead of reading every store's origins again (a stampede that cost
        # 200 stores' worth of reads per page report when the view expired; docs/benchmarks.md
        # section 10).
        if self._loading is None:
            self._loading = asyncio.ensure_future(self._reload(now))
        await asyncio.shield(self._loading)

    async def _reload(self, now: float) -> None:
        try:
            await self._reload_now(now)
        finally:
            self._loading = None

    async def _reload_now(self, now: float) -> None:
        raw = await self._load()
        self._by_store = {
            store_id: frozenset(o for o in map(normalize_origin, origins) if o)
            for store_id, origins in raw.items()
        }
        self._any = frozenset().union(*self._by_store.values())
        self._loaded_at = now

    async def check_page(self, origin: str | None) -> None:
        """A page may connect: no Origin (not a browser page), or one some store registered."""
        if origin is None:
            return
        await self._fresh()
        if normalize_origin(origin) not in self._any:
            raise unknown_origin(origin)

    async def check_store(
        self, store_id: str, origin: str | None, command_id: str | None = None
    ) -> None:
        """A page may add this store's products: no Origin, or one this store registered."""
        if origin is None:
            return
        await self._fresh()
        if normalize_origin(origin) not in self._by_store.get(store_id, frozenset()):
            raise not_the_stores_origin(origin, store_id, command_id)

    async def origins_of(self, store_id: str) -> frozenset[str]:
        """The store's registered origins, normalised (none for an unknown store)."""
        await self._fresh()
        return self._by_store.get(store_id, frozenset())

    @staticmethod
    def same_origin(origin: str, url: str) -> bool:
        """Whether a request with this Origin was sent to `url` by a page of the same origin
        (the hub's own pages)."""
        own = origin_of(url)
        return own is not None and normalize_origin(origin) == own
