from django.contrib import admin

from .admin_readonly import ViewOnly
from .models import PersistedOperation


@admin.register(PersistedOperation)
class PersistedOperationAdmin(ViewOnly, admin.ModelAdmin):
    """What the apps may run; registered by `manage.py register_operations`, never typed in here."""

    list_display = ("name", "client", "sha256", "registered_at")
    list_filter = ("client",)
    search_fields = ("name", "sha256")
