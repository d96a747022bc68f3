from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AgentProfile, CustomerProfile, Device, LoginThrottle, StaffProfile, User


class CustomerInline(admin.StackedInline):
    model = CustomerProfile
    can_delete = False
    extra = 0


class AgentInline(admin.StackedInline):
    model = AgentProfile
    can_delete = False
    extra = 0


class StaffInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("phone",)
    list_display = ("phone", "display_name", "role", "is_active", "date_joined", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("phone", "display_name", "customer__name", "agent__name", "staff__name")
    readonly_fields = ("last_login", "date_joined", "is_staff")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Profile"), {"fields": ("display_name", "role")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "role", "password1", "password2")}),)
    inlines = (CustomerInline, AgentInline, StaffInline)


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "id_number_masked", "birth_date", "gender")

    @admin.display(description=_("national ID number"))
    def id_number_masked(self, obj):
        return obj.masked_id_number

    search_fields = ("name", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "agent_code", "branch", "user")
    search_fields = ("name", "agent_code", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "employee_no", "team", "user")
    search_fields = ("name", "employee_no", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ("user", "platform", "app", "active", "last_seen_at")
    list_filter = ("platform", "app", "active")
    search_fields = ("user__phone",)
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    exclude = ("token",)
    readonly_fields = ("token_digest",)


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Locked phones and addresses; deleting a row unlocks it."""

    list_display = ("key", "failures", "window_started_at", "locked_until")
    search_fields = ("key",)
    readonly_fields = ("key", "failures", "window_started_at", "locked_until")

    def has_add_permission(self, request):
        return False
