"""What the kit found, for people (a ✓/✗ list with reasons) and for CI (`--json`)."""

from __future__ import annotations

import json
import textwrap
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, TextIO


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


class Side(StrEnum):
    """Whose behaviour a check shows: the store's integration, or the hub's documented
    guarantees (shown with the store's own key, so a store knows what it may rely on)."""

    STORE = "store"
    HUB = "hub"


@dataclass(frozen=True)
class Spec:
    """A named check: `id` is stable (for CI), `title` says what is expected, `docs` where the
    promise is written."""

    id: str
    section: str
    title: str
    docs: str
    side: Side = Side.STORE


@dataclass(frozen=True)
class Result:
    spec: Spec
    status: Status
    detail: str  # pass: what was shown; fail: the reason, for people; skip: why not run

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self.spec), "status": self.status.value, "detail": self.detail}


@dataclass
class Report:
    hub_url: str
    store_id: str
    store_name: str | None = None
    results: list[Result] = field(default_factory=list)
    touched: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status is status)

    @property
    def ok(self) -> bool:
        return self.count(Status.FAIL) == 0

    def result(self, check_id: str) -> Result:
        return next(r for r in self.results if r.spec.id == check_id)

    def summary(self) -> str:
        passed, failed, skipped = (self.count(s) for s in Status)
        parts = [f"{passed} passed", f"{failed} failed"]
        if skipped:
            parts.append(f"{skipped} skipped")
        verdict = "conformant" if self.ok else "NOT conformant"
        return f"{', '.join(parts)}: {verdict}"

    def as_json(self) -> dict[str, Any]:
        return {
            "hub": self.hub_url,
            "store_id": self.store_id,
            "store_name": self.store_name,
            "ok": self.ok,
            "counts": {s.value: self.count(s) for s in Status},
            "checks": [r.as_json() for r in self.results],
            "touched": self.touched,
        }


WIDTH = 100
INDENT = " " * 6
_MARKS = {Status.PASS: "✓", Status.FAIL: "✗", Status.SKIP: "–"}
_ASCII_MARKS = {Status.PASS: "[ok]", Status.FAIL: "[FAIL]", Status.SKIP: "[skip]"}


def marks_for(stream: TextIO) -> dict[Status, str]:
    """✓ ✗ – where the terminal can show them, plain words where it cannot."""
    try:
        "".join(_MARKS.values()).encode(stream.encoding or "utf-8")  # None: any str
    except (UnicodeEncodeError, LookupError):
        return _ASCII_MARKS
    return _MARKS


class TextReport:
    """Writes results as they come (a run takes seconds), grouped by section, wrapped for a
    terminal or a CI log."""

    def __init__(self, out: TextIO, hub_url: str, store_id: str, width: int = WIDTH) -> None:
        self.out = out
        self.marks = marks_for(out)
        self.heading = f"CartStart conformance: store {store_id} on {hub_url}"
        self.width = width
        self._section: str | None = None

    def _write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def _wrap(self, text: str, first: str, rest: str) -> str:
        return textwrap.fill(
            text,
            self.width,
            initial_indent=first,
            subsequent_indent=rest,
            break_long_words=False,  # URLs and ids stay whole
            break_on_hyphens=False,
        )

    def result(self, result: Result) -> None:
        spec = result.spec
        if self._section is None:
            self._write(self.heading)
        if spec.section != self._section:
            self._section = spec.section
            hub = " (the hub's guarantees, shown with your key)" if spec.side is Side.HUB else ""
            self._write(f"\n{spec.section}{hub}")
        mark = f"  {self.marks[result.status]} "
        if result.status is Status.FAIL:
            self._write(self._wrap(spec.title, mark, INDENT))
            self._write(self._wrap(result.detail, INDENT, INDENT))
            self._write(f"{INDENT}see {spec.docs}")
        else:
            self._write(self._wrap(f"{spec.title}: {result.detail}", mark, INDENT))

    def footer(self, report: Report) -> None:
        if report.touched:
            self._write("\nWhat the kit changed in your store:")
            for line in report.touched:
                self._write(self._wrap(line, "  - ", "    "))
        hub_failed = [
            r for r in report.results if r.spec.side is Side.HUB and r.status is Status.FAIL
        ]
        if hub_failed:
            self._write(
                "\n"
                + self._wrap(
                    "The hub's guarantees are checked with your key: unless the reason points at "
                    "your store, a failure there is the hub's; tell its admin.",
                    "",
                    "",
                )
            )
        self._write(f"\n{report.summary()}")

    def write(self, report: Report) -> None:
        for result in report.results:
            self.result(result)
        self.footer(report)


def write_json(report: Report, out: TextIO) -> None:
    json.dump(report.as_json(), out, indent=2, ensure_ascii=False)
    out.write("\n")
