"""Telling the customer how a request ended. Policies writes the message; the inbox (reminders, an
app above this one) delivers it in the customer's language when told by `request_outcome_decided`."""

from django.utils import translation
from django.utils.translation import gettext as _

from ..models import RequestStatus, RequestType, ServicingRequest
from ..signals import request_outcome_decided
from .common import reason_text, reasons_now


def request_outcome_notify(request: ServicingRequest) -> None:
    """Sent inside the deciding transaction; the inbox writes the notice in the same transaction."""
    request_outcome_decided.send(sender="policies", request=request)


def request_outcome_message(request: ServicingRequest, language: str) -> tuple[str, str]:
    """Title and body in `language` (the customer's, not the caller's: tasks and admin send these)."""
    with translation.override(language):
        return _message(request)


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


def _message(request: ServicingRequest) -> tuple[str, str]:
    """Say what happened now: a payout made, or why it ended; never the reasons for an earlier hold."""
    if request.status == RequestStatus.COMPLETED:
        title = _("%(type)s completed") % {"type": request.get_type_display()}
        return title, _completed_body(request)
    title = _("%(type)s not completed") % {"type": request.get_type_display()}
    return title, " ".join(reason_text(code) for code in reasons_now(request)) or title
