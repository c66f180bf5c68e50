"""The CartStart conformance kit: checks a store's integration with a hub against what the docs
promise, using only what any store has (the public HTTP and WebSocket API, `shared_protocol`,
and `storefront_templates.store_api`). It never imports the hub's code.

    cartstart-conformance --hub http://127.0.0.1:8740 --store-id st... --store-key csk...

or from Python:

    report = await run_kit(Options(hub_url, store_id, store_key, webhook_secret="whsec_..."))
    assert report.ok, [r.detail for r in report.results if r.status is Status.FAIL]

docs/conformance.md lists the checks, the documents each comes from, and what a run changes in
the store (and puts back).
"""

from .kit import Options
from .report import Report, Result, Side, Status
from .runner import CHECKS, HubUnavailable, run_kit

__all__ = ["CHECKS", "HubUnavailable", "Options", "Report", "Result", "Side", "Status", "run_kit"]
