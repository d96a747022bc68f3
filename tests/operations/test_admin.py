"""The pool in the admin: a reviewer decides reviews without being a superuser (and the task closes),
money and status are read-only, requests and transcripts are never deleted, the settlement figures
read as Chinese in Chromium."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chat.services import messages
from operations.models import Task, TaskStatus
from operations.services import dispatch
from tests.accounts.factories import UserFactory
from tests.policies.factories import PolicyFactory
from tests.servers import CHROMIUM, CHROMIUM_ARGS, asgi_servers, chromium_required

from .conftest import online
from .helpers import review_request


@pytest.fixture
def admin_user(db):
    return UserFactory(phone="admin61", role="ADMIN", is_superuser=True)


@pytest.mark.django_db
def test_each_role_sees_only_its_part_of_the_admin(reviewer, desk, supervisor):
    def index(staff) -> str:
        browser = Client()
        browser.force_login(staff.user)
        return browser.get("/admin/").content.decode()

    assert "/admin/policies/servicingrequest/" in index(reviewer)
    assert "/admin/policies/policyloan/" not in index(reviewer)
    assert "/admin/policies/servicingrequest/" not in index(desk)
    assert "/admin/chat/conversation/" in index(desk)
    assert "/admin/operations/calendarday/" in index(supervisor)
    assert "/admin/operations/calendarday/" not in index(reviewer)


@pytest.mark.django_db
def test_money_and_status_are_read_only_and_records_are_never_deleted(admin_user, customer):
    policy = PolicyFactory(holder=customer)
    request = review_request(customer)
    conversation = messages.conversation_start(customer=customer)
    browser = Client()
    browser.force_login(admin_user)

    form = browser.get(f"/admin/policies/policy/{policy.pk}/change/").content.decode()
    assert 'name="premium"' not in form and 'name="status"' not in form
    assert 'name="number"' in form  # other fields stay editable
    for path in (
        f"/admin/policies/servicingrequest/{request.pk}/delete/",
        f"/admin/chat/conversation/{conversation.pk}/delete/",
        f"/admin/operations/task/{Task.objects.get().pk}/delete/",
    ):
        assert browser.get(path).status_code == 403, path


@pytest.mark.django_db(transaction=True)
def test_a_reviewer_approves_in_the_admin_and_the_settlement_shows_it(
    postgres, reviewer, supervisor, customer, tmp_path
):
    chromium_required()
    request = review_request(customer)
    online(reviewer)
    dispatch.pool_dispatch()
    Task.objects.filter(assignee=reviewer.user).update(assigned_at=timezone.now() - timedelta(minutes=12))
    from playwright.sync_api import sync_playwright

    with asgi_servers(1) as (port,), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.goto(f"http://127.0.0.1:{port}/admin/login/?next=/admin/policies/servicingrequest/")
        page.fill("#id_username", reviewer.user.phone)
        page.fill("#id_password", "demo12345")
        page.click("input[type=submit]")
        page.wait_for_selector("#result_list")
        page.check(f"input[name=_selected_action][value='{request.pk}']")
        page.select_option("select[name=action]", "approve")
        page.click("button[name=index]")
        page.wait_for_selector(".messagelist")
        page.screenshot(path=str(tmp_path / "reviewer-approved.png"), full_page=True)

        # The supervisor, in a browser session of their own.
        other = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
        other.goto(f"http://127.0.0.1:{port}/admin/login/?next=/admin/operations/task/settlement/")
        other.fill("#id_username", supervisor.user.phone)
        other.fill("#id_password", "demo12345")
        other.click("input[type=submit]")
        other.wait_for_selector("#settlement")
        other.screenshot(path=str(tmp_path / "settlement.png"), full_page=True)
        headers = other.eval_on_selector_all(
            "#settlement thead th", "ths => ths.map(th => th.innerText.trim())"
        )
        rows = other.eval_on_selector_all(
            "#settlement tbody tr", "trs => trs.map(tr => [...tr.cells].map(td => td.innerText.trim()))"
        )
        browser.close()

    task = Task.objects.get(kind="SERVICING_REVIEW")
    assert (task.status, task.outcome, task.completed_by) == (TaskStatus.DONE, "APPROVE", reviewer.user)
    assert headers == ["员工", "完成件数", "时效内完成", "处理时长中位数（分钟）", "质检得分"]
    (name, done, within, median, qa_score), *others = rows
    assert (name, done, within, qa_score, others) == (reviewer.name, "1", "1", "—", [])
    assert 12.0 <= float(median) < 13.0  # accepted 12 minutes before the (ticking) clock's approval
