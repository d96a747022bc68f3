from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from core.admin_readonly import MoneyAndStatusReadOnly, ViewOnly
from core.errors import ServiceError
from core.masking import mask_name
from operations.models import TaskOutcome

from .models import (
    Application,
    ApplicationStatus,
    ApplicationStep,
    HealthQuestion,
    PolicyCallback,
    PremiumRate,
    SaleTerms,
    UnderwritingLimit,
)
from .services.applications import application_decide
from .services.progress import reasons_text, step_text


@admin.register(SaleTerms)
class SaleTermsAdmin(admin.ModelAdmin):
    """A product's selling terms; its rate table, underwriting limits and questions are edited beside."""

    list_display = ("product", "on_sale", "min_age", "max_age", "min_sum_assured", "max_sum_assured")
    list_filter = ("on_sale",)


@admin.register(PremiumRate)
class PremiumRateAdmin(admin.ModelAdmin):
    list_display = ("product", "term_years", "age_from", "age_to", "rate_per_thousand")
    list_filter = ("product", "term_years")


@admin.register(UnderwritingLimit)
class UnderwritingLimitAdmin(admin.ModelAdmin):
    list_display = ("product", "age_from", "age_to", "auto_max_sum_assured")
    list_filter = ("product",)


@admin.register(HealthQuestion)
class HealthQuestionAdmin(admin.ModelAdmin):
    list_display = ("product", "code", "order", "text_zh")
    list_filter = ("product",)


class StepInline(ViewOnly, admin.TabularInline):
    model = ApplicationStep
    extra = 0
    fields = ("seq", "status", "text", "at")
    readonly_fields = fields
    verbose_name = _("progress line")
    verbose_name_plural = _("progress")

    def has_view_permission(self, request, obj=None):
        # The progress is part of the application: whoever may see the application sees it.
        return request.user.has_perm("new_business.view_application")

    @admin.display(description=_("what happened"))
    def text(self, obj: ApplicationStep) -> str:
        return step_text(obj.code, obj.params)


@admin.register(Application)
class ApplicationAdmin(MoneyAndStatusReadOnly, admin.ModelAdmin):
    list_display = (
        "number",
        "customer_masked",
        "agent",
        "product",
        "sum_assured",
        "premium",
        "status",
        "submitted_at",
    )
    list_filter = ("status", "product")
    search_fields = ("number",)
    date_hierarchy = "submitted_at"
    inlines = [StepInline]
    actions = ["approve", "decline", "postpone"]
    fields = (
        "number",
        "customer_masked",
        "agent",
        "product",
        "sum_assured",
        "frequency",
        "term_years",
        "age_at_entry",
        "annual_premium",
        "premium",
        "status",
        "reasons",
        "answers",
        "decision_note",
        "decided_by",
        "submitted_at",
        "decided_at",
        "issued_at",
        "policy",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Decisions are the list's actions (the underwriting service); a single application is read-only.
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=_("customer"))
    def customer_masked(self, obj: Application) -> str:
        return mask_name(obj.customer.name)

    @admin.display(description=_("reasons for manual underwriting"))
    def reasons(self, obj: Application) -> str:
        return reasons_text(obj.underwriting_reasons) or "—"

    @admin.display(description=_("health answers"))
    def answers(self, obj: Application):
        texts = dict(HealthQuestion.objects.filter(product=obj.product).values_list("code", "text_zh"))
        return format_html_join(
            "",
            "<div>{}：{}</div>",
            (
                (texts.get(a["code"], a["code"]), _("yes") if a["yes"] else _("no"))
                for a in obj.health_answers
            ),
        )

    def _decide(self, request, queryset, outcome: str) -> None:
        done = 0
        for application in queryset.filter(status=ApplicationStatus.UNDERWRITING):
            try:
                application_decide(
                    application_id=application.pk,
                    outcome=outcome,
                    note=str(_("Decided in the admin")),
                    user=request.user,
                )
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"{application.number}: {exc.message}", messages.ERROR)
        self.message_user(request, _("%(count)d applications decided.") % {"count": done}, messages.SUCCESS)

    @admin.action(description=_("Approve the selected applications"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, TaskOutcome.APPROVE)

    @admin.action(description=_("Decline the selected applications"), permissions=["change"])
    def decline(self, request, queryset):
        self._decide(request, queryset, TaskOutcome.DECLINE)

    @admin.action(description=_("Postpone the selected applications"), permissions=["change"])
    def postpone(self, request, queryset):
        self._decide(request, queryset, TaskOutcome.POSTPONE)


@admin.register(PolicyCallback)
class PolicyCallbackAdmin(ViewOnly, admin.ModelAdmin):
    list_display = (
        "policy",
        "customer_masked",
        "status",
        "phone_reason",
        "phone_outcome",
        "created_at",
        "due_at",
        "answered_at",
    )
    list_filter = ("status", "phone_reason")
    date_hierarchy = "created_at"

    @admin.display(description=_("customer"))
    def customer_masked(self, obj: PolicyCallback) -> str:
        return mask_name(obj.customer.name)
