"""Telling the customer how a request ended, in their inbox."""

from django.utils import translation
from django.utils.translation import gettext as _

from reminders.selectors import language_of
from reminders.services import notification_create

from ..models import RequestStatus, RequestType, ServicingRequest
from .common import reason_text, reasons_now


def request_outcome_notify(request: ServicingRequest) -> None:
    # Sent from tasks and admin actions too: write in the customer's language, not the caller's.
    language = language_of(request.customer.user_id)
    with translation.override(language):
        _notify(request, language)


def _completed_body(request: ServicingRequest) -> str:
    account = (request.summary or {}).get("bank_account", "")
    amount = f"{request.amount:,.2f}" if request.amount is not None else ""
    if request.type == RequestType.POLICY_LOAN:
        return _("Your policy loan of %(amount)s yuan has been paid to your account %(account)s.") % {
            "amount": amount,
            "account": account,
        }
    if request.type == RequestType.BENEFIT_CLAIM:
        return _("Your benefit of %(amount)s yuan has been paid to your account %(account)s.") % {
            "amount": amount,
            "account": account,
        }
    return _("Your %(type)s request is complete.") % {"type": request.get_type_display()}


def _notify(request: ServicingRequest, language: str) -> None:
    """Say what happened now: a payout made, or why it ended; never the reasons for an earlier hold."""
    if request.status == RequestStatus.COMPLETED:
        title = _("%(type)s completed") % {"type": request.get_type_display()}
        body = _completed_body(request)
    else:
        title = _("%(type)s not completed") % {"type": request.get_type_display()}
        body = " ".join(reason_text(code) for code in reasons_now(request)) or title
    notification_create(
        user=request.customer.user,
        kind="SERVICING_RESULT",
        title=title,
        body=body,
        language=language,
        subject=request,
    )
