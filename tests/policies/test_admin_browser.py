"""The review queue as a reviewer sees it in Chromium: Chinese headers on one line, reasons one per
line, the automation figures. Screenshots go to the test's output folder."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from policies.models import RequestStatus, RequestType, ServicingRequest
from tests.servers import CHROMIUM, CHROMIUM_ARGS, asgi_servers, chromium_required

from .factories import BankAccountFactory, PolicyFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(postgres):
    chromium_required()
    with asgi_servers(1) as (port,):
        yield port


def test_the_review_queue_reads_as_chinese_with_one_line_headers(server, owner, tmp_path):
    from tests.accounts.factories import StaffFactory

    reviewer = StaffFactory(user__phone="13700000051")
    reviewer.user.is_staff = True
    reviewer.user.save()
    reviewer.user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_servicingrequest", "change_servicingrequest"])
    )
    account = BankAccountFactory(customer=owner)
    ServicingRequest.objects.create(
        customer=owner,
        type=RequestType.POLICY_LOAN,
        status=RequestStatus.PENDING_REVIEW,
        policy=PolicyFactory(holder=owner),
        amount=Decimal("250000.00"),
        reasons=["AMOUNT_ABOVE_AUTO_LIMIT", "OPEN_COMPLAINT"],
        summary={"bank_account_id": account.pk},
        routed_at=timezone.now(),
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.goto(f"http://127.0.0.1:{server}/admin/login/?next=/admin/policies/servicingrequest/")
        page.fill("#id_username", "13700000051")
        page.fill("#id_password", "demo12345")
        page.click("input[type=submit]")
        page.wait_for_selector("#result_list")
        page.screenshot(path=str(tmp_path / "review-queue.png"), full_page=True)
        headers = page.eval_on_selector_all(
            "#result_list thead th",
            "ths => ths.map(th => ({text: th.innerText.trim(), height: th.getBoundingClientRect().height}))",
        )
        reasons = page.inner_text("#result_list td.field-reason_list")
        summary = page.inner_text("#content")
        browser.close()

    texts = [h["text"] for h in headers if h["text"]]
    assert "客户" in texts and "审核人" in texts and "保单" in texts
    assert not [t for t in texts if any("a" <= c.lower() <= "z" for c in t.replace("ID", ""))]
    one_line = min(h["height"] for h in headers if h["text"])
    assert max(h["height"] for h in headers) < one_line * 1.5, headers  # no header wraps
    assert reasons.splitlines() == ["金额超过自动审核上限。", "该保单有未结投诉。"]
    assert "。；" not in summary and "等待人工处理" in summary
