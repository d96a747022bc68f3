"""Applications in the admin as an underwriter sees them in Chromium: Chinese, the progress lines,
the health answers, and a decision taken from the list."""

from decimal import Decimal

import pytest

from new_business.models import Application, ApplicationStatus
from new_business.services import applications
from tests.servers import CHROMIUM, CHROMIUM_ARGS, asgi_servers, chromium_required

from .conftest import answers

pytestmark = pytest.mark.django_db(transaction=True)
SHOTS = "test-output/admin"


@pytest.fixture
def server(postgres):
    chromium_required()
    with asgi_servers(1) as (port,):
        yield port


def _submit(agent, customer, key: str, *yes: str) -> Application:
    return applications.application_submit(
        agent=agent,
        actor=agent.user,
        customer=customer,
        product_code="WL01",
        sum_assured=Decimal("100000"),
        frequency="ANNUAL",
        term_years=20,
        health_answers=[applications.HealthAnswer(**a) for a in answers(*yes)],
        idempotency_key=key,
    ).application


def test_an_underwriter_reads_an_application_and_approves_it_from_the_list(
    server, agent, customer, underwriter
):
    waiting = _submit(agent, customer, "a", "HOSPITAL_2Y")
    _submit(agent, customer, "b")
    from pathlib import Path

    from playwright.sync_api import sync_playwright

    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.goto(f"http://127.0.0.1:{server}/admin/login/?next=/admin/new_business/application/")
        page.fill("#id_username", underwriter.user.phone)
        page.fill("#id_password", "demo12345")
        page.click("input[type=submit]")
        page.wait_for_selector("#result_list")
        page.screenshot(path=f"{SHOTS}/applications.png", full_page=True)
        headers = page.inner_text("#result_list thead")
        rows = page.inner_text("#result_list tbody")
        page.goto(f"http://127.0.0.1:{server}/admin/new_business/application/{waiting.pk}/change/")
        page.wait_for_selector(".field-answers")
        page.screenshot(path=f"{SHOTS}/application.png", full_page=True)
        detail = page.inner_text("#content")
        page.goto(f"http://127.0.0.1:{server}/admin/new_business/application/?status__exact=UNDERWRITING")
        page.check(f"input[name=_selected_action][value='{waiting.pk}']")
        page.select_option("select[name=action]", "approve")
        page.click("button[name=index]")
        page.wait_for_selector(".messagelist")
        message = page.inner_text(".messagelist")
        browser.close()

    assert "投保单号" in headers and "状态" in headers
    assert "张*" in rows and "张伟" not in rows  # the customer's name masked
    assert "待缴费" in rows and "核保中" not in headers
    assert "已转人工核保：健康告知有异常" in detail
    assert "问题HOSPITAL_2Y：是" in detail
    assert "已处理 1 份投保单" in message
    waiting.refresh_from_db()
    assert waiting.status == ApplicationStatus.AWAITING_PAYMENT and waiting.decided_by == underwriter.user
