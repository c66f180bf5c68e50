"""The daily jobs' schedule (services/ops.py next_daily): a day on from the schedule and the
run's start, never from when the run ended."""

from __future__ import annotations

from cartstart_server.services.ops import DAY, next_daily


def test_the_next_run_is_a_day_after_the_slot_not_after_the_run_ended() -> None:
    due = 1_000.0
    assert next_daily(due, started=due) == due + DAY
    assert next_daily(due, started=due + 5) == due + DAY  # late by the loop's wake-up


def test_missed_days_are_run_once_and_the_schedule_keeps_its_hour() -> None:
    due = 1_000.0
    # The hub was stopped (or its clock moved) for 27 days and an hour: one run now, the next
    # at the schedule's hour after it.
    started = due + 27 * DAY + 3_600
    assert next_daily(due, started) == due + 28 * DAY
