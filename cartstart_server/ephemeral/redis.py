"""The Redis roster: entries shared by every hub node.

A roster key is a HASH `<prefix>roster:<key>` (field -> value) and a ZSET
`<prefix>roster-seen:<key>` (field -> when last seen, on the hub clock: no Redis EXPIRE, so a
FakeClock drives it in tests like everything else); a SET `<prefix>roster-keys` lists the keys
that hold entries, for the sweepers. A put is one pipelined transaction; a drop and a latch are
small scripts, atomic on the server, which is what makes "exactly one caller" hold across nodes.

Redis forgets everything on a restart (no persistence is asked for): desks put their entry again
on their next beat, and the talk latch starts again at a version above any given before (it is
at least the hub clock in milliseconds).
"""

from __future__ import annotations

import logging
from typing import Any

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from .base import Latched

log = logging.getLogger(__name__)

_DROP = """
if ARGV[3] ~= '' then
  local seen = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if seen and tonumber(seen) >= tonumber(ARGV[3]) then return 0 end
end
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
return removed
"""

# ARGV: field, value, now in milliseconds. Returns {version, changed}.
_LATCH = """
local old = redis.call('HGET', KEYS[1], ARGV[1])
local version = 0
if old then
  local sep = string.find(old, '|', 1, true)
  version = tonumber(string.sub(old, sep + 1))
  if string.sub(old, 1, sep - 1) == ARGV[2] then return {version, 0} end
end
version = math.max(version + 1, tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. string.format('%.0f', version))
return {version, 1}
"""


class RedisRoster:
    def __init__(self, url: str, *, prefix: str = "cartstart:") -> None:
        self.url = url
        self.prefix = prefix
        self._client: aioredis.Redis | None = None
        self._drop: Any = None
        self._latch: Any = None

    @property
    def client(self) -> aioredis.Redis:
        assert self._client is not None, "roster not started"
        return self._client

    async def start(self) -> None:
        # A blocking pool: a burst of callers waits for a free connection (up to 5 s) instead
        # of failing with "Too many connections" when the pool's 64 are busy.
        pool = aioredis.BlockingConnectionPool.from_url(
            self.url, decode_responses=True, socket_connect_timeout=2, max_connections=64, timeout=5
        )
        self._client = aioredis.Redis.from_pool(pool)
        try:
            await self._client.ping()
        except (RedisError, OSError):  # the broker says so; each call connects when it can
            log.debug("the roster's Redis does not answer yet", exc_info=True)
        self._drop = self._client.register_script(_DROP)
        self._latch = self._client.register_script(_LATCH)

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    def _hash(self, key: str) -> str:
        return f"{self.prefix}roster:{key}"

    def _seen(self, key: str) -> str:
        return f"{self.prefix}roster-seen:{key}"

    @property
    def _index(self) -> str:
        return f"{self.prefix}roster-keys"

    async def put(self, key: str, field: str, value: str, seen_at: float) -> bool:
        async with self.client.pipeline(transaction=True) as pipe:
            pipe.hset(self._hash(key), field, value)
            pipe.zadd(self._seen(key), {field: seen_at})
            pipe.sadd(self._index, key)
            added, _, _ = await pipe.execute()
        return bool(added)

    async def drop(self, key: str, field: str, stale_before: float | None = None) -> bool:
        keys = [self._hash(key), self._seen(key), self._index]
        before = "" if stale_before is None else repr(stale_before)
        return bool(await self._drop(keys=keys, args=[field, key, before]))

    async def get(self, key: str, field: str) -> str | None:
        value = await self.client.hget(self._hash(key), field)
        return None if value is None else str(value)

    async def all(self, key: str) -> dict[str, str]:
        entries = await self.client.hgetall(self._hash(key))
        return {str(f): str(v) for f, v in entries.items()}

    async def stale(self, key: str, before: float) -> list[str]:
        fields = await self.client.zrangebyscore(self._seen(key), "-inf", f"({before!r}")
        return [str(f) for f in fields]

    async def keys(self, prefix: str) -> list[str]:
        members = await self.client.smembers(self._index)
        return sorted(str(k) for k in members if str(k).startswith(prefix))

    def _latches(self, key: str) -> str:
        return f"{self.prefix}latch:{key}"

    async def latch(self, key: str, field: str, value: str, now: float) -> Latched:
        version, changed = await self._latch(
            keys=[self._latches(key)], args=[field, value, int(now * 1000)]
        )
        return Latched(value, int(version), bool(changed))

    async def latched(self, key: str, field: str) -> Latched | None:
        raw = await self.client.hget(self._latches(key), field)
        if raw is None:
            return None
        value, _, version = str(raw).rpartition("|")
        return Latched(value, int(version))
