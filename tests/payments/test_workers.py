"""Real Celery workers on Redis and PostgreSQL: a worker killed after the bank paid, and two workers
paying 200 loans and benefits while the bank times out at random."""

import os
import signal
import time
from datetime import timedelta

import pytest

from config.celery_app import app as celery_app
from payments.models import InstructionStatus, PaymentInstruction, SimulatedBankEntry
from payments.services import payments_sweep
from policies.drill import drill_report, drill_seed, drill_settle
from policies.models import LoanStatus, PolicyLoan
from tests.servers import celery_worker

from .test_outbox import _apply

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def through_broker(postgres, redis_url):
    """Send tasks through Redis to the workers instead of running them in the test process."""
    celery_app.conf.update(task_always_eager=False)
    yield
    celery_app.conf.update(task_always_eager=True)


def _until(condition, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)  # polling the records with a deadline, not waiting a guessed time
    return False


def test_a_worker_killed_after_the_bank_paid_pays_exactly_once_after_restart(
    through_broker, redis_url, customer_gql, policy, account
):
    # Given: a worker that hangs once the bank has paid (before it can record the answer)
    with celery_worker(REDIS_URL=redis_url, SIMULATED_PAYMENT_HANG_AFTER_PAY="1") as worker:
        _apply(customer_gql, policy, account)
        loan = PolicyLoan.objects.get()
        reference = f"LOAN-{loan.pk}"
        assert _until(lambda: SimulatedBankEntry.objects.filter(reference=reference).exists())
        # When: it is killed there (SIGKILL: no clean-up, the late-acked task is not acknowledged)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    instruction = PaymentInstruction.objects.get()
    assert instruction.status == InstructionStatus.SENT
    assert PolicyLoan.objects.get().status == LoanStatus.DISBURSING

    # Then: with a worker back, the sweeper's reconciliation settles it from the bank's books
    with celery_worker(REDIS_URL=redis_url):
        payments_sweep(sent_after=timedelta(0))
        assert _until(lambda: PolicyLoan.objects.get().status == LoanStatus.ACTIVE)

    assert PaymentInstruction.objects.get().status == InstructionStatus.SETTLED
    assert SimulatedBankEntry.objects.filter(reference=reference, paid=True).count() == 1
    assert PaymentInstruction.objects.get().attempts == 1  # never sent again: the bank had it


def test_200_payouts_by_two_workers_while_the_bank_times_out_end_settled_once_each(through_broker, redis_url):
    faults = {"SIMULATED_PAYMENT_FAULTS": "timeout=0.2,paid_then_timeout=0.1,seed=17"}
    started = time.monotonic()
    with celery_worker(REDIS_URL=redis_url, **faults), celery_worker(REDIS_URL=redis_url, **faults):
        ids = drill_seed(200)
        drill_settle(ids, timeout=240, quiet_for=2.0)

    report = drill_report(ids, seconds=time.monotonic() - started)
    assert (report.instructions, report.stuck, report.paid_twice) == (200, 0, 0)
    assert report.settled + report.failed == 200 and report.failed == 0
    assert report.ledger_mismatches == 0 and report.state_mismatches == 0
    # The faults did happen: some instructions needed more than one attempt or a reconciliation.
    assert PaymentInstruction.objects.filter(pk__in=ids, attempts__gt=1).exists()
    assert SimulatedBankEntry.objects.filter(paid=True).count() == 200
