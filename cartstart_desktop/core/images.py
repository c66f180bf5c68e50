"""Product pictures, fetched once over HTTP and kept on disk under the cart's home directory.

A ticket names its product's picture (`TicketView.image_url`, on the store's own site). The cart
fetches each address at most once per run (in the background, never while it opens: the UI asks
for a picture when it paints the row, and the fetch is a task after that), keeps the bytes in
`<home>/images/` and reads them from there on later runs, also offline. Decoding and scaling are
the UI's part. Signing out deletes the pictures with the rest of the cart: they say what was in
it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

MAX_BYTES = 4 * 2**20  # a product picture is a few hundred KB; more is not a thumbnail's job
RETRY_AFTER = 300.0  # seconds before an address that failed is tried again


class ImageCache:
    def __init__(
        self,
        directory: Path,
        *,
        timeout: float = 10.0,
        concurrency: int = 4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = directory
        self._timeout = timeout
        self._clock = clock
        self._slots = asyncio.Semaphore(concurrency)
        self._client: httpx.AsyncClient | None = None
        self._fetching: dict[str, asyncio.Task[Path | None]] = {}
        self._failed: dict[str, float] = {}
        self.fetched = 0
        """Pictures fetched over the network in this run (the rest came from the disk)."""

    def path(self, url: str) -> Path:
        import hashlib  # not needed until a row with a picture paints

        return self.directory / hashlib.sha256(url.encode()).hexdigest()[:40]

    def cached(self, url: str) -> Path | None:
        path = self.path(url)
        return path if path.is_file() else None

    async def get(self, url: str) -> Path | None:
        """The picture's file: from the disk, else fetched (once, however many rows ask).
        None when it cannot be had (not an image, too big, the store's site is down)."""
        if (path := self.cached(url)) is not None:
            return path
        if not url.startswith(("https://", "http://")):
            return None
        failed = self._failed.get(url)
        if failed is not None and self._clock() - failed < RETRY_AFTER:
            return None
        task = self._fetching.get(url)
        if task is None:
            task = self._fetching[url] = asyncio.ensure_future(self._fetch(url))
            task.add_done_callback(lambda _: self._fetching.pop(url, None))
        return await asyncio.shield(task)

    async def _fetch(self, url: str) -> Path | None:
        async with self._slots:
            try:
                body = await self._download(url)
            except Exception as exc:  # any failure: the row keeps its placeholder
                log.info("no picture from %s: %s", url, exc)
                self._failed[url] = self._clock()
                return None
        path = self.path(url)
        await asyncio.to_thread(_write, path, body)
        self.fetched += 1
        return path

    async def _download(self, url: str) -> bytes:
        # httpx is imported on the first fetch, which comes after the window has painted.
        import httpx

        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self._timeout, follow_redirects=True)
        async with self._client.stream("GET", url, headers={"Accept": "image/*"}) as response:
            response.raise_for_status()
            kind = response.headers.get("content-type", "")
            if not kind.startswith("image/"):
                raise ValueError(f"not an image ({kind or 'no content type'})")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ValueError(f"larger than {MAX_BYTES} bytes")
                chunks.append(chunk)
        return b"".join(chunks)

    async def close(self) -> None:
        for task in list(self._fetching.values()):
            task.cancel()
        for task in list(self._fetching.values()):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def clear(self) -> None:
        """Delete every picture (signing out, or another account on this computer)."""
        await self.close()
        self._failed.clear()
        import shutil

        await asyncio.to_thread(shutil.rmtree, self.directory, True)


def _write(path: Path, body: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(body)
    tmp.replace(path)
