"""The hub's schema, as numbered migrations (applied in order, recorded in `schema_version`)."""

from __future__ import annotations

from .migrations_forms import FORMS
from .migrations_market import MARKET, SOLUTIONS
from .migrations_workspace import WORKSPACE

_EARLY: list[list[str]] = [
    [
        """CREATE TABLE stores (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            key_hash TEXT NOT NULL,
            default_ttl REAL NOT NULL,
            renewal_limit INTEGER NOT NULL,
            origins TEXT NOT NULL DEFAULT '[]',
            created_at REAL NOT NULL)""",
        """CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            email TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            display_name TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL)""",
        """CREATE TABLE tokens (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('session', 'link')),
            secret_hash TEXT NOT NULL,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            store_id TEXT,
            label TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL)""",
        "CREATE INDEX tokens_account ON tokens(account_id, kind)",
        """CREATE TABLE products (
            store_id TEXT NOT NULL REFERENCES stores(id),
            product_id TEXT NOT NULL,
            name TEXT NOT NULL,
            code TEXT NOT NULL,
            price_amount INTEGER NOT NULL,
            currency TEXT NOT NULL,
            image_url TEXT,
            page_url TEXT,
            tags TEXT NOT NULL DEFAULT '[]',
            ttl REAL,
            active INTEGER NOT NULL DEFAULT 1,
            on_hand INTEGER NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
            held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0),
            sold_pending INTEGER NOT NULL DEFAULT 0 CHECK (sold_pending >= 0),
            stock_version INTEGER NOT NULL DEFAULT 0,
            updated_at REAL NOT NULL,
            PRIMARY KEY (store_id, product_id))""",
        """CREATE TABLE tickets (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            cart_id TEXT NOT NULL,
            qty INTEGER NOT NULL CHECK (qty >= 0),
            state TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            warn_at REAL NOT NULL,
            warned INTEGER NOT NULL DEFAULT 0,
            renewals INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            source_url TEXT)""",
        # One held ticket per (cart, product): a repeat pick grows it.
        """CREATE UNIQUE INDEX tickets_one_held ON tickets(cart_id, store_id, product_id)
            WHERE state = 'held'""",
        "CREATE INDEX tickets_expiry ON tickets(expires_at) WHERE state = 'held'",
        "CREATE INDEX tickets_warning ON tickets(warn_at) WHERE state = 'held' AND warned = 0",
        "CREATE INDEX tickets_product ON tickets(store_id, product_id, state, created_at)",
        "CREATE INDEX tickets_cart ON tickets(cart_id, state)",
        """CREATE TABLE streams (
            owner TEXT PRIMARY KEY,
            head_seq INTEGER NOT NULL,
            acked_seq INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE outbox (
            owner TEXT NOT NULL,
            seq INTEGER NOT NULL,
            frame TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (owner, seq))""",
        """CREATE TABLE idempotency (
            principal TEXT NOT NULL,
            key TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            response TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (principal, key))""",
        "CREATE INDEX idempotency_age ON idempotency(created_at)",
    ],
    [
        # Short codes a cart shows so another browser can be paired with it (one use, minutes).
        """CREATE TABLE pairing_codes (
            code_hash TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            store_id TEXT,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL)""",
        "CREATE INDEX pairing_codes_expiry ON pairing_codes(expires_at)",
    ],
    [
        # Orders: one per store per checkout. `doc` is the order as carts and stores see it
        # (lines, totals, timeline); the columns are what queries filter on.
        """CREATE TABLE orders (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL REFERENCES stores(id),
            cart_id TEXT NOT NULL,
            checkout_id TEXT NOT NULL,
            status TEXT NOT NULL,
            doc TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            version INTEGER NOT NULL DEFAULT 1)""",
        "CREATE INDEX orders_store ON orders(store_id, created_at)",
        "CREATE INDEX orders_cart ON orders(cart_id, created_at)",
        "ALTER TABLE tickets ADD COLUMN order_id TEXT",
        # A store's customers, built from its orders: the only way a store learns an email.
        """CREATE TABLE customers (
            store_id TEXT NOT NULL REFERENCES stores(id),
            cart_id TEXT NOT NULL,
            cart_ref TEXT NOT NULL,
            email TEXT NOT NULL,
            name TEXT NOT NULL,
            orders INTEGER NOT NULL,
            first_order_at REAL NOT NULL,
            last_order_at REAL NOT NULL,
            products TEXT NOT NULL DEFAULT '{}',
            tags TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (store_id, cart_id))""",
        """CREATE TABLE discounts (
            code TEXT PRIMARY KEY,
            store_id TEXT NOT NULL REFERENCES stores(id),
            cart_id TEXT NOT NULL,
            percent_off INTEGER,
            amount_off INTEGER,
            currency TEXT,
            message TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL,
            order_id TEXT)""",
        "CREATE INDEX discounts_cart ON discounts(cart_id, expires_at)",
        "ALTER TABLE stores ADD COLUMN payment_url_template TEXT",
        "ALTER TABLE stores ADD COLUMN webhook_url TEXT",
        "ALTER TABLE stores ADD COLUMN webhook_secret TEXT",
        # Work for after the commit, kept until done: signed webhook POSTs (in order per store)
        # and emails. Written in the same transaction as the order change that causes it.
        """CREATE TABLE webhook_queue (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            store_id TEXT NOT NULL,
            url TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try_at REAL NOT NULL,
            last_error TEXT,
            delivered_at REAL)""",
        "CREATE INDEX webhook_pending ON webhook_queue(store_id, id) WHERE delivered_at IS NULL",
        """CREATE TABLE mail_queue (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            to_addr TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try_at REAL NOT NULL,
            last_error TEXT,
            sent_at REAL)""",
        "CREATE INDEX mail_pending ON mail_queue(next_try_at) WHERE sent_at IS NULL",
    ],
    [
        # Every query of a cart's tickets asks for held ones, which tickets_one_held answers; one
        # index fewer to update on the ledger's busiest insert.
        "DROP INDEX tickets_cart",
    ],
    [
        # Connected browsers (a third kind of token, kept on the hub's own connect page) and the
        # link tokens each one made (`browser_id`). A CHECK cannot be widened in place in SQLite,
        # so the table is rebuilt (the same statements work on PostgreSQL).
        """CREATE TABLE tokens_v5 (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('session', 'link', 'browser')),
            secret_hash TEXT NOT NULL,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            store_id TEXT,
            label TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL,
            browser_id TEXT)""",
        "INSERT INTO tokens_v5 (id, kind, secret_hash, account_id, store_id, label, created_at, "
        "expires_at, revoked_at) SELECT id, kind, secret_hash, account_id, store_id, label, "
        "created_at, expires_at, revoked_at FROM tokens",
        "DROP TABLE tokens",
        "ALTER TABLE tokens_v5 RENAME TO tokens",
        "CREATE INDEX tokens_account ON tokens(account_id, kind)",
        "CREATE INDEX tokens_browser ON tokens(browser_id) WHERE browser_id IS NOT NULL",
    ],
    [
        # The revocation journal (storage/revocations.py): every process reads what it missed.
        """CREATE TABLE revocations (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            at REAL NOT NULL)""",
    ],
    [
        # Live selling (storage/selling.py). A session's chat, counter, board and uploads are
        # deleted with it (no flags); `live_deleted` keeps only that it existed, so its link is
        # answered "deleted" rather than "unknown".
        """CREATE TABLE live_settings (
            store_id TEXT PRIMARY KEY,
            enabled INTEGER NOT NULL,
            style TEXT NOT NULL)""",
        """CREATE TABLE live_sessions (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            label TEXT NOT NULL,
            account_id TEXT,
            created_at REAL NOT NULL,
            last_activity_at REAL NOT NULL,
            visitor_read INTEGER NOT NULL DEFAULT 0,
            store_read INTEGER NOT NULL DEFAULT 0,
            lead TEXT NOT NULL DEFAULT 'store')""",
        "CREATE INDEX live_sessions_store ON live_sessions(store_id, last_activity_at)",
        "CREATE INDEX live_sessions_account ON live_sessions(account_id)",
        """CREATE TABLE live_deleted (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            by_side TEXT NOT NULL,
            deleted_at REAL NOT NULL)""",
        """CREATE TABLE live_messages (
            session_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            message_id TEXT NOT NULL,
            author TEXT NOT NULL,
            body TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (session_id, seq))""",
        """CREATE TABLE live_counter (
            session_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            at REAL NOT NULL,
            PRIMARY KEY (session_id, product_id))""",
        """CREATE TABLE live_widgets (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            session_id TEXT,
            author TEXT NOT NULL,
            author_session TEXT,
            kind TEXT NOT NULL,
            approved INTEGER NOT NULL,
            product_id TEXT,
            upload_id TEXT,
            url TEXT,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            at REAL NOT NULL)""",
        "CREATE INDEX live_widgets_session ON live_widgets(session_id, at)",
        "CREATE INDEX live_widgets_public ON live_widgets(store_id, at) WHERE session_id IS NULL",
        "CREATE INDEX live_widgets_author ON live_widgets(author_session)",
        """CREATE TABLE live_uploads (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            session_id TEXT,
            content_type TEXT NOT NULL,
            data BLOB NOT NULL,
            created_at REAL NOT NULL)""",
        "CREATE INDEX live_uploads_session ON live_uploads(session_id)",
        # A session's cart is tickets marked with the session: in the visitor's own cart when
        # the session is attached to one, else in the session's guest cart. The cart's own hold
        # of a product and the session's are separate tickets.
        "ALTER TABLE tickets ADD COLUMN session_id TEXT NOT NULL DEFAULT ''",
        "DROP INDEX tickets_one_held",
        """CREATE UNIQUE INDEX tickets_one_held ON tickets(cart_id, store_id, product_id,
            session_id) WHERE state = 'held'""",
        "CREATE INDEX tickets_session ON tickets(session_id, state) WHERE session_id <> ''",
    ],
    [
        # Calls of live sessions (storage/calls.py): their life, never their media.
        """CREATE TABLE live_calls (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            started_by TEXT NOT NULL,
            state TEXT NOT NULL,
            created_at REAL NOT NULL,
            answered_at REAL,
            ended_at REAL,
            end_reason TEXT,
            ended_by TEXT)""",
        # At most one call rings or runs per session; a store's running calls are found fast.
        "CREATE UNIQUE INDEX live_calls_one ON live_calls(session_id) WHERE state <> 'ended'",
        "CREATE INDEX live_calls_store ON live_calls(store_id, state)",
    ],
    [
        # The gallery's search matches words in one case-folded column (domain.selling.search_text)
        # instead of folding name, code and tags of every product at every search. Products
        # already there get what LOWER() gives (what the search compared until now); the next
        # upsert of a product writes the Python-folded text.
        "ALTER TABLE products ADD COLUMN search_text TEXT NOT NULL DEFAULT ''",
        "UPDATE products SET search_text = LOWER(name || ' ' || code || ' ' || tags)",
    ],
]

# From 10 on: the agents' workspace and what came with it (issue 16), in their own module.
MIGRATIONS: list[list[str]] = _EARLY + WORKSPACE + MARKET + SOLUTIONS + FORMS
