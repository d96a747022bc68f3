"""The demo's new business and the product list the agent's app builds its form from."""

import pytest
from django.core.management import call_command

from new_business.models import Application, ApplicationStatus, PolicyCallback
from operations.models import Task, TaskKind, TaskStatus
from tests.conftest import GraphQLClient

from .gql import PRODUCTS

pytestmark = pytest.mark.django_db


def test_the_demo_agent_has_applications_in_several_states_one_waiting_for_an_underwriter():
    call_command("seed_demo")
    call_command("seed_demo")  # idempotent

    statuses = sorted(
        Application.objects.filter(agent__user__phone="13900000001").values_list("status", flat=True)
    )
    assert statuses == sorted(
        [
            ApplicationStatus.ISSUED,
            ApplicationStatus.DECLINED,
            ApplicationStatus.AWAITING_PAYMENT,
            ApplicationStatus.UNDERWRITING,
        ]
    )
    waiting = Application.objects.get(status=ApplicationStatus.UNDERWRITING)
    task = Task.objects.get(kind=TaskKind.UNDERWRITING, subject_id=waiting.pk)
    assert task.status == TaskStatus.OPEN
    issued = Application.objects.get(status=ApplicationStatus.ISSUED)
    assert issued.policy.status == "IN_FORCE"
    assert PolicyCallback.objects.get(policy=issued.policy).status == "PENDING"


def test_products_lists_what_can_be_sold_with_its_questionnaire_in_the_readers_language(
    product, agent_client
):
    zh = agent_client(PRODUCTS)["data"]["products"]
    en = agent_client(PRODUCTS, lang="en")["data"]["products"]

    assert [p["code"] for p in zh] == ["WL01"]
    assert zh[0] | {"underwritingQuestions": None} == {
        "code": "WL01",
        "name": "暖心终身寿险",
        "kind": "WHOLE_LIFE",
        "minSumAssured": "50000.00",
        "maxSumAssured": "5000000.00",
        "termYearsOptions": [10, 20],
        "frequencies": ["ANNUAL", "MONTHLY"],
        "underwritingQuestions": None,
    }
    assert [q["code"] for q in zh[0]["underwritingQuestions"]] == [
        "HOSPITAL_2Y",
        "SERIOUS_ILLNESS",
        "TREATMENT_NOW",
    ]
    assert zh[0]["underwritingQuestions"][0]["text"] == "问题HOSPITAL_2Y"
    assert en[0]["underwritingQuestions"][0]["text"] == "Question HOSPITAL_2Y"
    assert en[0]["name"] == "Nuanxin Whole Life"


def test_products_needs_a_signed_in_user(product):
    result = GraphQLClient()(PRODUCTS)

    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
