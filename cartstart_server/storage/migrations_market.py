"""The marketplace's schema (docs/marketplace.md): the classification tree, exchange rates and
products' place in the tree (MARKET); solutions, requests for quotes and wishlists (SOLUTIONS).
Both lists follow the workspace's in storage/migrations.py; each entry is one migration."""

from __future__ import annotations

MARKET: list[list[str]] = []

SOLUTIONS: list[list[str]] = []
