from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core.signals import socket_closed

        from .models import CalendarDay, ServiceHours, SlaPolicy
        from .services.calendar import calendar_cache_clear
        from .services.presence import socket_gone

        def staff_socket_closed(sender, *, user_id, **kwargs) -> None:
            socket_gone(user_id=user_id)

        socket_closed.connect(staff_socket_closed, dispatch_uid="operations.socket_gone", weak=False)

        for model in (CalendarDay, ServiceHours, SlaPolicy):
            post_save.connect(
                calendar_cache_clear, sender=model, dispatch_uid=f"calendar_cache.save.{model.__name__}"
            )
            post_delete.connect(
                calendar_cache_clear, sender=model, dispatch_uid=f"calendar_cache.delete.{model.__name__}"
            )
