"""The trigger audit trail (django-pghistory) on PostgreSQL: an admin's edit and a daily job's bulk
update are both recorded, with who or what did them."""

from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from policies.models import Policy, PolicyStatus
from policies.services.jobs import policy_daily_jobs
from tests.accounts.factories import UserFactory
from tests.policies.factories import PolicyFactory, PremiumFactory

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The change form's fields as the browser would send them back (inline management forms too)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data[name] = attrs.get("value") or ("on" if attrs.get("type") == "checkbox" else "")
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def test_an_admin_edit_is_in_the_trigger_trail_with_who_made_it(postgres):
    policy = PolicyFactory()
    staff = UserFactory(role="ADMIN", phone="admin-audit", is_superuser=True)
    client = Client()
    client.force_login(staff)
    url = f"/admin/policies/policy/{policy.pk}/change/"
    form = _Form()
    form.feed(client.get(url).content.decode())

    response = client.post(url, form.data | {"complaint_open": "on"})

    assert response.status_code == 302, response.content.decode()[:2000]
    event = Policy.pgh_event_model.objects.filter(pgh_obj=policy, pgh_label="update").latest("pgh_id")
    assert event.complaint_open is True
    assert event.pgh_context.metadata["user"] == staff.pk
    assert event.pgh_context.metadata["url"] == f"/admin/policies/policy/{policy.pk}/change/"


def test_a_daily_jobs_bulk_update_is_in_the_trigger_trail_under_the_jobs_name(postgres):
    policy = PolicyFactory(status=PolicyStatus.IN_FORCE)
    PremiumFactory(policy=policy, due_date=date(2026, 11, 1))  # unpaid, past due
    with time_machine.travel(datetime(2026, 11, 21, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        policy_daily_jobs(day=date(2026, 11, 21))

    policy.refresh_from_db()
    assert policy.status == PolicyStatus.GRACE
    event = Policy.pgh_event_model.objects.filter(pgh_obj=policy, pgh_label="update").latest("pgh_id")
    assert event.status == PolicyStatus.GRACE
    assert event.pgh_context.metadata == {"job": "policy_daily_jobs", "business_day": "2026-11-21"}
