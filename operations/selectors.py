"""Who may see and take which task, the pool's order, who is free, the board and settlement."""

import statistics
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import Role
from accounts.selectors import customers_in_hand, sees_every_customer
from elder_mode.models import Dialect
from elder_mode.selectors import accessibility_for, customer_is_elderly, elder_mode_suggested

from .models import (
    KIND_SKILL,
    OPEN_STATUSES,
    Availability,
    Language,
    Skill,
    StaffLanguage,
    StaffPresence,
    StaffSkill,
    Task,
    TaskStatus,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The group (role) that may take work of each skill; `supervisor` sees and moves everything.
SKILL_GROUP = {
    Skill.CHAT: "desk",
    Skill.REVIEW: "reviewer",
    Skill.CALLBACK: "callback",
    Skill.UNDERWRITING: "underwriter",
    Skill.QA: "qa",
}
ROLE_GROUPS = (*SKILL_GROUP.values(), "supervisor")
DIALECT_LANGUAGE = {
    Dialect.CANTONESE: Language.CANTONESE,
    Dialect.MINNAN: Language.MINNAN,
    Dialect.WU: Language.WU,
}


def staff_groups(viewer) -> frozenset[str]:
    """The viewer's role groups (remembered on the user object for the request)."""
    if viewer is None or viewer.role not in (Role.STAFF, Role.ADMIN):
        return frozenset()
    if not hasattr(viewer, "_nuanxin_groups"):
        viewer._nuanxin_groups = frozenset(viewer.groups.values_list("name", flat=True))
    return viewer._nuanxin_groups


def is_supervisor(viewer) -> bool:
    """Admins and the `supervisor` group see and act on all work."""
    return sees_every_customer(viewer)


def skills_allowed(viewer) -> list[str]:
    groups = staff_groups(viewer)
    return [skill for skill, group in SKILL_GROUP.items() if group in groups]


def task_scope(queryset: QuerySet[Task], *, viewer) -> QuerySet[Task]:
    """Tasks of the kinds the viewer's roles handle; supervisors all; nobody else any (a task of
    another role's kind looks missing)."""
    if viewer is None or viewer.role not in (Role.STAFF, Role.ADMIN):
        return queryset.none()
    if is_supervisor(viewer):
        return queryset
    return queryset.filter(skill__in=skills_allowed(viewer))


def my_tasks(*, viewer, status: str | None = None) -> QuerySet[Task]:
    """The viewer's own tasks (unfinished by default), the most urgent first."""
    tasks = task_scope(Task.objects.filter(assignee=viewer), viewer=viewer)
    tasks = tasks.filter(status=status) if status else tasks.filter(status__in=OPEN_STATUSES)
    return tasks.order_by("due_at", "pk")


def board_tasks(*, viewer, now: datetime, at_risk: bool = False, kind: str | None = None) -> QuerySet[Task]:
    """Supervisors: every unfinished task (those at risk or overdue only, if asked), the nearest
    deadline first. Anyone else: nothing."""
    if not is_supervisor(viewer):
        return Task.objects.none()
    tasks = Task.objects.filter(status__in=OPEN_STATUSES)
    if kind:
        tasks = tasks.filter(kind=kind)
    if at_risk:
        tasks = tasks.filter(at_risk_from__lte=now)
    return tasks.order_by("due_at", "pk")


def staff_self(*, viewer) -> dict:
    """The caller as the pool knows them: role groups, skills, languages, availability."""
    skills = list(StaffSkill.objects.filter(user=viewer).order_by("skill").values_list("skill", flat=True))
    languages = list(
        StaffLanguage.objects.filter(user=viewer).order_by("language").values_list("language", flat=True)
    )
    presence = StaffPresence.objects.filter(user=viewer).first()
    return {
        "roles": sorted(staff_groups(viewer) & set(ROLE_GROUPS)),
        "skills": skills,
        "languages": languages,
        "presence": presence,
        "supervisor": is_supervisor(viewer),
    }


def pool_order(queryset: QuerySet[Task], *, now: datetime) -> QuerySet[Task]:
    """Overdue first, then handed-back work and elderly customers, then the earliest deadline."""
    return queryset.annotate(
        overdue=Case(When(due_at__lte=now, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-overdue", "-priority", "due_at", "pk")


def task_queue(*, viewer, kind: str | None = None, now: datetime) -> QuerySet[Task]:
    """Open, unassigned tasks the viewer may take, in pool order."""
    tasks = task_scope(Task.objects.filter(status=TaskStatus.OPEN), viewer=viewer)
    if kind:
        tasks = tasks.filter(kind=kind)
    return pool_order(tasks, now=now)


def customer_language(customer) -> str:
    """The customer's dialect if they chose one in elder mode, else Mandarin."""
    return DIALECT_LANGUAGE.get(accessibility_for(customer.user).dialect, Language.MANDARIN)


def customer_profile_for_work(customer, now: datetime) -> tuple[str, bool]:
    """(language, elderly) with one read of the accessibility profile: what dispatch orders by."""
    profile = accessibility_for(customer.user)
    language = DIALECT_LANGUAGE.get(profile.dialect, Language.MANDARIN)
    elderly = profile.elder_mode or elder_mode_suggested(customer, now.astimezone(SHANGHAI).date())
    return language, elderly


def customer_elderly(customer, now: datetime) -> bool:
    return customer_is_elderly(customer, now.astimezone(SHANGHAI).date())


def skill_capacity(*, user, skill: str) -> int | None:
    return StaffSkill.objects.filter(user=user, skill=skill).values_list("capacity", flat=True).first()


def active_task_count(*, user, skill: str) -> int:
    return Task.objects.filter(assignee=user, status=TaskStatus.ASSIGNED, skill=skill).count()


def staff_with_skill(skill: str) -> QuerySet[StaffPresence]:
    """People who may be given work of `skill`: the skill and the role both, an active account."""
    return StaffPresence.objects.filter(
        user__is_active=True, user__skills__skill=skill, user__groups__name=SKILL_GROUP[skill]
    )


def speakers_first(queryset: QuerySet[StaffPresence], language: str) -> QuerySet[StaffPresence]:
    """Speakers of `language` first, then the one idle longest."""
    return queryset.annotate(
        speaks=Exists(StaffLanguage.objects.filter(user=OuterRef("user_id"), language=language))
    ).order_by(F("speaks").desc(), F("last_assigned_at").asc(nulls_first=True), "pk")


def free_staff_for(
    *, task: Task, now: datetime, exclude_user_id: int | None = None, ignore_handler: bool = False
) -> QuerySet[StaffPresence]:
    """Online people with the task's skill and room for one more, in the order they get it."""
    active = (
        Task.objects.filter(assignee=OuterRef("user_id"), status=TaskStatus.ASSIGNED, skill=task.skill)
        .order_by()
        .values("assignee")
        .annotate(n=Count("pk"))
        .values("n")
    )
    staff = (
        staff_with_skill(task.skill)
        .filter(status=Availability.ONLINE)
        # The capacity from the skill row staff_with_skill joined already (no query per person).
        .annotate(active=Coalesce(Subquery(active), 0), room=F("user__skills__capacity"))
        .filter(active__lt=F("room"))
    )
    if exclude_user_id:
        staff = staff.exclude(user_id=exclude_user_id)
    if task.subject_handler_id and not ignore_handler:
        staff = staff.exclude(user_id=task.subject_handler_id)
    return speakers_first(staff, task.language)


def staff_can_take(*, user, task: Task) -> bool:
    return staff_with_skill(task.skill).filter(user=user).exists() and task.subject_handler_id != user.pk


def customer_in_hand(*, viewer, customer_id: int) -> bool:
    """Whether the viewer holds a task or an active chat about this customer right now."""
    if viewer is None or viewer.role not in (Role.STAFF, Role.ADMIN):
        return False
    return customers_in_hand(viewer).filter(pk=customer_id).exists()


def board(*, now: datetime) -> dict:
    """Unfinished work by kind (open, at risk, overdue) and who is online on what."""
    unfinished = Task.objects.filter(status__in=OPEN_STATUSES)
    kinds = {
        row["kind"]: row
        for row in unfinished.values("kind").annotate(
            open=Count("pk"),
            at_risk=Count("pk", filter=Q(at_risk_from__lte=now, due_at__gt=now)),
            overdue=Count("pk", filter=Q(due_at__lte=now)),
        )
    }
    working = Task.objects.filter(assignee=OuterRef("user_id"), status=TaskStatus.ASSIGNED)
    staff = (
        StaffPresence.objects.filter(Q(status__in=[Availability.ONLINE, Availability.AWAY]) | Exists(working))
        .select_related("user__staff")
        .annotate(
            active_tasks=Coalesce(
                Subquery(working.order_by().values("assignee").annotate(n=Count("pk")).values("n")), 0
            ),
            active_chats=Count("user__assigned_chats", filter=Q(user__assigned_chats__status="ACTIVE")),
        )
        .order_by("status", "user__staff__name", "pk")
    )
    return {"kinds": kinds, "staff": list(staff)}


def settlement(*, day: date) -> list[dict]:
    """Per person for one business day: tasks done, within SLA, median handling minutes, QA score."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    done = Task.objects.filter(
        status=TaskStatus.DONE, completed_by__isnull=False, completed_at__gte=start,
        completed_at__lt=start + timedelta(days=1),
    ).values_list("completed_by_id", "completed_by__staff__name", "completed_at", "due_at", "assigned_at",
                  "created_at", "qa_score")  # fmt: skip
    people: dict[int, dict] = {}
    for user_id, name, completed_at, due_at, assigned_at, created_at, qa_score in done:
        row = people.setdefault(
            user_id,
            {"user_id": user_id, "name": name or "", "done": 0, "within_sla": 0, "minutes": [], "qa": []},
        )
        row["done"] += 1
        row["within_sla"] += completed_at <= due_at
        row["minutes"].append((completed_at - (assigned_at or created_at)).total_seconds() / 60)
        if qa_score is not None:
            row["qa"].append(qa_score)
    return [
        {
            **{key: value for key, value in row.items() if key not in ("minutes", "qa")},
            "median_minutes": round(statistics.median(row["minutes"]), 1),
            "qa_score": round(statistics.mean(row["qa"]), 1) if row["qa"] else None,
        }
        for row in sorted(people.values(), key=lambda r: r["name"])
    ]


def kinds_of(skills) -> list[str]:
    return [kind for kind, skill in KIND_SKILL.items() if skill in skills]


def colleague(*, pk: int, viewer):
    """A staff member the viewer may hand work to (staff see staff; nobody else does)."""
    from accounts.models import User

    if viewer is None or viewer.role not in (Role.STAFF, Role.ADMIN):
        return None
    return User.objects.filter(pk=pk, role__in=(Role.STAFF, Role.ADMIN), is_active=True).first()


def follow_up_figures(*, start: datetime, end: datetime, now: datetime) -> dict:
    """Follow-ups of unhappy customers raised in [start, end): the share a person acted on within the
    SLA, among those acted on or already past their deadline (one still inside its SLA and untouched
    is not judged yet)."""
    raised = Task.objects.filter(kind="FEEDBACK_FOLLOW_UP", created_at__gte=start, created_at__lt=end)
    judged = raised.filter(Q(first_action_at__isnull=False) | Q(due_at__lte=now))
    counts = judged.aggregate(
        total=Count("pk"),
        within=Count("pk", filter=Q(first_action_at__isnull=False, first_action_at__lte=F("due_at"))),
    )
    from core.db import median_seconds

    return {
        "follow_up_within_sla_rate": counts["within"] / counts["total"] if counts["total"] else None,
        # Raised with the answer, so this is the time from a negative answer to a person acting on it.
        "median_follow_up_first_action_seconds": median_seconds(
            raised, start="created_at", end="first_action_at"
        ),
        "follow_ups": raised.count(),
    }
