"""Personalised products' schema (docs/personalise.md): a product's form (FORMS' first entry)
and the buyers' drafts (its second). The list follows the marketplace's in
storage/migrations.py; each entry is one migration."""

from __future__ import annotations

FORMS: list[list[str]] = [
    [
        # The store's customisation form, as FormDefinition JSON; NULL: not personalised.
        "ALTER TABLE products ADD COLUMN form TEXT",
        "ALTER TABLE products ADD COLUMN form_version INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE products ADD COLUMN form_updated_at REAL",
    ],
    [
        # A buyer's draft of one product's form: the buyer's, kept after the hold ends (the
        # store reads it only while a held ticket of that cart and product exists). `doc` is
        # JSON: {"values": {key: FieldState}, "comments": [DraftComment]}.
        """CREATE TABLE drafts (
            cart_id TEXT NOT NULL,
            store_id TEXT NOT NULL,
            product_id TEXT NOT NULL,
            cart_ref TEXT NOT NULL,
            doc TEXT NOT NULL,
            shop_editing TEXT NOT NULL DEFAULT 'off',
            last_edit_at REAL,
            last_edit_by TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (cart_id, store_id, product_id))""",
        "CREATE INDEX drafts_store ON drafts(store_id, cart_ref, product_id)",
    ],
]
