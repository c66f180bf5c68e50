"""Identifiers and secrets."""

from __future__ import annotations

from cartstart_server import credentials as cred


def test_ordered_ids_sort_by_creation_and_never_repeat() -> None:
    ids = [cred.new_ordered_id("t") for _ in range(20_000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("t") and len(i) == len(ids[0]) for i in ids)


def test_random_ids_do_not_repeat() -> None:
    ids = {cred.new_id("tk") for _ in range(20_000)}
    assert len(ids) == 20_000
