"""The scoreboard as a supervisor sees it in the admin, in Chromium: the period's figures and the
charts of the daily snapshots (drawn on the server, nothing from a CDN). Screenshot under
test-output/feedback/."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.money import business_today
from feedback.models import MetricsSnapshot
from tests.accounts.factories import StaffFactory
from tests.servers import CHROMIUM, CHROMIUM_ARGS, ROOT, asgi_servers, chromium_required

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def server(postgres):
    chromium_required()
    with asgi_servers(1) as (port,):
        yield port


def test_a_supervisor_reads_the_scoreboard_with_its_charts(server):
    boss = StaffFactory(user__phone="13700000071", name="周敏", roles=["supervisor"]).user
    boss.is_staff = True
    boss.save(update_fields=["is_staff"])
    today = business_today()
    for offset in range(14, 0, -1):
        MetricsSnapshot.objects.create(
            day=today - timedelta(days=offset),
            figures={"automation_rate": 0.95 + offset / 1000, "csat": 0.9 + offset / 200, "nps": 40 + offset},
            by_touchpoint={"CHAT_CLOSED": {"answered": 10, "csat": 0.8, "nps": 30.0}},
            computed_at=timezone.now(),
        )
    from playwright.sync_api import sync_playwright

    shots = ROOT / "test-output" / "feedback"
    shots.mkdir(parents=True, exist_ok=True)
    requests = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
        page.on("request", lambda r: requests.append(r.url))
        page.goto(f"http://127.0.0.1:{server}/admin/login/?next=/admin/feedback/metricssnapshot/")
        page.fill("#id_username", "13700000071")
        page.fill("#id_password", "demo12345")
        page.click("input[type=submit]")
        page.wait_for_selector("#scoreboard-cards")
        page.screenshot(path=str(shots / "scoreboard.png"), full_page=True)
        cards = page.eval_on_selector_all(
            "#scoreboard-cards .card", "cs => cs.map(c => [c.dataset.figure, c.innerText.split('\\n')[0]])"
        )
        charts = page.eval_on_selector_all(
            "#scoreboard-charts figure", "fs => fs.map(f => f.querySelector('figcaption').innerText)"
        )
        points = page.eval_on_selector_all("#scoreboard-charts svg circle", "cs => cs.length")
        browser.close()

    labels = dict(cards)
    assert labels["automation_rate"] == "自动审核率" and labels["csat"] == "满意度（CSAT 4–5分）"
    assert "自动审核率" in charts and "各触点满意度" in charts
    assert points >= 14 * 3  # a point per day on the automation, CSAT and NPS lines
    assert all(url.startswith(f"http://127.0.0.1:{server}/") for url in requests)  # nothing from a CDN
