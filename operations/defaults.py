"""The pool's starting data, installed by the data migration and again by `defaults_install` wherever
a database lost it (tests that flush tables): the six roles (groups) with only the permissions each
needs, the office and chat-desk hours, the SLAs of DESIGN.md, QA sampling, and the Chinese public
holidays of 2026 and 2027. Plain data: the migration must not depend on models as they change."""

from datetime import date, time, timedelta

ROLE_PERMISSIONS = {
    "desk": [
        "chat.view_conversation", "chat.view_message", "chat.view_cannedresponse", "chat.view_faqentry",
        "chat.view_leftmessage", "operations.view_task",
    ],
    "reviewer": [
        "policies.view_servicingrequest", "policies.change_servicingrequest", "policies.view_policy",
        "operations.view_task",
    ],
    "callback": [
        "elder_mode.view_callbacktask", "elder_mode.change_callbacktask", "chat.view_leftmessage",
        "chat.change_leftmessage", "policies.view_servicingrequest", "operations.view_task",
        "new_business.view_policycallback",
    ],
    "underwriter": [
        "operations.view_task",
        # New business (new_business's migration grants them): decide applications, read the rules.
        "new_business.view_application", "new_business.change_application", "new_business.view_saleterms",
        "new_business.view_premiumrate", "new_business.view_underwritinglimit", "new_business.view_healthquestion",
    ],
    "qa": [
        "operations.view_task", "chat.view_conversation", "chat.view_message", "policies.view_servicingrequest",
        "feedback.view_survey",
    ],
    "supervisor": [
        "operations.view_task", "operations.change_task", "operations.view_staffpresence",
        "operations.view_staffskill", "operations.add_staffskill", "operations.change_staffskill",
        "operations.delete_staffskill", "operations.view_stafflanguage", "operations.add_stafflanguage",
        "operations.change_stafflanguage", "operations.delete_stafflanguage",
        "operations.view_calendarday", "operations.add_calendarday", "operations.change_calendarday",
        "operations.delete_calendarday", "operations.view_servicehours", "operations.change_servicehours",
        "operations.view_slapolicy", "operations.change_slapolicy", "operations.view_qarule",
        "operations.change_qarule", "chat.view_conversation", "chat.view_message",
        "policies.view_servicingrequest",
        # The voice of the customer's scoreboard and rules (feedback's migration grants them).
        "feedback.view_metricssnapshot", "feedback.view_survey", "feedback.view_surveyrule",
        "feedback.change_surveyrule",
        "new_business.view_application", "new_business.view_policycallback", "payments.view_paymentinstruction",
    ],
}  # fmt: skip

SLA = [
    ("SERVICING_REVIEW", "BUSINESS_MINUTES", 120, None),
    ("ELDER_CALLBACK", "BUSINESS_MINUTES", 240, None),
    ("LEFT_MESSAGE_CALLBACK", "NEXT_BUSINESS_DAY_AT", 0, time(12, 0)),
    ("FEEDBACK_FOLLOW_UP", "ROUND_THE_CLOCK", 5, None),
    ("UNDERWRITING", "BUSINESS_DAYS", 1, None),
    ("NEW_POLICY_CALLBACK", "BUSINESS_DAYS", 3, None),
    ("QA_REVIEW", "BUSINESS_DAYS", 2, None),
]


def _span(first: date, days: int, name: str):
    return [(first + timedelta(days=n), "HOLIDAY", name) for n in range(days)]


# 2026: the State Council's notice published in November 2025. 2027: the statutory days of the holiday
# law as amended in 2024 (the year's make-up working days are announced about November; add them in
# the admin under "holidays and make-up working days" when published).
HOLIDAYS = [
    *_span(date(2026, 1, 1), 3, "元旦"), (date(2026, 1, 4), "WORKDAY", "元旦调休"),
    *_span(date(2026, 2, 15), 9, "春节"), (date(2026, 2, 14), "WORKDAY", "春节调休"),
    (date(2026, 2, 28), "WORKDAY", "春节调休"),
    *_span(date(2026, 4, 4), 3, "清明节"),
    *_span(date(2026, 5, 1), 5, "劳动节"), (date(2026, 5, 9), "WORKDAY", "劳动节调休"),
    *_span(date(2026, 6, 19), 3, "端午节"),
    *_span(date(2026, 9, 25), 3, "中秋节"),
    *_span(date(2026, 10, 1), 7, "国庆节"), (date(2026, 9, 20), "WORKDAY", "国庆节调休"),
    (date(2026, 10, 10), "WORKDAY", "国庆节调休"),
    (date(2027, 1, 1), "HOLIDAY", "元旦"),
    *_span(date(2027, 2, 5), 4, "春节"),
    (date(2027, 4, 5), "HOLIDAY", "清明节"),
    *_span(date(2027, 5, 1), 2, "劳动节"),
    (date(2027, 6, 9), "HOLIDAY", "端午节"),
    (date(2027, 9, 15), "HOLIDAY", "中秋节"),
    *_span(date(2027, 10, 1), 3, "国庆节"),
]  # fmt: skip

QA_KINDS = [
    "SERVICING_REVIEW", "ELDER_CALLBACK", "LEFT_MESSAGE_CALLBACK", "FEEDBACK_FOLLOW_UP", "UNDERWRITING",
    "NEW_POLICY_CALLBACK",
]  # fmt: skip


def defaults_install(apps) -> None:
    """Create what is missing (never overwrites an operator's edits). `apps` is a migration's
    historical registry or django.apps.apps."""
    from django.contrib.auth.management import create_permissions

    # Permissions of models created in this same `migrate` exist only after it; make them now.
    for app_config in apps.get_app_configs():
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for code in codes:
            app_label, codename = code.split(".")
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            # An app migrated after this one (feedback) grants its own when its models exist.
            if permission is not None:
                group.permissions.add(permission)

    ServiceHours = apps.get_model("operations", "ServiceHours")
    ServiceHours.objects.get_or_create(
        code="BUSINESS",
        defaults={"opens": time(9), "closes": time(18), "weekdays": "1,2,3,4,5", "follows_holidays": True},
    )
    ServiceHours.objects.get_or_create(
        code="CHAT_DESK",
        defaults={
            "opens": time(8),
            "closes": time(21),
            "weekdays": "1,2,3,4,5,6,7",
            "follows_holidays": False,
        },
    )
    SlaPolicy = apps.get_model("operations", "SlaPolicy")
    for kind, clock, amount, at in SLA:
        SlaPolicy.objects.get_or_create(kind=kind, defaults={"clock": clock, "amount": amount, "at_time": at})
    QaRule = apps.get_model("operations", "QaRule")
    for kind in QA_KINDS:
        QaRule.objects.get_or_create(kind=kind, defaults={"share_percent": 5, "first_tasks": 20})
    CalendarDay = apps.get_model("operations", "CalendarDay")
    for day, kind, name in HOLIDAYS:
        CalendarDay.objects.get_or_create(date=day, defaults={"kind": kind, "name": name})
