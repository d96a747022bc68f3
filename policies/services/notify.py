"""Telling the customer how a request ended, in their inbox."""

from django.utils import translation
from django.utils.translation import gettext as _

from reminders.selectors import language_of
from reminders.services import notification_create

from ..models import RequestStatus, ServicingRequest
from .common import reason_text


def request_outcome_notify(request: ServicingRequest) -> None:
    # Sent from tasks and admin actions too: write in the customer's language, not the caller's.
    language = language_of(request.customer.user_id)
    with translation.override(language):
        _notify(request, language)


def _notify(request: ServicingRequest, language: str) -> None:
    reasons = "；".join(reason_text(code) for code in request.reasons) or ""
    if request.status == RequestStatus.COMPLETED:
        title = _("%(type)s completed") % {"type": request.get_type_display()}
    else:
        title = _("%(type)s not completed") % {"type": request.get_type_display()}
    notification_create(
        user=request.customer.user,
        kind="SERVICING_RESULT",
        title=title,
        body=reasons or title,
        language=language,
        subject=request,
    )
