from datetime import date

import pytest
from django.core.management import call_command

from accounts.models import AgentProfile, CustomerProfile, Role, StaffProfile, User


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_accounts_once(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), CustomerProfile.objects.count(), AgentProfile.objects.count())
    call_command("seed_demo")

    assert (User.objects.count(), CustomerProfile.objects.count(), AgentProfile.objects.count()) == counts
    assert counts == (9, 3, 1)  # 2 customers, 1 agent, 4 staff, the admin; 1 more customer in the book
    staff = {
        p.user.phone: set(p.user.groups.values_list("name", flat=True)) for p in StaffProfile.objects.all()
    }
    assert staff == {
        "13700000001": {"desk"},
        "13700000002": {"reviewer", "callback"},
        "13700000003": {"underwriter"},
        "13700000004": {"supervisor", "qa"},
    }
    elder = CustomerProfile.objects.get(user__phone="13800000002")
    assert elder.age_on(date(2026, 11, 21)) == 72
    admin = User.objects.get(phone="admin")
    assert admin.role == Role.ADMIN and admin.is_superuser and admin.is_staff
    assert User.objects.get(phone="13800000001").check_password("demo12345")


@pytest.mark.django_db
def test_seed_synthetic_customers_is_idempotent_and_valid():
    call_command("seed_demo", customers=120, batch_size=50, no_progress=True)
    call_command("seed_demo", customers=150, batch_size=50, no_progress=True)

    synthetic = CustomerProfile.objects.filter(user__phone__startswith="150")
    assert synthetic.count() == 150
    ids = list(synthetic.values_list("id_number", flat=True))
    assert len(set(ids)) == 150 and all(len(i) == 18 for i in ids)


@pytest.mark.django_db
def test_seeded_requests_carry_their_times_in_order():
    from django.db.models import F

    from policies.models import RequestStatus, ServicingRequest

    call_command("seed_demo", customers=60, batch_size=50, no_progress=True)

    completed = ServicingRequest.objects.filter(status=RequestStatus.COMPLETED)
    assert completed.count() > 1
    assert not completed.filter(decided_at__isnull=True).exists()
    assert not completed.filter(completed_at__isnull=True).exists()
    assert not completed.filter(decided_at__lt=F("submitted_at")).exists()
