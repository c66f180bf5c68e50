"""The serving hub's garbage-collection settings (cartstart_server/runtime.py)."""

from __future__ import annotations

import gc

from cartstart_server.runtime import MIDDLE, OLDEST, YOUNG, tune_gc


def test_a_serving_hub_collects_young_objects_less_often_and_never_rescans_start_up() -> None:
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    try:
        tune_gc()
        assert gc.get_threshold() == (YOUNG, MIDDLE, OLDEST) != before
        assert gc.get_freeze_count() > frozen  # start-up's objects left the collections
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
