from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin_readonly import ViewOnly

from .models import OPEN_INSTRUCTION, PaymentInstruction
from .services import instruction_reconcile


@admin.register(PaymentInstruction)
class PaymentInstructionAdmin(ViewOnly, admin.ModelAdmin):
    list_display = (
        "reference",
        "direction",
        "purpose",
        "amount",
        "masked_account",
        "status",
        "attempts",
        "created_at",
        "finished_at",
    )
    list_filter = ("status", "direction", "purpose")
    search_fields = ("reference",)
    date_hierarchy = "created_at"
    fields = (
        "reference",
        "direction",
        "purpose",
        "subject_type",
        "subject_id",
        "amount",
        "bank_code",
        "masked_account",
        "holder_name",
        "status",
        "attempts",
        "last_error",
        "provider_reference",
        "created_at",
        "sent_at",
        "finished_at",
    )
    readonly_fields = fields
    actions = ["reconcile_now"]

    def has_change_permission(self, request, obj=None):
        # Viewing only; the action below needs the view permission's changelist.
        return False

    @admin.display(description=_("account number"))
    def masked_account(self, obj: PaymentInstruction) -> str:
        return obj.masked_account_number

    @admin.action(description=_("Reconcile now (ask the bank)"), permissions=["view"])
    def reconcile_now(self, request, queryset):
        done = 0
        for instruction in queryset.filter(status__in=OPEN_INSTRUCTION).only("pk"):
            instruction_reconcile(instruction_id=instruction.pk)
            done += 1
        self.message_user(
            request, _("%(count)d instructions reconciled.") % {"count": done}, messages.SUCCESS
        )
