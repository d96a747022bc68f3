"""An application's progress: each step a line kept with its time, rendered for people in the
reader's language, sent live to subscribers and, at each decision, pushed to the agent's phone."""

from datetime import datetime

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from core.masking import mask_name
from reminders.selectors import language_of
from reminders.services.outbox import push_enqueue

from .. import events
from ..models import Application, ApplicationStatus, ApplicationStep

# What each step says, with its values (%(name)s) from the step's params.
STEP_TEXT = {
    "SUBMITTED": _("Application submitted"),
    "AUTO_APPROVED": _("Approved by automatic underwriting"),
    "TO_UNDERWRITER": _("Sent to an underwriter: %(reasons)s"),
    "REVIEWING": _("An underwriter at %(team)s is reviewing the application"),
    "REVIEWING_POOL": _("An underwriter is reviewing the application"),
    "APPROVED": _("Approved by the underwriter"),
    "DECLINED": _("Declined by the underwriter: %(note)s"),
    "POSTPONED": _("Postponed by the underwriter: %(note)s"),
    "AWAITING_PAYMENT": _(
        "Waiting for the customer to confirm and pay the first premium of %(premium)s yuan"
    ),
    "PAYING": _("Confirmed by the customer; collecting the first premium"),
    "PAYMENT_FAILED": _(
        "The bank could not take the first premium; please confirm again with another account"
    ),
    "ISSUED": _("Policy %(policy)s issued and in force"),
    "WITHDRAWN": _("Application withdrawn"),
}

REASON_TEXT = {
    "HEALTH_DISCLOSURE": _("a health question was answered yes"),
    "SUM_ABOVE_AUTO_LIMIT": _("the total sum assured is above the automatic limit"),
    "AGE_NOT_AUTOMATIC": _("automatic underwriting does not cover this age"),
}

# Steps that are a decision or an outcome: the agent's phone is told at once.
PUSHED = {"AUTO_APPROVED", "TO_UNDERWRITER", "APPROVED", "DECLINED", "POSTPONED", "ISSUED", "PAYMENT_FAILED"}


def reasons_text(codes) -> str:
    separator = "; " if (translation.get_language() or "").startswith("en") else "；"
    return separator.join(str(REASON_TEXT.get(code, code)) for code in codes)


def step_text(code: str, params: dict) -> str:
    """The step's sentence in the active language."""
    values = dict(params or {})
    if code == "REVIEWING" and not values.get("team"):
        code = "REVIEWING_POOL"
    if "reasons" in values:
        values["reasons"] = reasons_text(values["reasons"])
    template = STEP_TEXT.get(code)
    if template is None:
        return code
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return str(template)


def step_add(
    application: Application, *, code: str, params: dict | None = None, now: datetime | None = None
) -> ApplicationStep:
    """Append a line (the caller holds the application's row lock, so seqs never collide or skip)."""
    last = application.steps.order_by("-seq").values_list("seq", flat=True).first() or 0
    step = ApplicationStep.objects.create(
        application=application,
        seq=last + 1,
        status=application.status,
        code=code,
        params=params or {},
        at=now or timezone.now(),
    )
    events.step_send_on_commit(step)
    if code in PUSHED:
        _push_agent(application, step)
    return step


def _push_agent(application: Application, step: ApplicationStep) -> None:
    user_id = application.agent.user_id
    with translation.override(language_of(user_id)):
        title = str(_("Application %(number)s") % {"number": application.number})
        body = f"{mask_name(application.customer.name)}: {step_text(step.code, step.params)}"
    push_enqueue(
        user_id=user_id,
        app="AGENT_APP",
        kind="APPLICATION_PROGRESS",
        title=title,
        body=body,
        data={"applicationId": application.pk, "status": application.status, "seq": step.seq},
    )


def status_set(application: Application, status: str, **changes) -> None:
    application.status = status
    for name, value in changes.items():
        setattr(application, name, value)
    application.save(update_fields=["status", *changes])


__all__ = ["ApplicationStatus", "reasons_text", "status_set", "step_add", "step_text"]
