"""Voice of the customer in the admin: survey rules (edited here), surveys (read-only: customers
answer them), and the scoreboard with its charts."""

from datetime import date, timedelta

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.admin_readonly import ViewOnly

from . import charts
from .models import MetricsSnapshot, Survey, SurveyRule, Touchpoint
from .services.metrics import EARLIEST, LATEST, period_valid, service_metrics

# The scoreboard's figures in display order: (key, label, is a rate).
FIGURES = [
    ("automation_rate", _("Automation rate"), True),
    ("median_decision_seconds", _("Median automated decision (s)"), False),
    ("online_service_share", _("Online service share"), True),
    ("first_contact_resolution_rate", _("First-contact resolution (48 h)"), True),
    ("bot_containment_rate", _("Bot containment"), True),
    ("human_connect_rate", _("Human connect rate"), True),
    ("median_human_wait_seconds", _("Median wait for a person (s)"), False),
    ("csat", _("Satisfaction (CSAT 4–5)"), True),
    ("nps", _("NPS"), False),
    ("follow_up_within_sla_rate", _("Follow-ups within SLA"), True),
    ("median_follow_up_first_action_seconds", _("Answer to a person acting (median, s)"), False),
    ("surveys_sent", _("Surveys sent"), False),
    ("surveys_answered", _("Surveys answered"), False),
    ("e_callback_rate", _("E-callback rate"), True),
]


@admin.register(SurveyRule)
class SurveyRuleAdmin(admin.ModelAdmin):
    list_display = [
        "touchpoint",
        "active",
        "share_percent",
        "cool_down_days",
        "expiry_days",
        "ask_nps",
        "ask_csat",
        "ask_comment",
    ]
    list_editable = ["active", "share_percent", "cool_down_days", "expiry_days"]

    def has_delete_permission(self, request, obj=None):
        return False  # switch a rule off instead: the touchpoints are fixed


@admin.register(Survey)
class SurveyAdmin(ViewOnly, admin.ModelAdmin):
    list_display = [
        "id",
        "touchpoint",
        "status",
        "created_at",
        "nps",
        "csat",
        "sentiment",
        "negative",
        "follow_up_outcome",
    ]
    list_filter = ["touchpoint", "status", "negative", "sentiment"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in Survey._meta.fields]
    list_select_related = ["customer"]


@admin.register(MetricsSnapshot)
class MetricsSnapshotAdmin(ViewOnly, admin.ModelAdmin):
    """The scoreboard: a period's figures computed now, and the daily snapshots drawn over time."""

    change_list_template = "admin/feedback/scoreboard.html"

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        today = timezone.localdate()
        try:
            last = date.fromisoformat(request.GET.get("to", ""))
        except ValueError:
            last = today
        try:
            first = date.fromisoformat(request.GET.get("from", ""))
        except ValueError:
            first = last - timedelta(days=29)
        if not period_valid(first, last):
            last = today if not EARLIEST <= last <= LATEST else last
            first = last - timedelta(days=29)
        figures = service_metrics(first=first, last=last)
        cards = [
            {"key": key, "label": label, "value": _display(figures.get(key), rate)}
            for key, label, rate in FIGURES
        ]
        snapshots = list(MetricsSnapshot.objects.filter(day__gte=first, day__lte=last).order_by("day"))
        lines = [
            charts.line_chart(
                str(label), [(s.day.strftime("%m-%d"), s.figures.get(key)) for s in snapshots], percent=rate
            )
            for key, label, rate in FIGURES
            if key
            in (
                "automation_rate",
                "csat",
                "nps",
                "first_contact_resolution_rate",
                "bot_containment_rate",
                "follow_up_within_sla_rate",
            )
        ]
        by_touchpoint = _by_touchpoint(snapshots)
        bars = [
            charts.bar_chart(
                str(_("CSAT by touchpoint")), [(str(t.label), by_touchpoint[t]["csat"]) for t in Touchpoint]
            ),
            charts.bar_chart(
                str(_("NPS by touchpoint")),
                [(str(t.label), by_touchpoint[t]["nps"]) for t in Touchpoint],
                percent=False,
            ),
        ]
        context = {
            **self.admin_site.each_context(request),
            **(extra_context or {}),
            "opts": self.model._meta,
            "title": _("Service scoreboard"),
            "first": first,
            "last": last,
            "cards": cards,
            "charts": [(c.title, mark_safe(c.svg)) for c in [*lines, *bars] if c.svg],  # noqa: S308 (escaped by charts)
        }
        return TemplateResponse(request, self.change_list_template, context)


def _display(value, rate: bool) -> str:
    if value is None:
        return "—"
    if rate:
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}" if isinstance(value, int) else f"{value:,.1f}"


def _by_touchpoint(snapshots) -> dict:
    """Answer-weighted CSAT and NPS per touchpoint over the snapshots' days."""
    totals = {t: {"n": 0, "csat": 0.0, "nps": 0.0, "csat_n": 0, "nps_n": 0} for t in Touchpoint}
    for snapshot in snapshots:
        for touchpoint, row in (snapshot.by_touchpoint or {}).items():
            if touchpoint not in totals:
                continue
            t = totals[touchpoint]
            n = row.get("answered", 0)
            if row.get("csat") is not None:
                t["csat"] += row["csat"] * n
                t["csat_n"] += n
            if row.get("nps") is not None:
                t["nps"] += row["nps"] * n
                t["nps_n"] += n
    return {
        t: {
            "csat": v["csat"] / v["csat_n"] if v["csat_n"] else None,
            "nps": v["nps"] / v["nps_n"] if v["nps_n"] else None,
        }
        for t, v in totals.items()
    }
