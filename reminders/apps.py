from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from policies.signals import obligations_settled

        from .services.scan import reminders_resolve

        def resolve(sender, *, policy_ids, **kwargs) -> None:
            reminders_resolve(policy_ids=policy_ids)

        obligations_settled.connect(resolve, dispatch_uid="reminders.resolve_settled", weak=False)
