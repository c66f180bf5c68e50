"""The in-process roster: the default for a single hub process (plain dicts)."""

from __future__ import annotations

from .base import Latched, next_version


class MemoryRoster:
    def __init__(self) -> None:
        self._entries: dict[str, dict[str, tuple[str, float]]] = {}
        self._latches: dict[tuple[str, str], Latched] = {}

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        self._entries.clear()
        self._latches.clear()

    async def put(self, key: str, field: str, value: str, seen_at: float) -> bool:
        entries = self._entries.setdefault(key, {})
        new = field not in entries
        entries[field] = (value, seen_at)
        return new

    async def drop(self, key: str, field: str, stale_before: float | None = None) -> bool:
        entries = self._entries.get(key)
        entry = None if entries is None else entries.get(field)
        if entries is None or entry is None:
            return False
        if stale_before is not None and entry[1] >= stale_before:
            return False  # it beat since the sweep looked
        del entries[field]
        if not entries:
            del self._entries[key]
        return True

    async def get(self, key: str, field: str) -> str | None:
        entry = self._entries.get(key, {}).get(field)
        return None if entry is None else entry[0]

    async def all(self, key: str) -> dict[str, str]:
        return {f: v for f, (v, _) in self._entries.get(key, {}).items()}

    async def stale(self, key: str, before: float) -> list[str]:
        return [f for f, (_, seen) in self._entries.get(key, {}).items() if seen < before]

    async def keys(self, prefix: str) -> list[str]:
        return [k for k in self._entries if k.startswith(prefix)]

    async def latch(self, key: str, field: str, value: str, now: float) -> Latched:
        old = self._latches.get((key, field))
        if old is not None and old.value == value:
            return old
        latched = Latched(value, next_version(old.version if old else 0, now))
        self._latches[key, field] = latched
        return latched._replace(changed=True)

    async def latched(self, key: str, field: str) -> Latched | None:
        return self._latches.get((key, field))
