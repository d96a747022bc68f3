from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.admin_readonly import MoneyAndStatusReadOnly, ViewOnly
from core.errors import ServiceError
from elder_mode.models import CallbackStatus, CallbackTask

from .models import (
    AuditEvent,
    BankAccount,
    Benefit,
    BenefitLoanOffset,
    CashValue,
    Policy,
    PolicyLoan,
    PolicyStatusChange,
    PremiumDue,
    Product,
    Repayment,
    RepaymentLine,
    RequestStatus,
    ServicingRequest,
)
from .services import holds
from .services.common import reason_text
from .services.decisions import servicing_request_approve, servicing_request_reject
from .services.review import automation_stats


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "kind",
        "loanable",
        "loan_ratio",
        "loan_annual_rate",
        "loan_term_days",
        "loan_min_amount",
        "cooling_off_days",
        "grace_days",
    )
    list_editable = ("loanable", "loan_annual_rate")
    search_fields = ("code", "name_zh", "name_en")


class PremiumInline(MoneyAndStatusReadOnly, admin.TabularInline):
    model = PremiumDue
    extra = 0


class CashValueInline(MoneyAndStatusReadOnly, admin.TabularInline):
    model = CashValue
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = PolicyStatusChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "reason", "business_date", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(MoneyAndStatusReadOnly, admin.ModelAdmin):
    list_display = (
        "number",
        "product",
        "holder",
        "status",
        "effective_date",
        "maturity_date",
        "premium",
        "complaint_open",
    )
    list_filter = ("status", "product", "complaint_open")
    search_fields = ("number", "holder__name", "holder__user__phone")
    list_select_related = ("product", "holder")
    raw_id_fields = ("holder", "insured", "servicing_agent", "renewal_account")
    inlines = (PremiumInline, CashValueInline, StatusChangeInline)


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ("customer", "bank_name", "number_masked", "holder_name", "verified_at", "added_at")
    search_fields = ("customer__name", "customer__user__phone")
    list_select_related = ("customer",)
    exclude = ("account_number",)
    readonly_fields = ("number_masked",)
    raw_id_fields = ("customer",)

    @admin.display(description=_("account number"))
    def number_masked(self, obj):
        return obj.masked_number


@admin.register(PolicyLoan)
class PolicyLoanAdmin(MoneyAndStatusReadOnly, admin.ModelAdmin):
    list_display = (
        "id",
        "policy",
        "principal",
        "outstanding_principal",
        "accrued_interest",
        "annual_rate",
        "status",
        "disbursed_on",
        "due_on",
        "rollovers",
    )
    list_filter = ("status",)
    search_fields = ("policy__number", "policy__holder__name")
    list_select_related = ("policy",)
    raw_id_fields = ("policy", "request", "bank_account")


class RepaymentLineInline(MoneyAndStatusReadOnly, admin.TabularInline):
    model = RepaymentLine
    extra = 0
    raw_id_fields = ("loan",)


@admin.register(Repayment)
class RepaymentAdmin(MoneyAndStatusReadOnly, admin.ModelAdmin):
    list_display = ("id", "customer", "total", "paid_on", "created_at")
    search_fields = ("customer__name", "customer__user__phone")
    raw_id_fields = ("customer", "request", "bank_account")
    inlines = (RepaymentLineInline,)


class BenefitLoanOffsetInline(admin.TabularInline):
    model = BenefitLoanOffset
    extra = 0
    can_delete = False
    readonly_fields = ("loan", "interest", "principal")

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # written by the maturity job only


@admin.register(Benefit)
class BenefitAdmin(MoneyAndStatusReadOnly, admin.ModelAdmin):
    list_display = ("id", "policy", "kind", "amount", "loan_offset", "available_from", "status", "paid_at")
    list_filter = ("kind", "status")
    search_fields = ("policy__number", "policy__holder__name")
    raw_id_fields = ("policy", "bank_account", "request")
    inlines = (BenefitLoanOffsetInline,)


@admin.register(ServicingRequest)
class ServicingRequestAdmin(admin.ModelAdmin):
    """The review queue: filter by PENDING_REVIEW, read the reasons, approve or reject."""

    list_display = (
        "id",
        "type",
        "status",
        "customer",
        "policy",
        "amount",
        "reason_list",
        "decided_by",
        "submitted_at",
        "decided_at",
    )
    list_filter = ("status", "type")
    search_fields = ("customer__name", "customer__user__phone", "policy__number")
    list_select_related = ("customer", "policy", "decided_by")
    readonly_fields = [f.name for f in ServicingRequest._meta.fields]
    actions = ("approve", "reject")
    change_list_template = "admin/policies/servicingrequest/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # A request is a record of what a customer asked and what was decided: never deleted here.
        return False

    @admin.display(description=_("reasons"))
    def reason_list(self, obj):
        # Each reason is a sentence of its own: one per line, not joined into "。；".
        return format_html_join(mark_safe("<br>"), "{}", ((reason_text(code),) for code in obj.reasons))

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "automation": automation_stats()}
        return super().changelist_view(request, extra_context=extra_context)

    def _decide(self, request, queryset, decide, verb):
        done = 0
        for item in queryset.filter(status=RequestStatus.PENDING_REVIEW):
            try:
                decide(request_id=item.pk, reviewer=request.user)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"#{item.pk}: {exc}", messages.ERROR)
        self.message_user(request, verb % {"count": done})

    @admin.action(description=_("Approve selected requests pending review"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, servicing_request_approve, _("%(count)d requests approved."))

    @admin.action(description=_("Reject selected requests pending review"), permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, servicing_request_reject, _("%(count)d requests rejected."))


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnly, admin.ModelAdmin):
    list_display = ("created_at", "action", "object_type", "object_id", "actor")
    list_filter = ("action", "object_type")
    search_fields = ("object_id", "action")
    readonly_fields = ("created_at", "action", "object_type", "object_id", "actor", "before", "after")


@admin.register(CallbackTask)
class CallbackTaskAdmin(admin.ModelAdmin):
    """Callbacks before held payouts: call the customer, then record confirmed or refused."""

    list_display = (
        "id",
        "customer",
        "customer_phone",
        "reason_list",
        "amount",
        "status",
        "created_at",
        "due_by",
        "handled_by",
    )
    list_filter = ("status",)
    search_fields = ("customer__name", "customer__user__phone")
    list_select_related = ("customer__user", "handled_by")
    readonly_fields = [f.name for f in CallbackTask._meta.fields]
    actions = ("confirm", "refuse")

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("phone"))
    def customer_phone(self, obj):
        # Staff need the full number to call; it is shown here only, to staff with access.
        return obj.customer.user.phone

    @admin.display(description=_("reasons"))
    def reason_list(self, obj):
        return format_html_join(mark_safe("<br>"), "{}", ((reason_text(code),) for code in obj.reasons))

    def _record(self, request, queryset, confirmed: bool):
        done = 0
        for task in queryset.filter(status=CallbackStatus.OPEN):
            try:
                holds.callback_record(task_id=task.pk, staff=request.user, confirmed=confirmed)
                done += 1
            except ServiceError as exc:
                self.message_user(request, f"#{task.pk}: {exc}", messages.ERROR)
        self.message_user(request, _("%(count)d callbacks recorded.") % {"count": done})

    @admin.action(description=_("Customer confirmed: release the payout"), permissions=["change"])
    def confirm(self, request, queryset):
        self._record(request, queryset, True)

    @admin.action(description=_("Customer refused: cancel the payout"), permissions=["change"])
    def refuse(self, request, queryset):
        self._record(request, queryset, False)
