"""The customer's own figures the bot adds to an answer ("your loan rate is 5.00%"): read from the
policies the customer holds, through the policies app's selectors and quotes."""

from django.utils import translation
from django.utils.translation import gettext as _

from policies.models import PolicyStatus
from policies.selectors import policy_list_for_viewer
from policies.services.loans import policy_loan_quote

from .models import PersonalFigures

LIVE = (PolicyStatus.IN_FORCE, PolicyStatus.GRACE)
MAX_POLICIES = 5  # a chat line, not a statement


def _policies(customer):
    return list(
        policy_list_for_viewer(viewer=customer.user)
        .filter(holder=customer, status__in=LIVE)
        .select_related("product")
        .order_by("number")[:MAX_POLICIES]
    )


def _name(policy, language: str) -> str:
    return policy.product.name_en if language.startswith("en") else policy.product.name_zh


def personal_figures(kind: str, customer, language: str) -> str:
    """One line per policy with the figure the question asked for; empty when there is none."""
    if not kind or customer is None:
        return ""
    lines = []
    with translation.override(language):
        for policy in _policies(customer):
            if (
                kind in (PersonalFigures.LOAN_RATE, PersonalFigures.LOAN_QUOTA)
                and not policy.product.loanable
            ):
                continue
            quote = policy_loan_quote(policy=policy, customer_id=customer.pk)
            values = {
                "number": policy.number,
                "product": _name(policy, language),
                "rate": f"{quote.annual_rate * 100:.2f}%",
                "amount": f"{quote.max_amount:,.2f}",
                "cash_value": f"{quote.cash_value:,.2f}",
            }
            if kind == PersonalFigures.LOAN_RATE:
                lines.append(_("Policy %(number)s (%(product)s): %(rate)s a year.") % values)
            elif kind == PersonalFigures.LOAN_QUOTA:
                if quote.eligible:
                    lines.append(_("Policy %(number)s (%(product)s): up to %(amount)s yuan today.") % values)
                else:
                    lines.append(_("Policy %(number)s (%(product)s): no loan today.") % values)
            elif kind == PersonalFigures.CASH_VALUE:
                lines.append(_("Policy %(number)s (%(product)s): cash value %(cash_value)s yuan.") % values)
        if not lines:
            return ""
        return "\n".join([_("Your policies:"), *lines])
