"""The conformance kit's report as people and CI read it, and how it compares page origins."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from storefront_templates.conformance import CHECKS
from storefront_templates.conformance.pages import origin_of
from storefront_templates.conformance.report import (
    Report,
    Result,
    Side,
    Spec,
    Status,
    TextReport,
    write_json,
)
from storefront_templates.conformance.runner import CLEANUP

KEY = Spec("registration.key", "Registration", "The key opens the store API", "docs/a.md#key")
HOOK = Spec("webhooks.forged", "Webhooks", "A forged signature is refused", "docs/p.md#webhooks")
ERRORS = Spec("errors.not_found", "Errors", "An unknown product: 404", "docs/p.md#3", Side.HUB)
REASON = (
    "your webhook accepted a request with a forged signature (answered 204): verify "
    "CartStart-Signature before believing the body"
)


def a_report() -> Report:
    report = Report("http://hub.example:8740", "st1", "Harbour")
    report.results = [
        Result(KEY, Status.PASS, "store st1, 'Harbour'"),
        Result(HOOK, Status.FAIL, REASON),
        Result(ERRORS, Status.SKIP, "the store key did not open the store API"),
    ]
    report.touched = ["a throwaway shopper account, conformance-1@cartstart.invalid"]
    return report


def test_the_text_report_groups_by_section_and_wraps_reasons() -> None:
    out = io.StringIO()
    TextReport(out, "http://hub.example:8740", "st1").write(a_report())
    text = out.getvalue()
    assert text.splitlines()[0] == "CartStart conformance: store st1 on http://hub.example:8740"
    assert "\nRegistration\n  ✓ The key opens the store API: store st1, 'Harbour'\n" in text
    assert (
        "\nWebhooks\n  ✗ A forged signature is refused\n"
        "      your webhook accepted a request with a forged signature (answered 204): verify\n"
        "      CartStart-Signature before believing the body\n"
        "      see docs/p.md#webhooks\n"
    ) in text
    assert "\nErrors (the hub's guarantees, shown with your key)\n  – An unknown product" in text
    assert "What the kit changed in your store:\n  - a throwaway shopper" in text
    assert text.endswith("\n1 passed, 1 failed, 1 skipped: NOT conformant\n")
    assert max(len(line) for line in text.splitlines()) <= 100


def test_a_terminal_without_those_characters_gets_words() -> None:
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    report = a_report()
    report.results = [r for r in report.results if r.status is not Status.FAIL]
    TextReport(out, report.hub_url, report.store_id).write(report)
    text = raw.getvalue().decode("ascii")
    assert "  [ok] The key opens the store API" in text and "  [skip] An unknown" in text
    assert text.endswith("1 passed, 0 failed, 1 skipped: conformant\n")


def test_the_json_report_names_every_check_and_its_status() -> None:
    out = io.StringIO()
    write_json(a_report(), out)
    report = json.loads(out.getvalue())
    assert report["ok"] is False
    assert report["counts"] == {"pass": 1, "fail": 1, "skip": 1}
    assert report["checks"][1] == {
        "id": "webhooks.forged",
        "section": "Webhooks",
        "title": "A forged signature is refused",
        "docs": "docs/p.md#webhooks",
        "side": "store",
        "status": "fail",
        "detail": REASON,
    }


def test_page_origins_compare_as_browsers_send_them() -> None:
    assert origin_of("https://Shop.Example:443/products/mug?x=1") == "https://shop.example"
    assert origin_of("http://127.0.0.1:8751/products/mug") == "http://127.0.0.1:8751"
    assert origin_of("http://[::1]:80/") == "http://[::1]"
    assert origin_of("http://shop.example:8080") != origin_of("https://shop.example:8080")


def _anchors(doc: Path) -> set[str]:
    """Heading anchors as GitHub makes them: lower case, punctuation dropped, spaces as dashes."""
    headings = re.findall(r"^#+ (.+)$", doc.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def test_every_check_and_the_kits_guide_link_to_sections_that_exist() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs"
    links = [check.spec.docs for check in [*CHECKS, CLEANUP]]
    guide = (docs / "conformance.md").read_text()
    links += [f"docs/{link}" for link in re.findall(r"\]\((\w+\.md#[\w-]+)\)", guide)]
    assert len(links) > len(CHECKS) + 10
    for link in links:
        path, anchor = link.split("#")
        assert anchor in _anchors(docs.parent / path), link
