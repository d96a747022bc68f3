"""Agents' pushes: ownership, quiet hours, the daily limit, muted kinds, the inbox, the system push."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import App, Device
from reminders.models import Notification, PushMessage, PushStatus, Reminder, ReminderStatus
from reminders.services.outbox import push_outbox_drain_all
from reminders.services.push import agent_morning_digest
from reminders.services.scan import reminder_scan
from tests.accounts.factories import AgentFactory
from tests.conftest import error_codes
from tests.policies.factories import BenefitFactory, PolicyFactory, PremiumFactory

from .test_scan import DAY

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUSH = """
mutation P($input: PushRemindersInput!) {
  pushReminders(input: $input) {
    pushed { id status pushedBySystem } deferred { id status } skipped { reminderId reason } errors { code }
  }
}
"""
FEED = """
query F($kind: ReminderKind, $status: ReminderStatus) {
  agentReminders(kind: $kind, status: $status, first: 50) { totalCount edges { node { id kind stage status dueDate amount policyNumber customerName } } }
  agentReminderSummary { kind open pushedToday }
}
"""
SETTINGS = """
mutation S($kinds: [ReminderKind!]!) { updateNotificationSettings(input: {mutedKinds: $kinds}) { settings { mutedKinds } errors { field code } } }
"""


def _gid(reminder):
    from strawberry import relay

    return str(relay.GlobalID("Reminder", str(reminder.pk)))


@pytest.fixture
def reminders(owner, agent, account):
    """Five open renewal reminders for one customer of the agent, with a phone to push to."""
    Device.objects.create(
        user=owner.user, token="phone-1", token_digest="phone-1", platform="ANDROID", app=App.CUSTOMER_APP
    )
    for days in (2, 3, 4, 5, 6):
        PremiumFactory(
            policy=PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account),
            due_date=DAY + timedelta(days=days),
        )
    reminder_scan(day=DAY, system_push=False)
    return list(Reminder.objects.order_by("pk"))


def _push(client, reminders, note=None):
    return client(PUSH, {"input": {"reminderIds": [_gid(r) for r in reminders], "note": note}})["data"][
        "pushReminders"
    ]


def test_agent_feed_and_summary(gql, reminders, agent):
    gql.login("13900000011")
    data = gql(FEED, {"kind": "RENEWAL_PREMIUM_DUE"})
    assert data["data"]["agentReminders"]["totalCount"] == 5
    node = data["data"]["agentReminders"]["edges"][0]["node"]
    assert (node["stage"], node["status"], node["amount"]) == (7, "OPEN", "1200.00")
    summary = {row["kind"]: row for row in data["data"]["agentReminderSummary"]}
    assert summary["RENEWAL_PREMIUM_DUE"] == {"kind": "RENEWAL_PREMIUM_DUE", "open": 5, "pushedToday": 0}
    assert len(summary) == 6


def test_push_reaches_phone_and_inbox_and_opening_marks_read(gql, reminders, owner):
    gql.login("13900000011")
    payload = _push(gql, reminders[:1], note="记得按时缴费哦")

    assert [r["status"] for r in payload["pushed"]] == ["PUSHED"] and payload["skipped"] == []
    notification = Notification.objects.get(user=owner.user)
    assert notification.reminder == reminders[0] and "记得按时缴费哦" in notification.body
    message = PushMessage.objects.get()
    assert message.status == PushStatus.SENT  # drained after commit by the (eager) sender
    assert message.data["reminderId"] == str(reminders[0].pk)
    assert message.data["deepLink"].startswith("nuanxin://policies/")

    gql.login("13800000011")
    from strawberry import relay

    gql(
        "mutation M($ids: [ID!]!) { markNotificationsRead(input: {ids: $ids}) { marked } }",
        {"ids": [str(relay.GlobalID("Notification", str(notification.pk)))]},
    )
    reminders[0].refresh_from_db()
    assert reminders[0].status == ReminderStatus.READ and reminders[0].read_at is not None


def test_at_most_three_pushes_per_customer_per_day(gql, reminders):
    gql.login("13900000011")
    payload = _push(gql, reminders)
    assert len(payload["pushed"]) == 3
    assert [s["reason"] for s in payload["skipped"]] == ["DAILY_LIMIT", "DAILY_LIMIT"]
    with time_machine.travel(datetime(2026, 11, 22, 9, 0, tzinfo=SHANGHAI), tick=False):
        gql.login("13900000011")
        assert len(_push(gql, reminders[3:])["pushed"]) == 2


@pytest.mark.parametrize(
    ("hour", "minute", "deferred"), [(20, 59, False), (21, 0, True), (7, 59, True), (8, 0, False)]
)
def test_quiet_hours_defer_to_08_00(gql, reminders, hour, minute, deferred):
    moment = datetime(2026, 11, 21, hour, minute, tzinfo=SHANGHAI)
    with time_machine.travel(moment, tick=False):
        gql.login("13900000011")
        payload = _push(gql, reminders[:1])
    assert (len(payload["deferred"]) == 1) is deferred
    message = PushMessage.objects.get()
    if deferred:
        expected = datetime.combine(
            moment.date() + timedelta(days=1 if hour >= 21 else 0),
            datetime.min.time().replace(hour=8),
            SHANGHAI,
        )
        assert message.status == PushStatus.DEFERRED and message.not_before == expected
        # The periodic sender sends nothing before 08:00 and the message at 08:00.
        assert push_outbox_drain_all(now=expected - timedelta(seconds=1))["sent"] == 0
        assert push_outbox_drain_all(now=expected)["sent"] == 1
    else:
        assert message.status == PushStatus.SENT


def test_deferred_pushes_count_against_the_next_day(gql, reminders):
    with time_machine.travel(datetime(2026, 11, 21, 22, 0, tzinfo=SHANGHAI), tick=False):
        gql.login("13900000011")
        assert len(_push(gql, reminders)["deferred"]) == 3
    with time_machine.travel(datetime(2026, 11, 22, 10, 0, tzinfo=SHANGHAI), tick=False):
        gql.login("13900000011")
        assert [s["reason"] for s in _push(gql, reminders[3:])["skipped"]] == ["DAILY_LIMIT", "DAILY_LIMIT"]


def test_muted_kinds_are_skipped_but_lapse_risk_cannot_be_muted(gql, reminders, owner):
    gql.login("13800000011")
    muted = gql(SETTINGS, {"kinds": ["RENEWAL_PREMIUM_DUE"]})["data"]["updateNotificationSettings"]
    assert muted["settings"]["mutedKinds"] == ["RENEWAL_PREMIUM_DUE"]
    refused = gql(SETTINGS, {"kinds": ["LAPSE_RISK"]})["data"]["updateNotificationSettings"]
    assert refused["errors"] == [{"field": "mutedKinds", "code": "INVALID"}]

    gql.login("13900000011")
    payload = _push(gql, reminders[:1])
    assert payload["skipped"][0]["reason"] == "MUTED"
    assert not Notification.objects.exists()


def test_agents_push_only_their_own_customers(gql, reminders, other):
    AgentFactory(user__phone="13900000099")
    gql.login("13900000099")
    payload = _push(gql, reminders[:2])
    assert [s["reason"] for s in payload["skipped"]] == ["NOT_FOUND", "NOT_FOUND"]
    assert Reminder.objects.filter(status="PUSHED").count() == 0
    assert gql(FEED)["data"]["agentReminders"]["totalCount"] == 0
    gql.login("13800000011")
    assert error_codes(gql(PUSH, {"input": {"reminderIds": [_gid(reminders[0])]}})) == ["FORBIDDEN"]


def test_already_pushed_and_resolved_are_skipped(gql, reminders):
    gql.login("13900000011")
    _push(gql, reminders[:1])
    reminders[1].status = ReminderStatus.RESOLVED
    reminders[1].save()
    payload = _push(gql, reminders[:2])
    assert sorted(s["reason"] for s in payload["skipped"]) == ["ALREADY_PUSHED", "RESOLVED"]


def test_system_pushes_the_last_stage_the_agent_did_not_push(owner, agent, account):
    Device.objects.create(user=owner.user, token="p", token_digest="p", platform="IOS", app=App.CUSTOMER_APP)
    pushed_by_agent = PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account)
    PremiumFactory(policy=pushed_by_agent, due_date=date(2026, 11, 29))
    left_alone = PolicyFactory(holder=owner, servicing_agent=agent, renewal_account=account)
    PremiumFactory(policy=left_alone, due_date=date(2026, 11, 29))
    BenefitFactory(policy=left_alone)  # benefits have no last-stage push by default
    reminder_scan(day=DAY, system_push=False)
    Reminder.objects.filter(policy=pushed_by_agent).update(
        status=ReminderStatus.PUSHED, pushed_at=datetime(2026, 11, 21, 10, 0, tzinfo=SHANGHAI)
    )

    with time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI), tick=False):
        result = reminder_scan(day=date(2026, 11, 28))
        again = reminder_scan(day=date(2026, 11, 28))

    assert result.system_pushed == 1 and again.changes == 0
    last = Reminder.objects.get(policy=left_alone, kind="RENEWAL_PREMIUM_DUE", stage=1)
    assert last.status == ReminderStatus.PUSHED and last.pushed_by is None
    assert Reminder.objects.get(policy=pushed_by_agent, stage=1).status == ReminderStatus.OPEN
    assert Reminder.objects.get(kind="SURVIVAL_BENEFIT").status == ReminderStatus.OPEN


def test_the_scheduled_scan_hands_the_system_push_to_workers_in_batches(
    owner, other, agent, account, monkeypatch
):
    from unittest import mock

    from reminders import tasks
    from reminders.services import push

    for customer in (owner, other, owner):
        policy = PolicyFactory(holder=customer, servicing_agent=agent, renewal_account=account)
        PremiumFactory(policy=policy, due_date=date(2026, 11, 29))
    monkeypatch.setattr(push, "SYSTEM_PUSH_BATCH", 2)
    batches = []

    def delay(ids):  # run each batch as the worker would, and note what it was given
        batches.append(ids)
        return tasks.reminders_system_push(ids)

    with (
        time_machine.travel(datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI), tick=False),
        mock.patch.object(tasks.reminders_system_push, "delay", side_effect=delay),
    ):
        result = tasks.reminder_scan("2026-11-28")
        tasks.reminder_scan("2026-11-28")  # the next run finds nothing left to push

    last_stage = Reminder.objects.filter(kind="RENEWAL_PREMIUM_DUE", stage=1)
    assert result["system_push_batches"] == 2
    assert [len(ids) for ids in batches] == [2, 1]
    assert sorted(i for ids in batches for i in ids) == sorted(last_stage.values_list("pk", flat=True))
    assert set(last_stage.values_list("status", flat=True)) == {ReminderStatus.PUSHED}


@pytest.fixture
def agent_phone(agent):
    return Device.objects.create(
        user=agent.user,
        token="agent-phone",
        token_digest="agent-phone",
        platform="ANDROID",
        app=App.AGENT_APP,
    )


def test_agents_morning_digest(reminders, agent_phone):
    assert agent_morning_digest() == 1
    message = PushMessage.objects.get(device__app=App.AGENT_APP)
    assert message.body == "今天有5条提醒" and message.kind == "AGENT_DIGEST"


LANGUAGE = """
mutation L($input: UpdateNotificationSettingsInput!) {
  updateNotificationSettings(input: $input) { settings { mutedKinds language } errors { field code } }
}
"""
INBOX = "{ myNotifications(first: 5) { edges { node { title body readAloudText } } } }"


def test_customers_get_pushes_and_inbox_in_the_language_they_chose(gql, reminders, owner):
    gql.login("13800000011")
    gql(LANGUAGE, {"input": {"mutedKinds": ["SURVIVAL_BENEFIT"]}})
    chosen = gql(LANGUAGE, {"input": {"language": "EN"}})["data"]["updateNotificationSettings"]
    # Fields left out keep their value.
    assert chosen == {"settings": {"mutedKinds": ["SURVIVAL_BENEFIT"], "language": "EN"}, "errors": []}

    gql.login("13900000011")
    _push(gql, reminders[:1])

    message = PushMessage.objects.get()
    assert message.title == "Renewal premium due"
    assert message.body.startswith("The premium of 1200.00 yuan for policy")
    gql.login("13800000011")
    node = gql(INBOX)["data"]["myNotifications"]["edges"][0]["node"]  # the app asks in Chinese
    assert node["title"] == "Renewal premium due"
    # Read aloud in the language it is written in: English words, amounts spoken in English.
    assert node["readAloudText"].startswith(
        "Renewal premium due. The premium of one thousand two hundred yuan"
    )


def test_customers_who_chose_nothing_get_chinese(gql, reminders, owner):
    gql.login("13800000011")
    assert gql("{ notificationSettings { language } }")["data"]["notificationSettings"] == {
        "language": "ZH_HANS"
    }
    gql.login("13900000011")
    _push(gql, reminders[:1])
    assert PushMessage.objects.get().title == "续期保费即将到期"


def test_agents_digest_in_the_agents_language(reminders, agent, agent_phone):
    from reminders.services.settings import notification_settings_update

    notification_settings_update(user=agent.user, language="en")
    assert agent_morning_digest() == 1
    assert PushMessage.objects.get(device__app=App.AGENT_APP).body == "5 reminders today"
