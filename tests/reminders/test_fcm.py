"""Push through firebase-admin to a local FCM-compatible endpoint: bodies, dead tokens, retries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import App, Device, Platform
from reminders.fake_fcm import FakeFcm
from reminders.models import PushMessage, PushStatus
from reminders.services.outbox import MAX_ATTEMPTS, SDK_STATUS_RETRIES, push_enqueue, push_outbox_drain
from tests.accounts.factories import CustomerFactory


@pytest.fixture
def fcm(settings):
    with FakeFcm() as server:
        settings.FCM_ENDPOINT = server.url
        settings.FIREBASE_CREDENTIALS = ""
        settings.FIREBASE_PROJECT_ID = "nuanxin-local"
        yield server


@pytest.fixture
def customer(db):
    return CustomerFactory(user__phone="13800000066")


def _device(customer, token, platform=Platform.ANDROID):
    return Device.objects.create(
        user=customer.user, token=token, token_digest=token, platform=platform, app=App.CUSTOMER_APP
    )


def _queue(customer, **data):
    return push_enqueue(
        user_id=customer.user_id,
        app=App.CUSTOMER_APP,
        kind="RENEWAL_PREMIUM_DUE",
        title="续期保费即将到期",
        body="保单NX2019000001的保费12000.00元将于2026-11-28到期。",
        data={"reminderId": 7, "deepLink": "nuanxin://policies/NX2019000001/reminders/7", **data},
    )


def test_messages_reach_the_endpoint_with_android_and_apns_settings(fcm, customer):
    _device(customer, "token-android")
    _device(customer, "token-ios", Platform.IOS)
    assert _queue(customer) == 2

    counts = push_outbox_drain()

    assert counts["sent"] == 2
    assert {r["path"] for r in fcm.requests} == {"/v1/projects/nuanxin-local/messages:send"}
    assert all(
        {k.lower(): v for k, v in r["headers"].items()}["authorization"] == "Bearer local-endpoint-token"
        for r in fcm.requests
    )
    message = next(
        r["body"]["message"] for r in fcm.requests if r["body"]["message"]["token"] == "token-android"
    )
    assert message["notification"] == {
        "title": "续期保费即将到期",
        "body": "保单NX2019000001的保费12000.00元将于2026-11-28到期。",
    }
    assert message["data"] == {
        "reminderId": "7",
        "deepLink": "nuanxin://policies/NX2019000001/reminders/7",
        "kind": "RENEWAL_PREMIUM_DUE",
    }
    assert (
        message["android"]["priority"] == "high"
        and message["android"]["notification"]["channel_id"] == "servicing"
    )
    assert message["apns"]["headers"]["apns-priority"] == "10"
    assert message["apns"]["payload"]["aps"]["sound"] == "default"
    assert all(len(str(r["body"]).encode()) < 4096 for r in fcm.requests)
    assert set(PushMessage.objects.values_list("status", flat=True)) == {PushStatus.SENT}
    assert len(fcm.requests) == 2 and all(m.attempts == 1 for m in PushMessage.objects.all())


@pytest.mark.parametrize("token", ["unregistered-1", "mismatch-1"])
def test_dead_tokens_deactivate_the_device(fcm, customer, token):
    device = _device(customer, token)
    _queue(customer)

    counts = push_outbox_drain()

    assert counts["deactivated"] == 1
    device.refresh_from_db()
    assert device.active is False
    assert PushMessage.objects.get().status == PushStatus.FAILED
    # A deactivated device gets nothing more.
    assert _queue(customer) == 0


def test_invalid_argument_fails_without_retry(fcm, customer):
    _device(customer, "invalid-1")
    _queue(customer)

    push_outbox_drain()
    push_outbox_drain(now=timezone.now() + timedelta(days=1))

    message = PushMessage.objects.get()
    assert message.status == PushStatus.FAILED and "INVALID_ARGUMENT" in message.last_error
    assert fcm.attempts["invalid-1"] == 1


def test_503_is_retried_by_the_sdk_once_then_by_the_outbox_with_backoff(fcm, customer):
    # Three 503s: the SDK's own retry takes two, the outbox's retry sends the third try and then succeeds.
    _device(customer, "flaky-3-token")
    _queue(customer)

    first = push_outbox_drain()
    message = PushMessage.objects.get()
    assert first["retry"] == 1 and message.status == PushStatus.PENDING
    assert message.attempts == 1 + SDK_STATUS_RETRIES
    assert message.not_before > timezone.now()
    assert push_outbox_drain()["sent"] == 0  # not before its backoff ends

    second = push_outbox_drain(now=message.not_before + timedelta(seconds=1))

    message.refresh_from_db()
    assert second["sent"] == 1 and message.status == PushStatus.SENT
    assert fcm.attempts["flaky-3-token"] == 4


def test_retries_stop_at_the_cap(fcm, customer):
    _device(customer, "flaky-99-token")
    _queue(customer)
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        push_outbox_drain(now=now)
        now += timedelta(hours=2)
    message = PushMessage.objects.get()
    assert message.status == PushStatus.FAILED
    assert message.attempts <= MAX_ATTEMPTS
    assert fcm.attempts["flaky-99-token"] == message.attempts


def test_without_credentials_the_console_backend_sends(settings, customer, caplog):
    settings.FCM_ENDPOINT = ""
    settings.FIREBASE_CREDENTIALS = ""
    _device(customer, "t")
    _queue(customer)
    assert push_outbox_drain()["sent"] == 1
    assert "push (console)" in caplog.text
