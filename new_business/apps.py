from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewBusinessConfig(AppConfig):
    name = "new_business"
    verbose_name = _("New business")

    def ready(self) -> None:
        from operations.models import TaskKind
        from operations.services.completion import completion_register
        from operations.signals import task_assigned
        from payments.services import purpose_register
        from policies.models import RequestType
        from policies.services.decisions import carry_out_register

        from .services import applications, callbacks, issue

        completion_register(TaskKind.UNDERWRITING, run=applications.underwriting_task_complete)
        completion_register(TaskKind.NEW_POLICY_CALLBACK, run=callbacks.phone_callback_complete)
        task_assigned.connect(
            applications.underwriter_took, dispatch_uid="new_business.underwriter_took", weak=False
        )
        purpose_register(
            issue.FIRST_PREMIUM, settled=issue.first_premium_settled, failed=issue.first_premium_failed
        )
        purpose_register(
            issue.COOLING_OFF_REFUND,
            settled=issue.cooling_off_refund_settled,
            failed=issue.cooling_off_refund_failed,
        )
        # A held or reviewed cooling-off refund is paid when a person releases or approves it.
        carry_out_register(RequestType.COOLING_OFF_CANCELLATION, issue.cooling_off_refund_approved)
