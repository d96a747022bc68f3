"""The push outbox and its senders: firebase-admin (FCM HTTP v1) or, without credentials, the console.

Rows are written with whatever caused them and drained by workers: claim (SKIP LOCKED, so several
workers share the work), send outside any transaction, record the outcome. A worker that dies
leaves rows SENDING; the reaper returns them to PENDING after the broker's visibility timeout,
so a push is delivered at least once.
"""

import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Device
from core.masking import mask_text

from ..models import LIVE_REMINDER, PushMessage, PushStatus, Reminder

logger = logging.getLogger(__name__)

FCM_BATCH = 500  # send_each accepts at most 500 messages
MAX_PAYLOAD_BYTES = 4096
# firebase-admin retries 500/503 itself; we allow it one retry and count it in the cap.
SDK_STATUS_RETRIES = 1
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 3600
RETRYABLE = {"UNAVAILABLE", "INTERNAL", "QUOTA_EXCEEDED", "UNKNOWN"}
DEAD_TOKEN = {"UNREGISTERED", "SENDER_ID_MISMATCH"}


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error_code: str = ""
    error: str = ""


def push_enqueue(
    *,
    user_id: int,
    app: str,
    kind: str,
    title: str,
    body: str,
    data: dict,
    not_before: datetime | None = None,
    reminder_id: int | None = None,
) -> int:
    """Queue one message per active device of the user in `app`; call inside the causing transaction."""
    now = timezone.now()
    deferred = not_before is not None and not_before > now
    devices = list(Device.objects.filter(user_id=user_id, app=app, active=True).values_list("pk", flat=True))
    PushMessage.objects.bulk_create(
        PushMessage(
            device_id=device_id,
            kind=kind,
            title=title[:128],
            body=body[:512],
            data={key: str(value) for key, value in data.items()},
            reminder_id=reminder_id,
            status=PushStatus.DEFERRED if deferred else PushStatus.PENDING,
            not_before=not_before if deferred else now,
        )
        for device_id in devices
    )
    if devices and not deferred:
        from ..tasks import push_outbox_drain

        transaction.on_commit(lambda: push_outbox_drain.delay())
    return len(devices)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with full jitter, capped."""
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 (jitter, not security)


def _claim(*, limit: int, now: datetime) -> list[PushMessage]:
    with transaction.atomic():
        ids = list(
            PushMessage.objects.select_for_update(skip_locked=True)
            .filter(status__in=(PushStatus.PENDING, PushStatus.DEFERRED), not_before__lte=now)
            .order_by("not_before", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        PushMessage.objects.filter(pk__in=ids).update(status=PushStatus.SENDING, claimed_at=now)
    # Only what a send and its outcome need: this runs for every message at full rate.
    return list(
        PushMessage.objects.filter(pk__in=ids)
        .select_related("device")
        .only("pk", "kind", "title", "body", "data", "attempts", "device_id", "device__token", "reminder_id")
        .order_by("pk")
    )


def _without_settled_reminders(messages: list[PushMessage], *, now: datetime) -> list[PushMessage]:
    """A reminder push re-checks its reminder when it is sent (a deferred one hours later): what was
    settled meanwhile (the benefit claimed, the loan repaid) is withdrawn, not sent."""
    reminder_ids = {m.reminder_id for m in messages if m.reminder_id}
    if not reminder_ids:
        return messages
    from .scan import reminders_resolve

    policy_ids = set(Reminder.objects.filter(pk__in=reminder_ids).values_list("policy_id", flat=True))
    reminders_resolve(policy_ids=list(policy_ids), now=now)
    settled = set(
        Reminder.objects.filter(pk__in=reminder_ids)
        .exclude(status__in=LIVE_REMINDER)
        .values_list("pk", flat=True)
    )
    if not settled:
        return messages
    PushMessage.objects.filter(pk__in=[m.pk for m in messages if m.reminder_id in settled]).update(
        status=PushStatus.WITHDRAWN
    )
    return [m for m in messages if m.reminder_id not in settled]


def push_outbox_drain(*, limit: int = FCM_BATCH, now: datetime | None = None) -> dict:
    """Send one batch of due messages. Returns counts by outcome."""
    now = now or timezone.now()
    claimed = _claim(limit=limit, now=now)
    messages = _without_settled_reminders(claimed, now=now)
    counts = {"sent": 0, "failed": 0, "retry": 0, "deactivated": 0, "withdrawn": len(claimed) - len(messages)}
    if not messages:
        return counts
    results = push_backend().send(messages)
    sent, failed, retry, dead_devices = [], [], [], set()
    for message, result in zip(messages, results, strict=True):
        if result.ok:
            sent.append(message.pk)
            continue
        message.attempts += 1 + (SDK_STATUS_RETRIES if result.error_code in RETRYABLE else 0)
        message.last_error = f"{result.error_code}: {result.error}"[:255]
        if result.error_code in RETRYABLE and message.attempts < MAX_ATTEMPTS:
            message.status, message.not_before = PushStatus.PENDING, now + retry_delay(message.attempts)
            retry.append(message)
        else:
            message.status = PushStatus.FAILED
            failed.append(message)
            if result.error_code in DEAD_TOKEN:
                dead_devices.add(message.device_id)
    with transaction.atomic():
        # Successes (nearly all rows) share one UPDATE; only failures carry per-row values.
        PushMessage.objects.filter(pk__in=sent).update(
            status=PushStatus.SENT, sent_at=now, attempts=F("attempts") + 1, last_error=""
        )
        PushMessage.objects.bulk_update([*failed, *retry], ["status", "attempts", "last_error", "not_before"])
        if dead_devices:
            Device.objects.filter(pk__in=dead_devices).update(
                active=False, deactivated_reason="push token rejected"
            )
    counts.update(sent=len(sent), failed=len(failed), retry=len(retry), deactivated=len(dead_devices))
    logger.info("push outbox: %s", counts)
    return counts


def push_outbox_drain_all(*, now: datetime | None = None, max_batches: int = 1000) -> dict:
    """Drain until nothing due is left (bounded), for the periodic sender."""
    totals = {"sent": 0, "failed": 0, "retry": 0, "deactivated": 0, "withdrawn": 0}
    for _ in range(max_batches):
        counts = push_outbox_drain(now=now)
        for key, value in counts.items():
            totals[key] += value
        if sum(counts.values()) == 0:
            break
    return totals


def push_outbox_reap(*, now: datetime | None = None) -> int:
    """Messages claimed by a worker that died go back to the queue after the visibility timeout."""
    now = now or timezone.now()
    timeout = timedelta(seconds=settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"])
    return PushMessage.objects.filter(status=PushStatus.SENDING, claimed_at__lt=now - timeout).update(
        status=PushStatus.PENDING
    )


# --- Backends -------------------------------------------------------------------------------------


class ConsoleBackend:
    """Without FCM credentials: log each message (personal data masked) and count it as sent."""

    def send(self, messages: list[PushMessage]) -> list[SendResult]:
        for message in messages:
            logger.info(
                "push (console) to device %s: %s — %s",
                message.device_id,
                message.title,
                mask_text(message.body),
            )
        return [SendResult(ok=True) for _message in messages]


def _payload_fits(title: str, body: str, data: dict) -> tuple[str, dict]:
    """FCM refuses payloads over 4 KB: shorten the body rather than lose the message."""
    while (
        len(json.dumps({"title": title, "body": body, "data": data}, ensure_ascii=False).encode())
        > MAX_PAYLOAD_BYTES
    ):
        body = body[: max(len(body) - 64, 0)]
        if not body:
            break
    return body, data


class FcmBackend:
    """firebase-admin's send_each, in batches of 500, against FCM or a compatible endpoint."""

    def __init__(self):
        from firebase_admin import messaging

        self.messaging = messaging
        self.app = firebase_app()

    def build(self, message: PushMessage):
        m = self.messaging
        body, data = _payload_fits(message.title, message.body, message.data)
        return m.Message(
            # The apps register FCM registration tokens; `fid` (installation ids) is not what they send.
            token=message.device.token,
            notification=m.Notification(title=message.title, body=body),
            data={**data, "kind": message.kind},
            android=m.AndroidConfig(
                priority="high",
                ttl=timedelta(days=1),
                collapse_key=message.kind,
                notification=m.AndroidNotification(channel_id="servicing", sound="default"),
            ),
            apns=m.APNSConfig(
                headers={"apns-priority": "10", "apns-collapse-id": message.kind[:64]},
                payload=m.APNSPayload(aps=m.Aps(sound="default", thread_id=message.kind)),
            ),
        )

    def send(self, messages: list[PushMessage]) -> list[SendResult]:
        from firebase_admin import exceptions

        results: list[SendResult] = []
        for start in range(0, len(messages), FCM_BATCH):
            chunk = messages[start : start + FCM_BATCH]
            try:
                batch = self.messaging.send_each([self.build(message) for message in chunk], app=self.app)
            except exceptions.FirebaseError as exc:
                results.extend(SendResult(False, error_code="UNKNOWN", error=str(exc)[:200]) for _ in chunk)
                continue
            for response in batch.responses:
                if response.success:
                    results.append(SendResult(True))
                else:
                    results.append(
                        SendResult(
                            False,
                            error_code=fcm_error_code(response.exception),
                            error=str(response.exception)[:200],
                        )
                    )
        return results


