from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from operations.models import TaskKind
        from operations.services.completion import completion_register
        from operations.signals import customer_viewed
        from payments.services import purpose_register

        from .services import benefits, loans, pool, repayments
        from .services.common import audit_record

        # What the bank's answer to each of policies' payment instructions does.
        purpose_register(
            loans.LOAN_DISBURSEMENT, settled=loans.loan_disbursed, failed=loans.loan_payout_refused
        )
        purpose_register(
            benefits.BENEFIT_PAYOUT, settled=benefits.benefit_paid, failed=benefits.benefit_payout_refused
        )
        purpose_register(
            repayments.REPAYMENT_COLLECTION,
            settled=repayments.repayment_collected,
            failed=repayments.repayment_refused,
        )
        completion_register(TaskKind.SERVICING_REVIEW, run=pool.review_task_complete)
        completion_register(TaskKind.ELDER_CALLBACK, run=pool.callback_task_complete)

        def audit_look(sender, *, viewer, customer, what: str, **kwargs) -> None:
            audit_record(actor=viewer, action="customer.view", obj=customer, after={"viewed": what})

        customer_viewed.connect(audit_look, dispatch_uid="policies.audit_customer_look", weak=False)
