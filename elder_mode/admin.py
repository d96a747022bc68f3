from django.contrib import admin

from .models import (
    AccessibilityProfile,
    RiskChallenge,
    RiskNotice,
    TrustedContact,
)


@admin.register(RiskNotice)
class RiskNoticeAdmin(admin.ModelAdmin):
    list_display = ("title_zh", "operation", "active", "order")
    list_filter = ("operation", "active")
    list_editable = ("active", "order")
    search_fields = ("title_zh", "title_en", "body_zh")


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
