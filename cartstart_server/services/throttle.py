"""Sign-in throttling for the console's agents (docs/agents.md): at most a few sign-ins per
(store, email) from one client address in a window, and more from all addresses together,
counted in the shared database so that every hub node refuses the
same attempts. Counting comes first and is atomic, so parallel attempts cannot slip past the
limit; a refused attempt is answered before any agent is looked up or any password hashed,
whether the email is an agent's or not."""

from __future__ import annotations

from ..clock import Clock
from ..credentials import hash_secret
from ..domain import agents as rules
from ..domain.identity import normalize_email
from ..storage import throttle as storage
from ..storage.base import Database

# Seconds between purges of windows that are over, by each node.
PRUNE_EVERY = 3600.0


class SignInThrottle:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._pruned_at = clock.now()

    @staticmethod
    def _keys(store_id: str, email: str, client: str) -> tuple[str, str]:
        """(this address's count, every address's count) for the pair."""
        pair = f"{store_id}\0{normalize_email(email)}"
        return hash_secret(f"{pair}\0{client}"), hash_secret(pair)

    async def attempt(self, store_id: str, email: str, client: str) -> None:
        """Count an attempt; `rate_limited` (with `retry_after`) when it is one too many."""
        now = self.clock.now()
        if now - self._pruned_at >= PRUNE_EVERY:  # only attempts add rows: they clean up too
            self._pruned_at = now
            await self.prune()
        mine, everyone = self._keys(store_id, email, client)
        for key, limit in ((mine, rules.SIGN_IN_ATTEMPTS), (everyone, rules.SIGN_IN_ATTEMPTS_ALL)):
            plan = storage.counted(key, now, rules.SIGN_IN_WINDOW)
            attempts, window_start = await self.db.write(plan)
            wait = rules.throttled(attempts, window_start, now, limit)
            if wait is not None:
                raise rules.too_many_attempts(wait)

    async def succeeded(self, store_id: str, email: str, client: str) -> None:
        for key in self._keys(store_id, email, client):
            await self.db.write(storage.cleared(key))

    async def prune(self) -> int:
        """Forget windows that are over."""
        return await self.db.write(storage.prune(self.clock.now() - rules.SIGN_IN_WINDOW))
