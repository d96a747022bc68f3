from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.masking import mask_phone

from .models import CannedResponse, Conversation, FaqEntry, LeftMessage, Message
from .selectors import chat_stats
from .services import queue


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("seq", "sender_kind", "body", "bot_confidence", "helpful", "created_at")
    readonly_fields = fields
    ordering = ("seq",)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    """Transcripts, read-only, with the bot's resolution rate, human answer time and ratings."""

    list_display = (
        "id",
        "customer",
        "status",
        "topic",
        "assigned_staff",
        "created_at",
        "closed_at",
        "rating",
    )
    list_filter = ("status", "rating")
    search_fields = ("customer__name", "customer__user__phone")
    list_select_related = ("customer", "assigned_staff")
    readonly_fields = [f.name for f in Conversation._meta.fields]
    inlines = (MessageInline,)
    change_list_template = "admin/chat/conversation/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Transcripts are records of what was said to a customer: kept, never deleted here.
        return False

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(
            request, extra_context={**(extra_context or {}), "chat_stats": chat_stats()}
        )


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ("question_zh", "keywords", "active")
    list_filter = ("active",)
    search_fields = ("question_zh", "variants", "answer_zh")


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin):
    list_display = ("title", "active")


@admin.register(LeftMessage)
class LeftMessageAdmin(admin.ModelAdmin):
    """Messages left out of hours; each is a callback task in the pool. Marking one handled here
    closes that task too."""

    list_display = ("id", "customer", "phone_masked", "created_at", "handled_at", "handled_by", "outcome")
    list_filter = (("handled_at", admin.EmptyFieldListFilter),)
    search_fields = ("customer__name",)
    exclude = ("callback_phone",)
    readonly_fields = ("conversation", "customer", "phone_masked", "body", "created_at", "handled_at",
                       "handled_by", "outcome", "note")  # fmt: skip
    actions = ("mark_handled",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("callback phone"))
    def phone_masked(self, obj):
        return mask_phone(obj.callback_phone)

    @admin.action(description=_("Mark as handled (closes its callback task)"), permissions=["change"])
    def mark_handled(self, request, queryset):
        for left in queryset.filter(handled_at__isnull=True):
            queue.left_message_handle(left=left, by=request.user)
