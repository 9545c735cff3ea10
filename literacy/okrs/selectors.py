"""Reads for OKRs: who may see and change which objectives, and the progress views pages show.

Who may do what (the README documents this):
- A team lead of a department is anyone who manages (is the `manager` of) an active member of it.
- Seeing: HR and platform admins (`literacy.view_all_okrs`) see every objective. Everyone else with
  a role (`literacy.view_okrs`) sees company-level objectives, the objectives of their own
  department and of the departments above it (what their team aligns to), of the departments they
  lead, and the objectives they own. Without a role: nothing.
- Changing (edit an objective, add and edit key results, check in): the objective's owner, the
  leads of its department and platform admins. Company-level objectives: their owner and admins.
- Creating: leads for the departments they lead; admins for any department and company-level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from literacy.models import CheckIn, KeyResult, KeyResultCategory, MetricStatus, Objective
from literacy.okrs import periods
from literacy.okrs.scoring import Light, Weighted, kr_progress, light_for, objective_progress
from workbench.accounts.models import Department, User
from workbench.accounts.roles import Role
from workbench.core.metrics import UnknownMetric, metric_get

VIEW_OKRS = "literacy.view_okrs"
VIEW_ALL_OKRS = "literacy.view_all_okrs"
DATA_AI_CATEGORIES = (KeyResultCategory.DATA, KeyResultCategory.AI)


# --- access -----------------------------------------------------------------------------------


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def okr_is_platform_admin(user: User) -> bool:
    if not _active(user):
        return False
    cached = getattr(user, "_okr_is_admin", None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name=Role.PLATFORM_ADMIN.value).exists()
        user._okr_is_admin = cached  # type: ignore[attr-defined]
    return bool(cached)


def okr_sees_all(user: User) -> bool:
    return _active(user) and user.has_perm(VIEW_ALL_OKRS)


def okr_may_open(user: User) -> bool:
    return _active(user) and user.has_perm(VIEW_OKRS)


def led_department_ids(user: User) -> set[int]:
    """The departments in which the user manages at least one active member."""
    if not _active(user):
        return set()
    cached = getattr(user, "_okr_led", None)
    if cached is None:
        cached = set(
            User.objects.filter(manager=user, is_active=True, department__isnull=False)
            .values_list("department_id", flat=True)
            .distinct()
        )
        user._okr_led = cached  # type: ignore[attr-defined]
    return set(cached)


def _with_ancestors(department_ids: Iterable[int]) -> set[int]:
    parents = dict(Department.objects.values_list("pk", "parent_id"))
    found: set[int] = set()
    for start in department_ids:
        current: int | None = start
        while current is not None and current not in found:
            found.add(current)
            current = parents.get(current)
    return found


def visible_department_ids(user: User) -> set[int]:
    """Departments whose objectives the user sees (not meaningful for those who see all)."""
    own = {user.department_id} if user.department_id else set()
    return _with_ancestors(own | led_department_ids(user))


def objective_list_visible(user: User) -> QuerySet[Objective]:
    """Objectives the user may see, filtered in SQL (deny by default)."""
    objectives = Objective.objects.select_related("department", "owner", "parent")
    if not okr_may_open(user):
        return objectives.none()
    if okr_sees_all(user):
        return objectives
    return objectives.filter(
        Q(department__isnull=True)
        | Q(owner=user)
        | Q(department_id__in=visible_department_ids(user))
    )


def access_objective(user: User, objective_id: int) -> Objective:
    """The objective if the user may see it; Objective.DoesNotExist otherwise (no hint)."""
    return objective_list_visible(user).get(pk=objective_id)


def access_key_result(user: User, key_result_id: int) -> KeyResult:
    visible = objective_list_visible(user).values("pk")
    return KeyResult.objects.select_related(
        "objective__department", "objective__owner", "metric_department"
    ).get(pk=key_result_id, objective__in=visible)


def objective_may_edit(user: User, objective: Objective) -> bool:
    if not okr_may_open(user):
        return False
    if okr_is_platform_admin(user) or objective.owner_id == user.pk:
        return True
    return objective.department_id is not None and (
        objective.department_id in led_department_ids(user)
    )


def objective_may_create(user: User, department: Department | None) -> bool:
    if not okr_may_open(user):
        return False
    if okr_is_platform_admin(user):
        return True
    return department is not None and department.pk in led_department_ids(user)


def departments_may_create(user: User) -> QuerySet[Department]:
    """The departments the user may create objectives for."""
    if okr_is_platform_admin(user):
        return Department.objects.all()
    if not okr_may_open(user):
        return Department.objects.none()
    return Department.objects.filter(pk__in=led_department_ids(user))


# --- progress views ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyResultView:
    key_result: KeyResult
    progress: Decimal
    raw_ratio: Decimal
    light: Light
    is_stale: bool
    stale_reason: str

    @property
    def percent(self) -> int:
        return int((self.progress * 100).to_integral_value())

    @property
    def raw_percent(self) -> int:
        return int((self.raw_ratio * 100).to_integral_value())


@dataclass(frozen=True)
class ObjectiveView:
    objective: Objective
    progress: Decimal | None
    light: Light
    key_results: list[KeyResultView]

    @property
    def percent(self) -> int | None:
        if self.progress is None:
            return None
        return int((self.progress * 100).to_integral_value())

    @property
    def stale_count(self) -> int:
        return sum(1 for kr in self.key_results if kr.is_stale)


def key_result_stale_reason(key_result: KeyResult, now: datetime | None = None) -> str:
    """Why an automatic key result's value cannot be trusted now; "" when it is fresh, and for
    periods that are over (their key results keep their final value and are no longer refreshed)."""
    if not key_result.metric_key or key_result.objective.period not in periods.current_periods():
        return ""
    now = now or timezone.now()
    if key_result.metric_status == MetricStatus.NO_VALUE:
        return "The metric had no value at its last refresh (nothing to measure yet)."
    if key_result.metric_status == MetricStatus.FAILED:
        return "The metric could not be computed at its last refresh."
    if key_result.metric_status == MetricStatus.NEVER or key_result.metric_refreshed_at is None:
        return "The metric has not refreshed this key result yet."
    window = timedelta(hours=key_result.stale_after_hours)
    if now - key_result.metric_refreshed_at > window:
        return f"The metric has not refreshed in the last {key_result.stale_after_hours} hours."
    return ""


def key_result_view(key_result: KeyResult, now: datetime | None = None) -> KeyResultView:
    from literacy.okrs.scoring import raw_ratio

    values = {
        "start": key_result.start_value,
        "target": key_result.target_value,
        "current": key_result.current_value,
    }
    progress = kr_progress(**values)
    reason = key_result_stale_reason(key_result, now)
    return KeyResultView(
        key_result=key_result,
        progress=progress,
        raw_ratio=raw_ratio(**values),
        light=light_for(progress),
        is_stale=bool(reason),
        stale_reason=reason,
    )


def objective_view(objective: Objective, now: datetime | None = None) -> ObjectiveView:
    """Progress of an objective (uses prefetched key_results when present)."""
    results = [key_result_view(kr, now) for kr in objective.key_results.all()]
    progress = objective_progress(
        Weighted(progress=kr.progress, weight=kr.key_result.weight) for kr in results
    )
    return ObjectiveView(objective, progress, light_for(progress), results)


def objective_views(objectives: QuerySet[Objective]) -> list[ObjectiveView]:
    now = timezone.now()
    with_results = objectives.prefetch_related(
        Prefetch("key_results", queryset=KeyResult.objects.select_related("metric_department"))
    )
    return [objective_view(objective, now) for objective in with_results]


def check_in_history(key_result: KeyResult) -> QuerySet[CheckIn]:
    return key_result.check_ins.select_related("author").order_by("created_at", "pk")


def objective_get_for_page(user: User, objective_id: int) -> Objective:
    return (
        objective_list_visible(user)
        .prefetch_related(
            Prefetch(
                "key_results",
                queryset=KeyResult.objects.select_related("metric_department").prefetch_related(
                    Prefetch("check_ins", queryset=CheckIn.objects.select_related("author"))
                ),
            ),
            "children",
        )
        .get(pk=objective_id)
    )


# --- teams ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamOkrs:
    department: Department | None  # None: the company-level objectives
    objectives: list[ObjectiveView]
    may_create: bool

    @property
    def progress(self) -> Decimal | None:
        values = [view.progress for view in self.objectives if view.progress is not None]
        return sum(values, Decimal(0)) / len(values) if values else None

    @property
    def light(self) -> Light:
        return light_for(self.progress)


def team_okrs_list(user: User, *, period: str) -> list[TeamOkrs]:
    """Company-level objectives first, then each team the user sees with its objectives for the
    period (and those of its year); teams the user belongs to or leads show even when empty."""
    objectives = objective_list_visible(user).filter(period__in=periods.enclosing_periods(period))
    views = objective_views(objectives.order_by("department__name", "period", "title", "pk"))
    by_department: dict[int | None, list[ObjectiveView]] = {}
    for view in views:
        by_department.setdefault(view.objective.department_id, []).append(view)
    teams = [TeamOkrs(None, by_department.pop(None, []), objective_may_create(user, None))]
    with_objectives = {pk for pk in by_department if pk is not None}
    departments = {d.pk: d for d in _team_departments(user, with_objectives)}
    led = led_department_ids(user)
    for department in sorted(departments.values(), key=lambda d: d.name):
        may_create = okr_is_platform_admin(user) or department.pk in led
        teams.append(TeamOkrs(department, by_department.get(department.pk, []), may_create))
    return teams


def _team_departments(user: User, with_objectives: set[int]) -> QuerySet[Department]:
    if not okr_may_open(user):
        return Department.objects.none()
    if okr_sees_all(user):
        return Department.objects.filter(
            Q(pk__in=with_objectives) | Q(members__is_active=True)
        ).distinct()
    mine = led_department_ids(user) | ({user.department_id} if user.department_id else set())
    return Department.objects.filter(pk__in=with_objectives | mine)


# --- the data/AI check ------------------------------------------------------------------------


@dataclass(frozen=True)
class DataAiFlag:
    """A team whose OKRs for the period carry no data or AI key result."""

    department: Department
    objective_count: int
    key_result_count: int

    @property
    def reason(self) -> str:
        if not self.objective_count:
            return "No objectives for this period."
        return (
            f"{self.objective_count} objective(s) with {self.key_result_count} key result(s), "
            "none of them about data or AI."
        )


def okr_check_may_view(user: User) -> bool:
    return okr_sees_all(user) or bool(okr_may_open(user) and led_department_ids(user))


def key_result_is_data_or_ai(key_result: KeyResult) -> bool:
    if key_result.category in DATA_AI_CATEGORIES:
        return True
    if not key_result.metric_key:
        return False
    try:
        return metric_get(key_result.metric_key).is_data_or_ai
    except UnknownMetric:
        return False


def data_ai_check(user: User, *, period: str) -> list[DataAiFlag]:
    """Every team (with active members or objectives) the user may check that lacks a data or AI
    key result among its objectives for the period and its year. HR and admins check every team,
    leads the teams they lead."""
    if not okr_check_may_view(user):
        return []
    departments = Department.objects.filter(
        Q(members__is_active=True) | Q(objectives__period__in=periods.enclosing_periods(period))
    ).distinct()
    if not okr_sees_all(user):
        departments = departments.filter(pk__in=led_department_ids(user))
    objectives = Objective.objects.filter(
        department__in=departments, period__in=periods.enclosing_periods(period)
    ).prefetch_related("key_results")
    found: dict[int, list[Objective]] = {}
    for objective in objectives:
        found.setdefault(objective.department_id, []).append(objective)  # type: ignore[arg-type]
    flags: list[DataAiFlag] = []
    for department in departments.order_by("name"):
        results = [kr for o in found.get(department.pk, []) for kr in o.key_results.all()]
        if not any(key_result_is_data_or_ai(kr) for kr in results):
            flags.append(DataAiFlag(department, len(found.get(department.pk, [])), len(results)))
    return flags
