from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from operations.models import TaskKind
        from operations.services.completion import completion_register
        from operations.signals import customer_viewed

        from .services import pool
        from .services.common import audit_record

        completion_register(TaskKind.SERVICING_REVIEW, run=pool.review_task_complete)
        completion_register(TaskKind.ELDER_CALLBACK, run=pool.callback_task_complete)

        def audit_look(sender, *, viewer, customer, what: str, **kwargs) -> None:
            audit_record(actor=viewer, action="customer.view", obj=customer, after={"viewed": what})

        customer_viewed.connect(audit_look, dispatch_uid="policies.audit_customer_look", weak=False)
