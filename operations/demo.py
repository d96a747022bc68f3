"""The pool's demo staff (DESIGN.md "Demo data"): their roles, skills and languages."""

from .defaults import defaults_install
from .services.staff import staff_profile_set

DEMO_POOL_STAFF = {
    "13700000001": {"roles": ["desk"], "languages": ["zh", "en"]},
    "13700000002": {"roles": ["reviewer", "callback"], "languages": ["zh", "yue"]},
    "13700000003": {"roles": ["underwriter"], "languages": ["zh"]},
    "13700000004": {"roles": ["supervisor", "qa"], "languages": ["zh", "en"]},
}


def seed_pool_staff(users) -> None:
    from django.apps import apps

    defaults_install(apps)
    for phone, profile in DEMO_POOL_STAFF.items():
        staff_profile_set(user=users[phone], roles=profile["roles"], languages=profile["languages"])
