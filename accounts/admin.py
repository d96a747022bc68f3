from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .identity import resident_id_validate
from .models import AgentProfile, CustomerProfile, Device, LoginThrottle, StaffProfile, User


class CustomerInline(admin.StackedInline):
    model = CustomerProfile
    form = None  # set below, after the form is defined (the ID number only masked)
    readonly_fields = ("id_number_masked",)
    can_delete = False
    extra = 0

    @admin.display(description=_("national ID number"))
    def id_number_masked(self, obj):
        return obj.masked_id_number


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


class CustomerProfileForm(forms.ModelForm):
    """The ID number is never shown in full: the form shows it masked and takes a replacement,
    validated like any other (check digit, birth date, county)."""

    new_id_number = forms.CharField(
        label=_("new national ID number"),
        required=False,
        max_length=18,
        validators=[resident_id_validate],
        help_text=_("Leave empty to keep the current number."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = CustomerProfile
        fields = ("user", "name", "birth_date", "gender", "email", "address")

    def save(self, commit=True):
        if self.cleaned_data.get("new_id_number"):
            self.instance.id_number = self.cleaned_data["new_id_number"].upper()
        return super().save(commit=commit)


CustomerInline.form = CustomerProfileForm


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    form = CustomerProfileForm
    list_display = ("name", "user", "id_number_masked", "birth_date", "gender")
    readonly_fields = ("id_number_masked",)
    search_fields = ("name", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)

    @admin.display(description=_("national ID number"))
    def id_number_masked(self, obj):
        return obj.masked_id_number


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
