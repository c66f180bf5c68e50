"""Delivering what order transactions queued: signed webhook POSTs and shoppers' emails.

Both queues are rows written in the same transaction as the order change, so nothing is lost to
a crash: after a restart the dispatcher finds them again. A webhook counts as delivered when the
store answers 2xx (its acknowledgement); until then it is retried with growing pauses, and the
store's later webhooks wait behind it, so a store gets its orders in order.
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage

import httpx

from shared_protocol import webhooks
from shared_protocol.backoff import Backoff

from ..clock import Clock
from ..config import HubConfig
from ..storage import outbound_queue as queue
from ..storage.base import Database
from ..storage.sql import Row
from .metrics import HubMetrics

log = logging.getLogger(__name__)


# A claimed row is not sent by another node for this long (a crashed sender's work is then
# picked up again).
LEASE = 120.0


# Seconds before retry n of a webhook or an email: 2, 4, 8 ... up to an hour (no jitter: one
# row per store is retried, and admins read the schedule in the queue).
RETRY = Backoff(base=2.0, cap=3600.0, jitter=False)

# Seconds between looks at the queues when nothing woke the dispatcher: rows queued by another
# process (the command line's agent invitations) are sent within this.
RECHECK = 10.0


class OutboundDispatcher:
    def __init__(self, db: Database, clock: Clock, config: HubConfig, metrics: HubMetrics) -> None:
        self.db = db
        self.clock = clock
        self.config = config
        self.metrics = metrics
        self._wake = asyncio.Event()
        self._http: httpx.AsyncClient | None = None

    def wake(self) -> None:
        """Called after a commit that queued work."""
        self._wake.set()

    async def run(self) -> None:
        self._http = httpx.AsyncClient(timeout=self.config.webhook_timeout)
        try:
            while True:
                self._wake.clear()
                try:
                    await self.work_once()
                except Exception:
                    log.exception("outbound delivery failed; retrying")
                    await asyncio.sleep(1)
                await self._wait()
        finally:
            await self._http.aclose()

    async def _wait(self) -> None:
        due = await self.db.read(queue.next_attempt())
        waiters: list[asyncio.Future[object]] = [asyncio.ensure_future(self._wake.wait())]
        if due is not None:
            waiters.append(asyncio.ensure_future(self.clock.sleep_until(due)))
        try:
            await asyncio.wait(waiters, timeout=RECHECK, return_when=asyncio.FIRST_COMPLETED)
        finally:
            # As in ExpiryScheduler._sleep_or_wake: awaiting a cancelled waiter under
            # suppress(CancelledError) would also swallow a cancellation of this task.
            for waiter in waiters:
                waiter.cancel()
            await asyncio.wait(waiters)

    async def work_once(self) -> None:
        now = self.clock.now()
        hooks = await self.db.read(queue.due_webhooks(now))
        mail = await self.db.read(queue.due_mail(now))
        await asyncio.gather(*(self._post(row) for row in hooks), self._send_all(mail))

    # ---- webhooks -------------------------------------------------------------------------

    async def _post(self, row: Row) -> None:
        assert self._http is not None
        claim = queue.claim_webhook(row["id"], row["url"], self.clock.now(), LEASE)
        if not await self.db.write(claim):
            return  # another hub node took it
        secret = row["webhook_secret"] or ""
        timestamp = int(self.clock.now())
        headers = {
            "Content-Type": "application/json",
            "CartStart-Event": "order",
            webhooks.HEADER: webhooks.sign(secret, timestamp, row["body"]),
        }
        try:
            response = await self._http.post(row["url"], content=row["body"], headers=headers)
            ok = 200 <= response.status_code < 300
            error = "" if ok else f"HTTP {response.status_code}"
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a URL stored before it was checked
            ok, error = False, f"{type(exc).__name__}: {exc}"
        now = self.clock.now()
        if ok:
            await self.db.write(queue.webhook_delivered(row["id"], now))
            self.metrics.deliveries.labels("webhook", "delivered").inc()
        else:
            retry = now + RETRY.delay(row["attempts"] + 1)
            await self.db.write(queue.webhook_failed(row["id"], retry, error))
            self.metrics.deliveries.labels("webhook", "failed").inc()
            log.info(
                "webhook not acknowledged", extra={"store_id": row["store_id"], "error": error}
            )

    # ---- email ----------------------------------------------------------------------------

    async def _send_all(self, rows: list[Row]) -> None:
        for row in rows:
            await self._send(row)

    async def _send(self, row: Row) -> None:
        cfg = self.config
        now = self.clock.now()
        if not await self.db.write(queue.claim_mail(row["id"], now, LEASE)):
            return  # another hub node took it
        if not cfg.smtp_host:
            await self.db.write(queue.mail_sent(row["id"], now, "not sent: no smtp_host set"))
            self.metrics.deliveries.labels("mail", "skipped").inc()
            return
        message = EmailMessage()
        try:
            message["From"] = cfg.mail_from
            message["To"] = row["to_addr"]
            message["Subject"] = row["subject"]
            message.set_content(row["body"])
        except (ValueError, TypeError) as exc:
            # A header the email library refuses (a line break in a subject): a failed delivery
            # with its reason, retried later like any other, and the rest of the batch goes on.
            retry = now + RETRY.delay(row["attempts"] + 1)
            await self.db.write(queue.mail_failed(row["id"], retry, f"{type(exc).__name__}: {exc}"))
            self.metrics.deliveries.labels("mail", "failed").inc()
            return
        import aiosmtplib  # only hubs that send mail need it loaded

        try:
            await aiosmtplib.send(
                message,
                hostname=cfg.smtp_host,
                port=cfg.smtp_port,
                start_tls=cfg.smtp_starttls,
                username=cfg.smtp_username,
                password=cfg.smtp_password,
                timeout=30,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            retry = now + RETRY.delay(row["attempts"] + 1)
            await self.db.write(queue.mail_failed(row["id"], retry, f"{type(exc).__name__}: {exc}"))
            self.metrics.deliveries.labels("mail", "failed").inc()
            return
        await self.db.write(queue.mail_sent(row["id"], self.clock.now()))
        self.metrics.deliveries.labels("mail", "sent").inc()
