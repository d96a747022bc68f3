"""Who counts as elderly, and their accessibility profile."""

from datetime import date

from django.conf import settings

from accounts.models import CustomerProfile, User
from core.money import business_today

from .models import AccessibilityProfile


def accessibility_for(user: User) -> AccessibilityProfile:
    """The stored profile, or the defaults (unsaved) for a user who never changed anything."""
    try:
        return user.accessibility
    except AccessibilityProfile.DoesNotExist:
        return AccessibilityProfile(user=user)


def elder_mode_suggested(customer: CustomerProfile | None, on: date | None = None) -> bool:
    """From the 60th birthday on (a 29 February birthday counts on 1 March in common years)."""
    if customer is None:
        return False
    return customer.age_on(on or business_today()) >= settings.ELDER_AGE


def customer_is_elderly(customer: CustomerProfile, on: date | None = None) -> bool:
    """Aged 60 or more, or elder mode switched on: anti-fraud notices and callbacks apply."""
    return elder_mode_suggested(customer, on) or accessibility_for(customer.user).elder_mode


def risk_notice_scope(queryset, *, viewer):
    """Anti-fraud notices are the same for everyone signed in."""
    return queryset.filter(active=True) if viewer is not None else queryset.none()
