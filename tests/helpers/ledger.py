"""The ledger's invariants, read straight from a hub's SQLite file (a connection of our own,
read-only), so a test can say after any traffic that nothing is out of balance or lost."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def ledger_problems(database: Path) -> list[str]:
    """Every broken invariant, in words (empty when the ledger is sound):

    - a product's `held` is the sum of its held tickets, and `sold_pending` the sum of its
      tickets bought in orders still `placed` (confirming or ending an order moves them on);
    - holds never exceed what is on sale: with anything held, on_hand - held - sold_pending >= 0;
    - a held ticket holds at least one unit;
    - nothing written to a durable stream is lost: every seq after the acked one, up to the
      head, is still in the outbox.
    """
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        problems = [
            f"{r['store_id']}/{r['product_id']}: held {r['held']} but tickets hold {r['tickets']}"
            for r in db.execute(
                "SELECT p.store_id, p.product_id, p.held, COALESCE(SUM(t.qty), 0) AS tickets "
                "FROM products p LEFT JOIN tickets t ON t.store_id = p.store_id "
                "AND t.product_id = p.product_id AND t.state = 'held' "
                "GROUP BY p.store_id, p.product_id HAVING p.held != COALESCE(SUM(t.qty), 0)"
            )
        ]
        problems += [
            f"{r['store_id']}/{r['product_id']}: sold_pending {r['sold_pending']} but placed "
            f"orders hold {r['pending']}"
            for r in db.execute(
                "SELECT p.store_id, p.product_id, p.sold_pending, COALESCE(SUM(t.qty), 0) "
                "AS pending FROM products p LEFT JOIN tickets t ON t.store_id = p.store_id "
                "AND t.product_id = p.product_id AND t.state = 'purchased' AND t.order_id IN "
                "(SELECT id FROM orders WHERE status = 'placed') "
                "GROUP BY p.store_id, p.product_id HAVING p.sold_pending != COALESCE(SUM(t.qty), 0)"
            )
        ]
        problems += [
            f"{r['store_id']}/{r['product_id']}: holds {r['held']} with on_hand {r['on_hand']} "
            f"and sold_pending {r['sold_pending']}"
            for r in db.execute(
                "SELECT * FROM products WHERE held > 0 AND on_hand - held - sold_pending < 0"
            )
        ]
        problems += [
            f"ticket {r['id']} is held with qty {r['qty']}"
            for r in db.execute("SELECT id, qty FROM tickets WHERE state = 'held' AND qty < 1")
        ]
        problems += [
            f"stream {r['owner']}: head {r['head_seq']}, acked {r['acked_seq']}, "
            f"but {r['kept']} unacked messages kept"
            for r in db.execute(
                "SELECT s.owner, s.head_seq, s.acked_seq, (SELECT COUNT(*) FROM outbox o "
                "WHERE o.owner = s.owner AND o.seq > s.acked_seq AND o.seq <= s.head_seq) AS kept "
                "FROM streams s WHERE kept != s.head_seq - s.acked_seq"
            )
        ]
    return problems
