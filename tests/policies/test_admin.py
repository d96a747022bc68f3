"""The review queue in the admin: approve and reject actions carry the request out; figures shown."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from policies.models import LoanStatus, PolicyLoan, RequestStatus, RequestType, ServicingRequest
from policies.services.review import automation_stats
from tests.accounts.factories import StaffFactory

from .factories import PolicyFactory


def _staff_client():
    staff = StaffFactory()
    staff.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_servicingrequest", "change_servicingrequest"])
    )
    client = Client()
    client.force_login(staff.user)
    return client, staff.user


def _pending_loan(owner, account, amount="5000.00"):
    policy = PolicyFactory(holder=owner, cash_values__amount="20000.00")
    return ServicingRequest.objects.create(
        customer=owner,
        type=RequestType.POLICY_LOAN,
        status=RequestStatus.PENDING_REVIEW,
        policy=policy,
        amount=Decimal(amount),
        reasons=["OPEN_COMPLAINT"],
        summary={"bank_account_id": account.pk},
        routed_at=timezone.now(),
    )


def test_admin_approve_action_disburses_the_loan(owner, account, django_capture_on_commit_callbacks):
    client, staff_user = _staff_client()
    request = _pending_loan(owner, account)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/policies/servicingrequest/",
            {"action": "approve", "_selected_action": [request.pk]},
            follow=True,
        )

    assert response.status_code == 200
    request.refresh_from_db()
    assert request.decided_by == staff_user and request.status == RequestStatus.COMPLETED
    assert PolicyLoan.objects.get().status == LoanStatus.ACTIVE


def test_admin_reject_action(owner, account):
    client, _ = _staff_client()
    request = _pending_loan(owner, account)
    client.post("/admin/policies/servicingrequest/", {"action": "reject", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED and "REVIEWER_REJECTED" in request.reasons
    assert not PolicyLoan.objects.exists()


def test_review_queue_lists_reasons_and_automation_figures(owner, account):
    client, _ = _staff_client()
    _pending_loan(owner, account)
    now = timezone.now()
    for seconds in (0.2, 0.4, 0.6):
        ServicingRequest.objects.create(
            customer=owner,
            type=RequestType.BANK_ACCOUNT_ADD,
            status=RequestStatus.COMPLETED,
            submitted_at=now - timedelta(seconds=seconds),
            decided_at=now,
            completed_at=now,
        )
    page = client.get(
        "/admin/policies/servicingrequest/", {"status__exact": "PENDING_REVIEW"}
    ).content.decode()
    assert "该保单有未结投诉。" in page
    stats = automation_stats()
    assert (stats["decided"], stats["automatic"], stats["automation_rate"]) == (3, 3, 1.0)
    assert abs(stats["median_decision_seconds"] - 0.4) < 1e-6
    assert "100%" in page
