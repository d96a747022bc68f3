"""The pool in the admin: tasks (read-only: they change through the services), the settlement
figures, staff skills and languages, the business calendar, SLA policies and QA sampling."""

from datetime import date

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_name

from . import selectors
from .models import (
    CalendarDay,
    QaRule,
    ServiceHours,
    SlaPolicy,
    StaffLanguage,
    StaffPresence,
    StaffSkill,
    Task,
)


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = (
        "id", "kind", "status", "customer_masked", "elderly", "language", "assignee", "due_at", "at_risk",
        "outcome", "completed_by", "qa_score",
    )  # fmt: skip
    list_filter = ("status", "kind", "skill", "elderly", "language")
    list_select_related = ("customer", "assignee", "completed_by")
    readonly_fields = [f.name for f in Task._meta.fields]
    exclude = ("customer",)
    change_list_template = "admin/operations/task/change_list.html"
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("customer"))
    def customer_masked(self, obj):
        return mask_name(obj.customer.name)

    @admin.display(description=_("at risk"), boolean=True)
    def at_risk(self, obj):
        return obj.status in ("OPEN", "ASSIGNED") and obj.at_risk_from <= timezone.now()

    def get_urls(self):
        view = self.admin_site.admin_view(self.settlement_view)
        return [path("settlement/", view, name="operations_task_settlement"), *super().get_urls()]

    def settlement_view(self, request):
        """Per person for a business day: done, within SLA, median handling time, QA score."""
        try:
            day = date.fromisoformat(request.GET.get("day", ""))
        except ValueError:
            day = timezone.localdate()
        if not date(2000, 1, 1) <= day <= date(2099, 12, 31):  # a mistyped year
            day = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Settlement"),
            "day": day,
            "rows": selectors.settlement(day=day),
        }
        return TemplateResponse(request, "admin/operations/task/settlement.html", context)


@admin.register(StaffPresence)
class StaffPresenceAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "last_heartbeat_at", "last_assigned_at")
    list_filter = ("status",)
    readonly_fields = ("user", "status", "last_heartbeat_at", "last_assigned_at", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(StaffSkill)
class StaffSkillAdmin(admin.ModelAdmin):
    list_display = ("user", "skill", "capacity")
    list_filter = ("skill",)
    list_editable = ("capacity",)
    raw_id_fields = ("user",)


@admin.register(StaffLanguage)
class StaffLanguageAdmin(admin.ModelAdmin):
    list_display = ("user", "language")
    list_filter = ("language",)
    raw_id_fields = ("user",)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"


@admin.register(ServiceHours)
class ServiceHoursAdmin(admin.ModelAdmin):
    list_display = ("code", "opens", "closes", "weekdays", "follows_holidays")


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ("kind", "clock", "amount", "at_time")


@admin.register(QaRule)
class QaRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "share_percent", "first_tasks", "active")
    list_editable = ("share_percent", "first_tasks", "active")
