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

SOLUTIONS: list[list[str]] = [
    [
        # A solution: a named list of lines from several firms (storage/solutions.py), kept by a
        # private link (only the secret's hash is stored) and, for a signed-in buyer, by account.
        # Lines are one JSON document: always read and written whole, with `version`.
        """CREATE TABLE solutions (
            id TEXT PRIMARY KEY,
            secret_hash TEXT NOT NULL,
            account_id TEXT,
            name TEXT NOT NULL,
            lines TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL)""",
        "CREATE INDEX solutions_account ON solutions(account_id, updated_at)",
        # One request per firm of a sent solution (storage/solution_requests.py): its own lines
        # as they were sent (names and prices), the buyer's contact, the firm's answer, the order.
        """CREATE TABLE solution_requests (
            id TEXT PRIMARY KEY,
            solution_id TEXT NOT NULL,
            solution_name TEXT NOT NULL,
            store_id TEXT NOT NULL,
            account_id TEXT,
            kind TEXT NOT NULL CHECK (kind IN ('quote', 'order')),
            status TEXT NOT NULL,
            lines TEXT NOT NULL,
            contact TEXT NOT NULL,
            lang TEXT NOT NULL,
            answer TEXT,
            order_id TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            version INTEGER NOT NULL DEFAULT 1)""",
        "CREATE INDEX solution_requests_store ON solution_requests(store_id, created_at)",
        "CREATE INDEX solution_requests_solution ON solution_requests(solution_id, created_at)",
        "CREATE INDEX solution_requests_account ON solution_requests(account_id, created_at)",
        # A registered buyer's wishlist: products of any store, in the order they were added.
        """CREATE TABLE wishlists (
            account_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (account_id, store_id, product_id))""",
        # The firm's official address for the marketplace's requests (StoreSettings).
        "ALTER TABLE stores ADD COLUMN contact_email TEXT",
    ],
]
