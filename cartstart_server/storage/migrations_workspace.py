"""Migrations 10 on (after storage/migrations.py's first nine): the store's agents, the
workspace, presence history, ratings, support credit, conversations taken by agents, and the
products each agent handles."""

from __future__ import annotations

WORKSPACE: list[list[str]] = [
    [
        # A store's agents (docs/agents.md): people who sign in to the console with their own
        # email and password instead of the store's API key. Removed agents are kept (email
        # blanked) so later records can still point at them.
        """CREATE TABLE agents (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL REFERENCES stores(id),
            email TEXT NOT NULL,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('owner', 'agent')),
            password_hash TEXT,
            created_at REAL NOT NULL,
            removed_at REAL)""",
        "CREATE UNIQUE INDEX agents_email ON agents(store_id, email) WHERE removed_at IS NULL",
        """CREATE TABLE agent_tokens (
            id TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents(id),
            store_id TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            label TEXT NOT NULL DEFAULT '',
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            revoked_at REAL)""",
        "CREATE INDEX agent_tokens_agent ON agent_tokens(agent_id) WHERE revoked_at IS NULL",
        # One use, only the hash stored (like pairing codes).
        """CREATE TABLE agent_invites (
            code_hash TEXT PRIMARY KEY,
            agent_id TEXT NOT NULL REFERENCES agents(id),
            store_id TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL)""",
    ],
    [
        # Presence history (storage/visits.py, docs/agents.md "Presence history"): who visited a
        # store's pages, in batches from services/visit_log.py (never a write per beat). Counters
        # per visitor; one row per page view, unique per (visitor, time) so a batch can close a
        # page it wrote earlier (left_at) with the same upsert that adds new ones. The unique
        # index also serves a visitor's history in order; the age indexes serve the purge.
        """CREATE TABLE visitors (
            store_id TEXT NOT NULL,
            visitor_id TEXT NOT NULL,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL,
            visits INTEGER NOT NULL,
            page_views INTEGER NOT NULL,
            PRIMARY KEY (store_id, visitor_id))""",
        "CREATE INDEX visitors_age ON visitors(store_id, last_seen)",
        """CREATE TABLE visitor_pages (
            store_id TEXT NOT NULL,
            visitor_id TEXT NOT NULL,
            visit INTEGER NOT NULL,
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            at REAL NOT NULL,
            left_at REAL)""",
        "CREATE UNIQUE INDEX visitor_pages_visitor ON visitor_pages(store_id, visitor_id, at)",
        "CREATE INDEX visitor_pages_age ON visitor_pages(store_id, at)",
        # A store's presence settings; no row means the defaults (30 days). Its own table, not
        # live_settings: this is about what is kept, not about how live selling looks.
        """CREATE TABLE presence_settings (
            store_id TEXT PRIMARY KEY REFERENCES stores(id),
            retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 1 AND 365))""",
    ],
    [
        # The agents' workspace (docs/agents.md, storage/desk.py): off until the owner turns it
        # on (it will also gate visitor presence); each agent's Available/Away choice, kept
        # across sign-ins. Who is connected is ephemeral (cartstart_server/ephemeral).
        "ALTER TABLE live_settings ADD COLUMN workspace INTEGER NOT NULL DEFAULT 0",
        """ALTER TABLE agents ADD COLUMN status TEXT NOT NULL DEFAULT 'away'
            CHECK (status IN ('available', 'away'))""",
    ],
    [
        # Sign-in throttling (docs/agents.md): attempts per (store, email), shared by every hub
        # node; the key is a hash of the pair. The index serves the hourly purge of old windows.
        """CREATE TABLE sign_in_attempts (
            key_hash TEXT PRIMARY KEY,
            attempts INTEGER NOT NULL,
            window_start REAL NOT NULL)""",
        "CREATE INDEX sign_in_attempts_age ON sign_in_attempts(window_start)",
    ],
    [
        # Ratings of calls (storage/ratings.py, docs/live-selling.md "Rating a call"). Who took
        # the call on the store's side: the agent who rang or answered (NULL: the store's key).
        # Later work counts an agent's running calls by this column.
        "ALTER TABLE live_calls ADD COLUMN agent_id TEXT",
        # One rating per call (the primary key makes "once" hold across nodes). Kept when the
        # session is deleted (the store's averages do not move), its comment blanked.
        """CREATE TABLE call_ratings (
            call_id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            agent_id TEXT,
            stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
            comment TEXT NOT NULL DEFAULT '',
            at REAL NOT NULL)""",
        "CREATE INDEX call_ratings_store ON call_ratings(store_id, at)",
        "CREATE INDEX call_ratings_agent ON call_ratings(store_id, agent_id, at)",
        # The owner's choice to show the store's average on its selling page.
        "ALTER TABLE live_settings ADD COLUMN show_rating INTEGER NOT NULL DEFAULT 0",
    ],
    [
        # Support calls with prepaid credit (storage/support.py, docs/agents.md "Support
        # calls"). Agents who take support calls; a store's price per minute and credit product.
        "ALTER TABLE agents ADD COLUMN support INTEGER NOT NULL DEFAULT 0",
        """CREATE TABLE support_settings (
            store_id TEXT PRIMARY KEY REFERENCES stores(id),
            price_amount INTEGER NOT NULL CHECK (price_amount > 0),
            currency TEXT NOT NULL,
            credit_product_id TEXT,
            minutes_per_unit INTEGER NOT NULL CHECK (minutes_per_unit > 0))""",
        # A shopper's balance per store (minor units of the store's support currency), and its
        # append-only history: a call and an order are counted at most once (the unique indexes
        # decide, on every node).
        """CREATE TABLE support_credit (
            store_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            balance INTEGER NOT NULL CHECK (balance >= 0),
            currency TEXT NOT NULL,
            PRIMARY KEY (store_id, account_id))""",
        """CREATE TABLE credit_entries (
            id TEXT PRIMARY KEY,
            store_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            delta INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('purchase', 'grant', 'call')),
            reason TEXT NOT NULL DEFAULT '',
            order_id TEXT,
            call_id TEXT,
            at REAL NOT NULL)""",
        "CREATE UNIQUE INDEX credit_call ON credit_entries(call_id) WHERE call_id IS NOT NULL",
        "CREATE UNIQUE INDEX credit_order ON credit_entries(order_id) WHERE order_id IS NOT NULL",
        "CREATE INDEX credit_entries_account ON credit_entries(store_id, account_id, at)",
        # A support call: its shopper, its plan (the balance and price when answered), the
        # last tick of the node running it (crash recovery), and whether it was warned.
        "ALTER TABLE live_calls ADD COLUMN support INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE live_calls ADD COLUMN account_id TEXT",
        "ALTER TABLE live_calls ADD COLUMN price_amount INTEGER",
        "ALTER TABLE live_calls ADD COLUMN plan_balance INTEGER",
        "ALTER TABLE live_calls ADD COLUMN tick_at REAL",
        "ALTER TABLE live_calls ADD COLUMN warned_at REAL",
        """CREATE INDEX live_calls_support ON live_calls(tick_at)
            WHERE support = 1 AND state = 'active'""",
        """CREATE TABLE support_complaints (
            id TEXT PRIMARY KEY,
            call_id TEXT NOT NULL,
            session_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            account_id TEXT NOT NULL,
            about TEXT NOT NULL CHECK (about IN ('answers', 'support')),
            text TEXT NOT NULL,
            answer TEXT,
            at REAL NOT NULL,
            answered_at REAL)""",
        "CREATE INDEX support_complaints_store ON support_complaints(store_id, answered_at, at)",
        # A rating's second aspect: the connection's quality (the stars rate the call itself).
        "ALTER TABLE call_ratings ADD COLUMN connection INTEGER",
    ],
    [
        # Conversations from the store's own pages (docs/agents.md, services/conversations.py):
        # the visitor's id on the store's site and the origin their talk panel started on (the
        # only site `navigate` may send them to), and that page's address for the console.
        # NULL for sessions started on the hub's live page. Later work claims sessions per agent.
        "ALTER TABLE live_sessions ADD COLUMN visitor_id TEXT",
        "ALTER TABLE live_sessions ADD COLUMN origin TEXT",
        "ALTER TABLE live_sessions ADD COLUMN page_url TEXT",
        """CREATE INDEX live_sessions_visitor ON live_sessions(store_id, visitor_id)
            WHERE visitor_id IS NOT NULL""",
    ],
    [
        # Taking conversations (docs/agents.md "Taking a visitor", storage/claims.py): who holds
        # a session and since when (NULL: free for any agent). The partial index serves an
        # agent's own conversations and their count.
        "ALTER TABLE live_sessions ADD COLUMN agent_id TEXT",
        "ALTER TABLE live_sessions ADD COLUMN claimed_at REAL",
        """CREATE INDEX live_sessions_agent ON live_sessions(agent_id)
            WHERE agent_id IS NOT NULL""",
        # An agent's cap on parallel chats and how many they hold: one conditional UPDATE
        # (open_chats < chat_cap) decides a claim on every engine and node.
        """ALTER TABLE agents ADD COLUMN chat_cap INTEGER NOT NULL DEFAULT 3
            CHECK (chat_cap BETWEEN 1 AND 20)""",
        """ALTER TABLE agents ADD COLUMN open_chats INTEGER NOT NULL DEFAULT 0
            CHECK (open_chats >= 0)""",
        # One call per agent (ringing or running): the backstop of storage/calls.agent_busy.
        # Before it, a hub that let an agent ring twice ends all but their first call as busy
        # (the index could not be made otherwise).
        """UPDATE live_calls SET state = 'ended', end_reason = 'busy', ended_at = created_at
            WHERE state <> 'ended' AND agent_id IS NOT NULL AND EXISTS (
                SELECT 1 FROM live_calls o WHERE o.agent_id = live_calls.agent_id
                AND o.state <> 'ended' AND (o.created_at < live_calls.created_at
                    OR (o.created_at = live_calls.created_at AND o.id < live_calls.id)))""",
        """CREATE UNIQUE INDEX live_calls_agent_one ON live_calls(agent_id)
            WHERE state <> 'ended' AND agent_id IS NOT NULL""",
    ],
    [
        # Busy status (docs/agents.md "Products an agent handles"): which agents a product's
        # visitors are told about. Read per store when a call starts or ends (services/busy.py).
        """CREATE TABLE agent_products (
            store_id TEXT NOT NULL,
            agent_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            PRIMARY KEY (store_id, agent_id, product_id))""",
    ],
]
