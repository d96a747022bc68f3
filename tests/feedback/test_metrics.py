"""Every scoreboard figure on a small data set built by hand, with the expected values worked out
here; and the period's bounds are business days in Asia/Shanghai."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from chat.models import Conversation, ConversationStatus
from feedback.models import Survey, SurveyStatus
from feedback.services.metrics import service_metrics, snapshot
from operations.models import Task
from policies.models import ServicingRequest
from tests.accounts.factories import CustomerFactory, StaffFactory
from tests.conftest import GraphQLClient, access_token

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 10)


def at(hour, minute=0, second=0, day=DAY):
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SH)


def request(customer, *, submitted, decided=None, routed=None, by=None, channel="APP", status="COMPLETED"):
    return ServicingRequest.objects.create(
        customer=customer, type="CONTACT_CHANGE", status=status, channel=channel,
        submitted_at=submitted, routed_at=routed, decided_at=decided, decided_by=by,
        completed_at=decided if status in ("COMPLETED", "REJECTED", "CANCELLED") else None,
    )  # fmt: skip


def chat(customer, *, created, topic="", queued=None, assigned=None, closed=None):
    return Conversation.objects.create(
        customer=customer, topic=topic, created_at=created, queued_at=queued, assigned_at=assigned,
        status=ConversationStatus.CLOSED if closed else ConversationStatus.ACTIVE, closed_at=closed,
    )  # fmt: skip


def survey(customer, n, *, answered, nps=None, csat=None, created=None):
    return Survey.objects.create(
        customer=customer, touchpoint="CHAT_CLOSED", subject_type="Conversation", subject_id=n,
        questions=["NPS", "CSAT"], status=SurveyStatus.ANSWERED if answered else SurveyStatus.PENDING,
        created_at=created or at(9), expires_at=at(9) + timedelta(days=7), answered_at=answered, nps=nps, csat=csat,
    )  # fmt: skip


def follow_up(customer, n, *, created, first_action=None):
    return Task.objects.create(
        kind="FEEDBACK_FOLLOW_UP", skill="CALLBACK", subject_type="SURVEY", subject_id=n, customer=customer,
        created_at=created, available_from=created, due_at=created + timedelta(minutes=5),
        at_risk_from=created + timedelta(minutes=4), first_action_at=first_action,
    )  # fmt: skip


@pytest.fixture
def book(db):
    a = CustomerFactory(user__phone="13800000061")
    b = CustomerFactory(user__phone="13800000062")
    reviewer = StaffFactory(user__phone="13700000061", roles=["reviewer"]).user
    # Requests: 3 automated (decided in 1, 2 and 4 s), 1 routed to a person and decided by them, 1 routed
    # and still waiting (not decided: counts nowhere in automation), 1 decided the day before (outside).
    request(a, submitted=at(10), decided=at(10, 0, 1))
    request(a, submitted=at(11), decided=at(11, 0, 2))
    request(b, submitted=at(12), decided=at(12, 0, 4), channel="COUNTER")
    request(b, submitted=at(13), routed=at(13, 0, 1), decided=at(15), by=reviewer)
    request(a, submitted=at(14), routed=at(14, 0, 1), status="PENDING_REVIEW")
    request(a, submitted=at(9, day=DAY - timedelta(days=1)), decided=at(9, 0, 1, day=DAY - timedelta(days=1)))
    # Chats: 4 closed that day. a/"贷款" comes back on "贷款" 47 h later (unresolved); b/"还款" comes back
    # 49 h later (resolved); a/"理赔" with a person; a bot-only chat with no topic.
    chat(a, created=at(8), topic="贷款", closed=at(8, 30))
    chat(a, created=at(7, 30, day=DAY + timedelta(days=2)), topic="贷款")
    chat(b, created=at(9), topic="还款", closed=at(9, 10))
    chat(b, created=at(10, 10, day=DAY + timedelta(days=2)), topic="还款")
    chat(a, created=at(16), topic="理赔", queued=at(16, 1), assigned=at(16, 2), closed=at(16, 30))
    chat(b, created=at(17), closed=at(17, 5))
    # Queued that day: the one above (waited 60 s), one that reached a person after 180 s, one never did.
    chat(b, created=at(18), topic="保全", queued=at(18, 0), assigned=at(18, 3))
    chat(a, created=at(19), topic="保全", queued=at(19, 0))
    # Surveys: 5 sent that day, 4 answered: NPS 10, 9, 5, 7 and CSAT 5, 4, 1, (none).
    survey(a, 1, answered=at(20), nps=10, csat=5)
    survey(a, 2, answered=at(20, 1), nps=9, csat=4)
    survey(b, 3, answered=at(20, 2), nps=5, csat=1)
    survey(b, 4, answered=at(20, 3), nps=7)
    survey(b, 5, answered=None)
    # Follow-ups: one acted on in 3 min (within), one in 7 (late), one untouched and past due (late),
    # one untouched still inside its 5 minutes at `now` (not judged yet).
    follow_up(a, 1, created=at(20), first_action=at(20, 3))
    follow_up(b, 3, created=at(20, 2), first_action=at(20, 9))
    follow_up(b, 6, created=at(21))
    follow_up(a, 7, created=at(23, 58))
    return a, b


def test_every_figure_on_a_hand_built_day(book):
    figures = service_metrics(first=DAY, last=DAY, now=at(23, 59))
    assert figures["automation_rate"] == 3 / 4  # 3 of 4 decided; the waiting one is not decided
    assert figures["median_decision_seconds"] == 2.0  # of 1, 2, 4 s
    assert figures["online_service_share"] == 4 / 5  # 5 made that day, 1 at a counter
    assert figures["first_contact_resolution_rate"] == 3 / 4  # only a/贷款 came back within 48 h
    assert figures["bot_containment_rate"] == 3 / 4  # one of the 4 closed reached a person
    assert figures["human_connect_rate"] == 2 / 3
    assert figures["median_human_wait_seconds"] == 120.0  # of 60 and 180 s
    assert figures["csat"] == 2 / 3  # 5 and 4 of 5, 4, 1
    assert figures["nps"] == pytest.approx((2 - 1) * 100 / 4)  # promoters 10, 9; detractor 5; 7 passive
    assert figures["follow_up_within_sla_rate"] == 1 / 3
    assert figures["median_follow_up_first_action_seconds"] == 300.0  # of 3 and 7 minutes
    assert (figures["surveys_sent"], figures["surveys_answered"]) == (5, 4)
    assert figures["e_callback_rate"] is None


def test_the_day_before_sees_only_its_own_request(book):
    figures = service_metrics(first=DAY - timedelta(days=1), last=DAY - timedelta(days=1), now=at(23, 59))
    assert (figures["automation_rate"], figures["surveys_answered"], figures["csat"]) == (1.0, 0, None)


def test_a_snapshot_keeps_the_day_and_its_touchpoints(book):
    row = snapshot(DAY)
    assert row.figures["surveys_answered"] == 4
    assert row.by_touchpoint == {"CHAT_CLOSED": {"answered": 4, "negative": 0, "csat": 2 / 3, "nps": 25.0}}
    assert snapshot(DAY).pk == row.pk  # again: the same row, refreshed


SERVICE_METRICS = """query M($from: Date!, $to: Date!) { serviceMetrics(from: $from, to: $to) {
  automationRate csat nps surveysAnswered fromDate toDate } }"""


def test_service_metrics_is_for_supervisors_and_checks_the_period(book):
    boss = StaffFactory(user__phone="13700000062", roles=["supervisor"]).user
    client = GraphQLClient()
    client.token = access_token(boss)
    result = client(SERVICE_METRICS, {"from": DAY.isoformat(), "to": DAY.isoformat()})["data"][
        "serviceMetrics"
    ]
    assert result == {
        "automationRate": 0.75, "csat": 2 / 3, "nps": 25.0, "surveysAnswered": 4,
        "fromDate": "2026-11-10", "toDate": "2026-11-10",
    }  # fmt: skip
    backwards = client(SERVICE_METRICS, {"from": "2026-11-10", "to": "2026-11-09"}, lang="en")
    assert backwards["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "366" in backwards["errors"][0]["message"]
    for far in ({"from": "9999-12-31", "to": "9999-12-31"}, {"from": "0001-01-01", "to": "0001-01-02"}):
        assert client(SERVICE_METRICS, far)["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    a, _b = book
    for user in (a.user, StaffFactory(user__phone="13700000063", roles=["desk"]).user):
        client.token = access_token(user)
        refused = client(SERVICE_METRICS, {"from": "2026-11-10", "to": "2026-11-10"})
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_sentiment_eval_prints_the_figures_of_the_labelled_set(capsys):
    from feedback import sentiment

    call_command("sentiment_eval")
    out = capsys.readouterr().out.strip().splitlines()[-1]
    with open("feedback/evaluation/comments.tsv", encoding="utf-8") as handle:
        rows = sentiment.labelled_rows(handle)
    result = sentiment.evaluate(rows)
    assert len(rows) >= 300
    assert out == (
        f"comments={len(rows)} accuracy={result.accuracy:.4f} "
        f"neg_precision={result.neg_precision:.4f} neg_recall={result.neg_recall:.4f}"
    )
    # The rules earn their place: the models alone do worse on the same set
    plain = sentiment.evaluate(rows, sentiment.model_only)
    assert result.neg_recall > plain.neg_recall and result.accuracy > plain.accuracy
