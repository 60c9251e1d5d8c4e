"""``callback.deliver``: sends due outbox rows, in stage order per task, with retries and signatures."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import httpx
import orjson
import structlog
from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import aliased

from songforge.account.models import ApiKey
from songforge.callback.models import Delivery
from songforge.callback.netguard import CallbackGuard
from songforge.callback.signing import kie_headers, standard_webhook_headers
from songforge.clock import utcnow
from songforge.db import Database
from songforge.errors import CallbackRefused
from songforge.settings import CallbackSettings

log = structlog.get_logger(__name__)
USER_AGENT = "songforge-callbacks/1"


class CallbackSender:
    """Claims due deliveries (a lease, so several replicas can run senders) and POSTs them."""

    def __init__(self, db: Database, settings: CallbackSettings, guard: CallbackGuard,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.db = db
        self.settings = settings
        self.guard = guard
        self.retries = [float(x) for x in settings.retry_schedule.split(",") if x.strip()]
        self.client = httpx.AsyncClient(timeout=settings.timeout_seconds, follow_redirects=False,
                                        transport=transport, headers={"User-Agent": USER_AGENT})
        self.stopping = False

    def claim(self, limit: int) -> list[tuple[Delivery, ApiKey | None]]:
        """Due deliveries whose earlier stages are settled, leased for the length of one attempt."""
        now = utcnow()
        earlier = aliased(Delivery)
        blocked = exists().where(and_(earlier.task_id == Delivery.task_id, earlier.seq < Delivery.seq,
                                      earlier.status.in_(["pending", "sending"])))
        lease = now + timedelta(seconds=self.settings.timeout_seconds + 30)
        with self.db.write() as s:
            rows = list(s.scalars(
                select(Delivery).where(Delivery.status.in_(["pending", "sending"]), Delivery.next_attempt_at <= now,
                                       ~blocked).order_by(Delivery.id).limit(limit)))
            out = []
            for row in rows:
                row.status = "sending"
                row.next_attempt_at = lease
                out.append((row, s.get(ApiKey, row.key_id)))
            s.flush()
            s.expunge_all()
        return out

    async def attempt(self, delivery: Delivery, key: ApiKey | None) -> None:
        """One POST; records success, schedules a retry, or gives up."""
        body = orjson.dumps(delivery.body)
        ts = int(time.time())
        headers = {"Content-Type": "application/json"}
        if key is not None and key.webhook_secret:
            headers.update(standard_webhook_headers(key.webhook_secret, f"msg_{delivery.id}", ts, body))
        if key is not None and key.kie_hmac_key and delivery.sign_id:
            headers.update(kie_headers(key.kie_hmac_key, delivery.sign_id, ts))
        status, error = 0, ""
        try:
            await asyncio.to_thread(self.guard.check, delivery.url)  # again now: DNS may have changed
            resp = await self.client.post(delivery.url, content=body, headers=headers)
            status = resp.status_code
            if not 200 <= status < 300:
                error = f"HTTP {status}"
        except CallbackRefused as exc:
            error = exc.message
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"[:500]
        self._record(delivery, status, error)

    def _record(self, delivery: Delivery, status: int, error: str) -> None:
        attempts = delivery.attempts + 1
        values: dict[str, object] = {"attempts": attempts, "last_status": status, "last_error": error}
        if not error:
            values.update(status="delivered", delivered_at=utcnow())
            log.info("callback.delivered", task_id=delivery.task_id, stage=delivery.event, attempts=attempts)
        elif attempts > len(self.retries):
            values["status"] = "failed"
            log.warning("callback.gave_up", task_id=delivery.task_id, stage=delivery.event, error=error)
        else:
            values.update(status="pending", next_attempt_at=utcnow() + timedelta(seconds=self.retries[attempts - 1]))
            log.info("callback.retry", task_id=delivery.task_id, stage=delivery.event, error=error)
        with self.db.write() as s:
            s.execute(update(Delivery).where(Delivery.id == delivery.id).values(**values))

    async def run_once(self) -> int:
        """Send every delivery that is due now (concurrently); returns how many were attempted."""
        batch = await asyncio.to_thread(self.claim, self.settings.concurrency)
        if batch:
            await asyncio.gather(*(self.attempt(d, k) for d, k in batch))
        return len(batch)

    async def run_forever(self) -> None:
        """Loop until stopped."""
        while not self.stopping:
            try:
                sent = await self.run_once()
            except Exception:  # the database may be briefly busy; keep the sender alive
                log.exception("callback.loop_error")
                sent = 0
            if not sent:
                await asyncio.sleep(self.settings.poll_seconds)

    async def close(self) -> None:
        """Close the HTTP client."""
        await self.client.aclose()
