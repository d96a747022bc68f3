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

        from policies.signals import request_outcome_decided

        from .services.inbox import request_outcome_deliver

        def deliver(sender, *, request, **kwargs) -> None:
            request_outcome_deliver(request=request)

        request_outcome_decided.connect(deliver, dispatch_uid="reminders.request_outcome", weak=False)
