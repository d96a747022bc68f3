"""Retention: each app's daily purge deletes what has outlived its use, and nothing else."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import retention as accounts_retention
from accounts.models import AuthSession, Device, LoginThrottle, OtpCode, RefreshToken
from chat import retention as chat_retention
from chat.models import Conversation, ConversationStatus, Message
from policies import retention as policies_retention
from policies.models import AuditEvent, IdempotencyRecord
from reminders import retention as reminders_retention
from reminders.models import PushMessage
from tests.accounts.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def ago(**kwargs):
    return timezone.now() - timedelta(**kwargs)


def test_sign_in_records_go_after_their_use(customer_user):
    old_code = OtpCode.objects.create(
        phone="13800000031",
        purpose="LOGIN",
        code_hash="x",
        client_ip="10.0.0.1",
        created_at=ago(days=3),
        expires_at=ago(days=3),
    )
    fresh_code = OtpCode.objects.create(
        phone="13800000031",
        purpose="LOGIN",
        code_hash="y",
        client_ip="10.0.0.1",
        created_at=ago(hours=20),
        expires_at=ago(hours=20),
    )
    stale_throttle = LoginThrottle.objects.create(key="phone:1", failures=2, window_started_at=ago(days=2))
    locked_throttle = LoginThrottle.objects.create(
        key="phone:2",
        failures=5,
        window_started_at=ago(days=2),
        locked_until=timezone.now() + timedelta(minutes=5),
    )
    fresh_throttle = LoginThrottle.objects.create(key="ip:3", failures=1, window_started_at=ago(hours=1))
    logged_out = AuthSession.objects.create(
        user=customer_user, created_at=ago(days=90), revoked_at=ago(days=31)
    )
    expired = AuthSession.objects.create(user=customer_user, created_at=ago(days=90))
    RefreshToken.objects.create(
        session=expired, token_hash="a" * 64, created_at=ago(days=61), expires_at=ago(days=31)
    )
    refreshed = AuthSession.objects.create(user=customer_user, created_at=ago(days=90))
    RefreshToken.objects.create(
        session=refreshed, token_hash="b" * 64, created_at=ago(days=2), expires_at=ago(days=-28)
    )
    recently_out = AuthSession.objects.create(
        user=customer_user, created_at=ago(days=90), revoked_at=ago(days=5)
    )

    counts = accounts_retention.retention_purge()

    assert counts == {"one_time_codes": 1, "login_throttles": 1, "sessions": 2}
    assert list(OtpCode.objects.values_list("pk", flat=True)) == [fresh_code.pk]
    assert not OtpCode.objects.filter(pk=old_code.pk).exists()
    assert set(LoginThrottle.objects.values_list("pk", flat=True)) == {locked_throttle.pk, fresh_throttle.pk}
    assert set(AuthSession.objects.values_list("pk", flat=True)) == {refreshed.pk, recently_out.pk}
    assert not LoginThrottle.objects.filter(pk=stale_throttle.pk).exists()
    assert not AuthSession.objects.filter(pk__in=[logged_out.pk, expired.pk]).exists()


def test_idempotency_records_and_audit_go_after_their_periods(customer_user, settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "audit_events": 3660}
    old = IdempotencyRecord.objects.create(
        user=customer_user, key="k1", operation="loan", request_hash="h", created_at=ago(days=31)
    )
    recent = IdempotencyRecord.objects.create(
        user=customer_user, key="k2", operation="loan", request_hash="h", created_at=ago(days=29)
    )
    ancient = AuditEvent.objects.create(
        action="x", object_type="Policy", object_id="1", created_at=ago(days=3661)
    )
    kept = AuditEvent.objects.create(
        action="x", object_type="Policy", object_id="1", created_at=ago(days=3600)
    )

    assert policies_retention.retention_purge() == {"idempotency_records": 1, "audit_events": 1}
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]
    assert (
        not IdempotencyRecord.objects.filter(pk=old.pk).exists()
        and not AuditEvent.objects.filter(pk=ancient.pk).exists()
    )


def test_only_finished_pushes_past_their_month_go(customer_user):
    device = Device.objects.create(user=customer_user, token="t" * 40, platform="ANDROID", app="CUSTOMER_APP")
    rows = {
        status: PushMessage.objects.create(
            device=device, kind="SURVEY", title="t", body="b", status=status, created_at=ago(days=31)
        )
        for status in ("SENT", "FAILED", "WITHDRAWN", "PENDING", "DEFERRED")
    }
    recent = PushMessage.objects.create(
        device=device, kind="SURVEY", title="t", body="b", status="SENT", created_at=ago(days=29)
    )
    assert reminders_retention.retention_purge() == {"push_messages": 3}
    assert set(PushMessage.objects.values_list("pk", flat=True)) == {
        rows["PENDING"].pk,
        rows["DEFERRED"].pk,
        recent.pk,
    }


def test_transcripts_are_kept_for_the_regulatory_period(settings):
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "transcripts": 1830}
    customer = CustomerFactory(user__phone="13800000032")
    old = Conversation.objects.create(
        customer=customer,
        status=ConversationStatus.CLOSED,
        closed_at=ago(days=1831),
        created_at=ago(days=1831),
    )
    Message.objects.create(conversation=old, seq=1, sender_kind="CUSTOMER", body="旧消息")
    kept = Conversation.objects.create(
        customer=customer, status=ConversationStatus.CLOSED, closed_at=ago(days=1800)
    )
    open_old = Conversation.objects.create(
        customer=customer, status=ConversationStatus.ACTIVE, created_at=ago(days=2000)
    )
    assert chat_retention.retention_purge() == {"conversations": 1, "messages": 1}
    assert set(Conversation.objects.values_list("pk", flat=True)) == {kept.pk, open_old.pk}


def test_each_purge_is_scheduled(settings):
    scheduled = {job["task"] for job in settings.PERIODIC_TASKS}
    for app in ("accounts", "policies", "reminders", "chat"):
        assert f"{app}.tasks.retention_purge" in scheduled


@pytest.fixture
def customer_user(db):
    return CustomerFactory(user__phone="13800000033").user
