from django.contrib import admin, messages
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.errors import ServiceError
from policies.services.common import reason_text

from .models import (
    AccessibilityProfile,
    CallbackStatus,
    CallbackTask,
    RiskChallenge,
    RiskNotice,
    TrustedContact,
)
from .services import callback_record


@admin.register(RiskNotice)
class RiskNoticeAdmin(admin.ModelAdmin):
    list_display = ("title_zh", "operation", "active", "order")
    list_filter = ("operation", "active")
    list_editable = ("active", "order")
    search_fields = ("title_zh", "title_en", "body_zh")


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
                callback_record(task_id=task.pk, staff=request.user, confirmed=confirmed)
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


@admin.register(AccessibilityProfile)
class AccessibilityProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "elder_mode", "font_scale", "high_contrast", "read_aloud", "dialect")
    list_filter = ("elder_mode", "dialect")
    search_fields = ("user__phone",)
    raw_id_fields = ("user",)


@admin.register(TrustedContact)
class TrustedContactAdmin(admin.ModelAdmin):
    list_display = ("customer", "name", "updated_at")
    search_fields = ("customer__name", "name")
    raw_id_fields = ("customer",)


@admin.register(RiskChallenge)
class RiskChallengeAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "operation", "issued_at", "used_at")
    list_filter = ("operation",)
    readonly_fields = (
        "user",
        "operation",
        "issued_at",
        "min_read_seconds",
        "expires_at",
        "used_at",
        "notices",
    )

    def has_add_permission(self, request):
        return False
