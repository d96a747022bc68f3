from django.contrib import admin

from .models import Notification, NotificationSettings, PushMessage, Reminder, ReminderRule, ScanRun


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "stages", "system_push_last_stage", "enabled")
    list_editable = ("system_push_last_stage", "enabled")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "stage",
        "policy",
        "customer",
        "agent",
        "due_date",
        "status",
        "pushed_at",
        "read_at",
    )
    list_filter = ("kind", "status", "agent", ("due_date", admin.DateFieldListFilter))
    search_fields = ("policy__number", "customer__name", "agent__name", "agent__agent_code")
    list_select_related = ("policy", "customer", "agent")
    raw_id_fields = ("policy", "customer", "agent", "pushed_by")
    date_hierarchy = "due_date"


@admin.register(PushMessage)
class PushMessageAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "device", "status", "attempts", "not_before", "sent_at", "last_error")
    list_filter = ("status", "kind")
    raw_id_fields = ("device",)
    readonly_fields = ("claimed_at", "sent_at", "created_at")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "kind", "title", "marketing", "created_at", "read_at")
    list_filter = ("kind", "marketing")
    search_fields = ("user__phone", "title")
    raw_id_fields = ("user", "reminder")


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "muted_kinds", "language")
    list_filter = ("language",)
    raw_id_fields = ("user",)


@admin.register(ScanRun)
class ScanRunAdmin(admin.ModelAdmin):
    """What each reminder scan looked at and did; written by the scan only."""

    list_display = ("day", "mode", "policies", "created", "resolved", "expired", "seconds", "finished_at")
    list_filter = ("mode",)
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
