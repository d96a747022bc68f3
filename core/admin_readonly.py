"""Money and status are changed by the services (with their rules, locks and audit trail), never
typed into an admin form."""

from django.db import models


class MoneyAndStatusReadOnly:
    """ModelAdmin/InlineModelAdmin mixin: decimal (money and rate) fields and `status` are read-only."""

    def get_readonly_fields(self, request, obj=None):
        declared = list(super().get_readonly_fields(request, obj))
        guarded = [
            field.name
            for field in self.model._meta.fields
            if isinstance(field, models.DecimalField) or field.name == "status"
        ]
        return declared + [name for name in guarded if name not in declared]


class ViewOnly:
    """ModelAdmin mixin for records written only by the services or the customers (surveys, audit,
    snapshots): shown, never added, edited or deleted in the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
