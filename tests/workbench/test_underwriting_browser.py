"""An underwriter works an application in the workbench: what was applied for, why automation did
not decide it, the customer's health answers; a postponement needs its reason."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from new_business.models import Application, ApplicationStatus
from new_business.services import applications
from operations.models import Task, TaskKind
from tests.new_business.conftest import answers, make_agent, make_customer, make_product, make_underwriter

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_underwriter_postpones_an_application_with_a_reason(open_desk, server):
    # Given: an application with a health disclosure waiting in the pool
    make_product()
    agent = make_agent()
    customer = make_customer(agent)
    underwriter = make_underwriter()
    applications.application_submit(
        agent=agent,
        actor=agent.user,
        customer=customer,
        product_code="WL01",
        sum_assured=Decimal("200000"),
        frequency="ANNUAL",
        term_years=20,
        health_answers=[applications.HealthAnswer(**a) for a in answers("TREATMENT_NOW")],
        idempotency_key="browser",
    )
    Task.objects.update(available_from=timezone.now() - timedelta(minutes=1))
    page = open_desk("underwriter", underwriter.user.phone)
    page.go_online()  # the pool gives her the application

    # When: she opens it
    page.page.get_by_test_id("my-tasks").locator("[data-kind=UNDERWRITING]").click()
    facts = page.page.get_by_test_id("application")
    facts.get_by_text("健康告知有异常", exact=True).wait_for()
    facts.get_by_text("¥200000.00").wait_for()
    answers_shown = page.page.get_by_test_id("health-answers")
    answers_shown.locator("li.flag").get_by_text("问题TREATMENT_NOW").wait_for()
    page.shot("1-application")
    page.page.get_by_test_id("outcome-POSTPONE").click()
    page.page.get_by_test_id("task-error").get_by_text("原因").wait_for()  # postponing needs a reason
    page.page.get_by_test_id("task-note").fill("请三个月后复查血压再投保")
    page.page.get_by_test_id("outcome-POSTPONE").click()
    page.page.get_by_test_id("toast").get_by_text("任务已完成").wait_for()
    page.shot("2-postponed")

    # Then: the application is postponed by her, with her reason on its progress
    application = Application.objects.get()
    assert application.status == ApplicationStatus.POSTPONED
    assert (application.decided_by, application.decision_note) == (
        underwriter.user,
        "请三个月后复查血压再投保",
    )
    assert Task.objects.get(kind=TaskKind.UNDERWRITING).outcome == "POSTPONE"
