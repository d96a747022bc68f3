"""Setting a person up for the pool: their roles (groups), the skills those roles are dispatched
for with a capacity each, and the languages they speak."""

from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import transaction

from ..defaults import defaults_install
from ..models import StaffLanguage, StaffPresence, StaffSkill
from ..selectors import ROLE_GROUPS, SKILL_GROUP

DEFAULT_CAPACITY = {"CHAT": 3, "REVIEW": 5, "CALLBACK": 3, "UNDERWRITING": 5, "QA": 5}


def staff_profile_set(
    *, user, roles, languages=("zh",), capacity: dict[str, int] | None = None
) -> StaffPresence:
    """Give `user` exactly these roles, the skills they carry and these languages."""
    unknown = set(roles) - set(ROLE_GROUPS)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    capacity = {**DEFAULT_CAPACITY, **(capacity or {})}
    if Group.objects.filter(name__in=ROLE_GROUPS).count() < len(ROLE_GROUPS):
        # A database whose migration data was flushed (transactional tests): put the roles back.
        defaults_install(django_apps)
    with transaction.atomic():
        user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS).exclude(name__in=roles))
        user.groups.add(*Group.objects.filter(name__in=roles))
        skills = [skill for skill, group in SKILL_GROUP.items() if group in roles]
        StaffSkill.objects.filter(user=user).exclude(skill__in=skills).delete()
        for skill in skills:
            StaffSkill.objects.update_or_create(
                user=user, skill=skill, defaults={"capacity": capacity[skill]}
            )
        StaffLanguage.objects.filter(user=user).exclude(language__in=languages).delete()
        for language in languages:
            StaffLanguage.objects.get_or_create(user=user, language=language)
        presence, _ = StaffPresence.objects.get_or_create(user=user)
    if hasattr(user, "_nuanxin_groups"):
        del user._nuanxin_groups
    return presence
