"""The marketplace's schema (docs/marketplace.md): the classification tree, exchange rates and
products' place in the tree (MARKET); solutions, requests for quotes and wishlists (SOLUTIONS).
Both lists follow the workspace's in storage/migrations.py; each entry is one migration."""

from __future__ import annotations

MARKET: list[list[str]] = [
    [
        # The tree: industry (level 0) -> area -> category -> subcategory (3), names per language.
        """CREATE TABLE market_tree (
            id TEXT PRIMARY KEY,
            parent TEXT,
            level INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
            position INTEGER NOT NULL,
            name_en TEXT NOT NULL,
            name_sr TEXT NOT NULL)""",
        # Exchange rates: units of `currency` per 1 `base`, as decimal text, one set per date.
        """CREATE TABLE market_rates (
            date TEXT NOT NULL,
            currency TEXT NOT NULL,
            base TEXT NOT NULL,
            rate TEXT NOT NULL,
            set_at REAL NOT NULL,
            PRIMARY KEY (date, currency))""",
        # One row: the change counters each node's search index follows. Every write that
        # changes what the marketplace shows takes this row first (so the counter's order is
        # the commit order on PostgreSQL too) and stamps the products it changed.
        """CREATE TABLE market_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            seq INTEGER NOT NULL,
            tree_version INTEGER NOT NULL,
            rates_version INTEGER NOT NULL)""",
        "INSERT INTO market_state (id, seq, tree_version, rates_version) VALUES (1, 0, 0, 0)",
        "ALTER TABLE products ADD COLUMN category TEXT",
        "ALTER TABLE products ADD COLUMN listed INTEGER NOT NULL DEFAULT 1",
        "ALTER TABLE products ADD COLUMN market_seq INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX products_market_seq ON products(market_seq)",
        "CREATE INDEX products_category ON products(category) WHERE category IS NOT NULL",
        # The hub admin's credentials (`csh.<id>.<secret>`): only the secret's hash is kept.
        """CREATE TABLE hub_admin_tokens (
            id TEXT PRIMARY KEY,
            secret_hash TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL)""",
    ],
]

SOLUTIONS: list[list[str]] = []