def fcm_error_code(exc) -> str:
    from firebase_admin import exceptions, messaging

    if isinstance(exc, messaging.UnregisteredError):
        return "UNREGISTERED"
    if isinstance(exc, messaging.SenderIdMismatchError):
        return "SENDER_ID_MISMATCH"
    if isinstance(exc, messaging.QuotaExceededError):
        return "QUOTA_EXCEEDED"
    if isinstance(exc, exceptions.UnavailableError):
        return "UNAVAILABLE"
    if isinstance(exc, exceptions.InternalError):
        return "INTERNAL"
    if isinstance(exc, exceptions.InvalidArgumentError):
        return "INVALID_ARGUMENT"
    return getattr(exc, "code", "UNKNOWN") or "UNKNOWN"


def _static_token_credential():
    """A credential with a fixed OAuth token, for a local FCM-compatible endpoint (no Google login)."""
    from firebase_admin import credentials
    from google.oauth2.credentials import Credentials

    class StaticToken(credentials.Base):
        def get_credential(self):
            return Credentials(token="local-endpoint-token")

    return StaticToken()


def firebase_app():
    return _firebase_app(
        settings.FCM_ENDPOINT.rstrip("/"), settings.FIREBASE_CREDENTIALS, settings.FIREBASE_PROJECT_ID
    )


