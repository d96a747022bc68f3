"""With REQUIRE_SERVICES=1: a real Celery worker on Redis drains the outbox through firebase-admin."""

import time
from pathlib import Path

import pytest

from accounts.models import App, Device
from config.celery_app import app as celery_app
from reminders.fake_fcm import FakeFcm
from reminders.models import PushMessage, PushStatus
from reminders.services.outbox import push_enqueue
from tests.accounts.factories import CustomerFactory
from tests.servers import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def worker(redis_url, postgres):
    with FakeFcm() as fcm, celery_worker(REDIS_URL=redis_url, FCM_ENDPOINT=fcm.url):
        yield fcm


@pytest.fixture
def through_broker():
    """Send tasks through Redis instead of running them in the test process."""
    celery_app.conf.update(task_always_eager=False)
    yield
    celery_app.conf.update(task_always_eager=True)


def test_a_real_worker_drains_the_outbox(worker, through_broker):
    customer = CustomerFactory(user__phone="13800000077")
    for index in range(3):
        Device.objects.create(
            user=customer.user,
            token=f"worker-{index}",
            token_digest=f"worker-{index}",
            platform="ANDROID",
            app=App.CUSTOMER_APP,
        )
    # Committed (transactional test): its on_commit sends the drain task through Redis to the worker.
    push_enqueue(user_id=customer.user_id, app=App.CUSTOMER_APP, kind="TEST", title="t", body="b", data={})

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and PushMessage.objects.exclude(status=PushStatus.SENT).exists():
        time.sleep(0.2)  # polling the outcome with a deadline, not waiting a guessed time
    assert set(PushMessage.objects.values_list("status", flat=True)) == {PushStatus.SENT}
    assert sorted(r["body"]["message"]["token"] for r in worker.requests) == [
        "worker-0",
        "worker-1",
        "worker-2",
    ]
