"""Demo data: every touchpoint surveyed (share 100%), three weeks of answers and follow-ups, the
scoreboard's daily snapshots, and one survey waiting for 13800000001."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from chat.models import Conversation, ConversationStatus
from core.money import business_today
from operations.models import SubjectType, Task, TaskKind, TaskOutcome, TaskStatus

from .models import Question, Survey, SurveyRule, SurveyStatus, Touchpoint
from .services import metrics
from .services.metrics import SHANGHAI

DAYS = 21
COMMENTS = {
    True: [
        "服务很好，谢谢",
        "贷款很快就到账了",
        "客服很耐心",
        "没有任何问题",
        "长辈模式字大看得清",
        "Very helpful, thank you",
    ],
    False: ["等了半个小时没人理", "钱还没到账，怎么回事", "字太小了，看不清", "机器人答非所问"],
}


@transaction.atomic
def seed_demo_feedback(users) -> int:
    """Idempotent: a second run finds the demo surveys and only refreshes the snapshots."""
    SurveyRule.objects.update(share_percent=100, active=True)
    customers = [users["13800000001"].customer, users["13800000002"].customer]
    created = 0
    if not Survey.objects.filter(subject_type="Demo").exists():
        created = _history(customers, users)
        today = business_today()
        now = timezone.now()
        Survey.objects.create(
            customer=customers[0],
            touchpoint=Touchpoint.SERVICING_COMPLETED,
            subject_type="Demo",
            subject_id=0,
            questions=[Question.NPS, Question.CSAT, Question.COMMENT],
            created_at=now,
            expires_at=datetime.combine(today + timedelta(days=7), time(23, 59), tzinfo=SHANGHAI),
        )
    for offset in range(DAYS, 0, -1):
        metrics.snapshot(business_today() - timedelta(days=offset))
    return created


def _history(customers, users) -> int:
    rng = random.Random(20261121)  # noqa: S311 (demo data, the same every time)
    staff = users.get("13700000002")
    touchpoints = [t for t in Touchpoint if t != Touchpoint.POLICY_ISSUED]
    n = 0
    for offset in range(DAYS, 0, -1):
        day = business_today() - timedelta(days=offset)
        for _ in range(rng.randint(3, 7)):
            at = datetime.combine(day, time(rng.randint(8, 20), rng.randint(0, 59)), tzinfo=SHANGHAI)
            happy = rng.random() < 0.85
            customer = customers[n % 2]
            survey = Survey.objects.create(
                customer=customer,
                touchpoint=rng.choice(touchpoints),
                subject_type="Demo",
                subject_id=n + 1,
                questions=[Question.NPS, Question.CSAT, Question.COMMENT],
                status=SurveyStatus.ANSWERED,
                created_at=at - timedelta(minutes=30),
                expires_at=at + timedelta(days=7),
                answered_at=at,
                nps=rng.randint(8, 10) if happy else rng.randint(2, 6),
                csat=rng.randint(4, 5) if happy else rng.randint(1, 2),
                comment=rng.choice(COMMENTS[happy]),
                sentiment="POS" if happy else "NEG",
                negative=not happy,
            )
            if not happy and staff is not None:
                first = at + timedelta(minutes=rng.choice([2, 3, 4, 8]))
                Task.objects.create(
                    kind=TaskKind.FEEDBACK_FOLLOW_UP,
                    status=TaskStatus.DONE,
                    skill="CALLBACK",
                    subject_type=SubjectType.SURVEY,
                    subject_id=survey.pk,
                    customer=customer,
                    title=survey.comment[:80],
                    created_at=at,
                    available_from=at,
                    due_at=at + timedelta(minutes=5),
                    at_risk_from=at + timedelta(minutes=4),
                    assignee=staff,
                    assigned_at=at,
                    first_action_at=first,
                    completed_at=first + timedelta(minutes=6),
                    completed_by=staff,
                    outcome=TaskOutcome.RESOLVED,
                    note="已回电安抚并解决",
                )
                Survey.objects.filter(pk=survey.pk).update(
                    follow_up_outcome=TaskOutcome.RESOLVED, followed_up_at=first + timedelta(minutes=6)
                )
            # The chat behind some answers: the bot alone, or a person after a short wait.
            if rng.random() < 0.5:
                queued = at - timedelta(minutes=20) if rng.random() < 0.4 else None
                Conversation.objects.create(
                    customer=customer,
                    status=ConversationStatus.CLOSED,
                    topic=rng.choice(["保单贷款", "还款", "理赔", "保全"]),
                    created_at=at - timedelta(minutes=25),
                    queued_at=queued,
                    assigned_at=queued + timedelta(seconds=rng.randint(20, 180)) if queued else None,
                    closed_at=at - timedelta(minutes=5),
                    close_reason="RESOLVED",
                    last_customer_activity_at=at - timedelta(minutes=6),
                )
            n += 1
    return n