@cache
def _firebase_app(endpoint: str, credentials_source: str, project_id: str):
    import hashlib

    import firebase_admin
    import requests
    from firebase_admin import credentials, messaging
    from urllib3.util import retry

    if credentials_source:
        parsed = (
            json.loads(credentials_source)
            if credentials_source.lstrip().startswith("{")
            else credentials_source
        )
        credential = credentials.Certificate(parsed)
    else:
        credential = _static_token_credential()
    options = {"projectId": project_id or ("nuanxin-local" if endpoint else "")}
    name = (
        "nuanxin-" + hashlib.sha256(f"{endpoint}|{credentials_source}|{project_id}".encode()).hexdigest()[:12]
    )
    app = firebase_admin.initialize_app(
        credential, options={k: v for k, v in options.items() if v}, name=name
    )
    service = messaging._get_messaging_service(app)
    # The SDK's own retries on 500/503, made explicit so that the outbox's cap can count them.
    adapter = requests.adapters.HTTPAdapter(
        pool_connections=100,
        pool_maxsize=FCM_BATCH,
        max_retries=retry.Retry(
            connect=1,
            read=1,
            status=SDK_STATUS_RETRIES,
            status_forcelist=[500, 503],
            backoff_factor=0.1,
            raise_on_status=False,
            allowed_methods=None,
        ),
    )
    if endpoint:
        service._fcm_url = f"{endpoint}/v1/projects/{app.project_id}/messages:send"
    session = service._client.session
    session.mount(endpoint or "https://fcm.googleapis.com", adapter)
    # requests re-reads the proxy variables and looks for a .netrc file on every request (a sixth of
    # the sender's time at full rate); read the proxies once, here, and skip the per-request lookups.
    session.proxies.update(requests.utils.get_environ_proxies(service._fcm_url))
    session.trust_env = False
    return app


def push_backend():
    if settings.FIREBASE_CREDENTIALS or settings.FCM_ENDPOINT:
        return FcmBackend()
    return ConsoleBackend()
