"""Telling the customer how a request ended, in their inbox."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from reminders.services import notification_create

from ..models import RequestStatus, ServicingRequest
from .common import reason_text


def request_outcome_notify(request: ServicingRequest) -> None:
    # Sent from tasks and admin actions too: write in the app's default language, not the caller's.
    with translation.override(settings.LANGUAGE_CODE):
        _notify(request)


def _notify(request: ServicingRequest) -> None:
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
        subject=request,
    )
