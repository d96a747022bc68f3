from django.contrib import admin

from .models import CannedResponse, Conversation, FaqEntry, LeftMessage, Message, StaffPresence
from .selectors import chat_stats


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


@admin.register(StaffPresence)
class StaffPresenceAdmin(admin.ModelAdmin):
    list_display = ("user", "status", "capacity", "last_assigned_at")
    list_filter = ("status",)


@admin.register(LeftMessage)
class LeftMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "customer", "callback_phone", "created_at", "handled_at", "handled_by")
    list_filter = (("handled_at", admin.EmptyFieldListFilter),)
    search_fields = ("customer__name", "callback_phone")
    raw_id_fields = ("conversation", "customer", "handled_by")
