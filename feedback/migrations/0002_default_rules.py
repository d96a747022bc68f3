from django.db import migrations

TOUCHPOINTS = [
    "SERVICING_COMPLETED",
    "LOAN_DISBURSED",
    "BENEFIT_PAID",
    "CHAT_CLOSED",
    "POLICY_ISSUED",
    "CALLBACK_DONE",
]


def rules(apps, schema_editor):
    SurveyRule = apps.get_model("feedback", "SurveyRule")
    for touchpoint in TOUCHPOINTS:
        # A fifth of each touchpoint, at most one survey a month per customer, a week to answer.
        SurveyRule.objects.get_or_create(
            touchpoint=touchpoint, defaults={"share_percent": 20, "cool_down_days": 30, "expiry_days": 7}
        )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]
    operations = [migrations.RunPython(rules, migrations.RunPython.noop)]
