"""OKRs in the REST API: objectives, key results, check-ins, teams, the data/AI check and the
metrics key results can bind to. The same rules as the pages (see `selectors`).

Status codes beyond the usual: a referenced department, parent, owner or objective that does not
exist or is not visible to the caller is a 404; input that is well-formed but clashes with the
state of what it references (a parent in another period, an alignment cycle, an owner without a
role, a manual check-in on a key result that updates itself) is a 409 whose message names the field.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, mixins, serializers, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from literacy.models import CheckIn, KeyResult, KeyResultCategory, Objective
from literacy.okrs import periods, selectors, services
from literacy.okrs.scoring import Light
from literacy.okrs.services import KeyResultData, ObjectiveData, OkrDenied, OkrError
from workbench.accounts.models import Department, User
from workbench.core.api.errors import Conflict
from workbench.core.api.permissions import has_django_permission
from workbench.core.metrics import Direction, MetricCategory, metric_list

CanOpenOkrs = has_django_permission(selectors.VIEW_OKRS)

# Years 2000–2100, optionally a quarter: what the services accept.
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)(-Q[1-4])?$"
VALUE_LIMIT = 1e13
PERIOD_PARAMETER = OpenApiParameter(
    "period",
    OpenApiTypes.STR,
    pattern=PERIOD_PATTERN,
    description='A quarter such as "2026-Q4" or a year; the current quarter by default.',
)


def _user(request: Request) -> User:
    return request.user  # type: ignore[return-value]


def _period(request: Request) -> str:
    period = request.query_params.get("period") or ""
    if not period:
        return periods.current_quarter()
    if not periods.is_valid_period(period):
        raise ValidationError({"period": ['Give a quarter such as "2026-Q4" or a year.']})
    return period


def _raise_for(error: OkrError) -> None:
    if isinstance(error, OkrDenied):
        raise PermissionDenied(error.message)
    fields = "; ".join(f"{name}: {message}" for name, message in error.fields.items())
    raise Conflict(fields or error.message)


def _decimal(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 4)))


class FiniteFloatField(serializers.FloatField):
    def to_internal_value(self, data: Any) -> float:
        value = super().to_internal_value(data)
        if not math.isfinite(value):
            self.fail("invalid")
        return value


def _value_field(**kwargs: Any) -> FiniteFloatField:
    return FiniteFloatField(min_value=-VALUE_LIMIT, max_value=VALUE_LIMIT, **kwargs)


def _confidence_field(**kwargs: Any) -> FiniteFloatField:
    return FiniteFloatField(
        min_value=0.0,
        max_value=1.0,
        allow_null=True,
        help_text="How likely the target is reached, 0.0 to 1.0.",
        **kwargs,
    )


# --- serializers ------------------------------------------------------------------------------


class DepartmentRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class KeyResultSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="key_result.pk")
    objective = serializers.IntegerField(source="key_result.objective_id")
    title = serializers.CharField(source="key_result.title")
    category = serializers.ChoiceField(
        source="key_result.category", choices=KeyResultCategory.choices
    )
    unit = serializers.CharField(source="key_result.unit")
    start_value = serializers.FloatField(source="key_result.start_value")
    target_value = serializers.FloatField(source="key_result.target_value")
    current_value = serializers.FloatField(source="key_result.current_value")
    weight = serializers.FloatField(source="key_result.weight")
    confidence = serializers.FloatField(source="key_result.confidence", allow_null=True)
    progress = serializers.FloatField(help_text="0.0–1.0, clamped.")
    raw_progress = serializers.FloatField(
        source="raw_ratio", help_text="Unclamped: above 1.0 when the target is beaten."
    )
    light = serializers.ChoiceField(choices=[light.value for light in Light])
    metric_key = serializers.CharField(source="key_result.metric_key")
    metric_department = serializers.IntegerField(
        source="key_result.metric_department_id", allow_null=True
    )
    metric_status = serializers.CharField(source="key_result.metric_status")
    metric_refreshed_at = serializers.DateTimeField(
        source="key_result.metric_refreshed_at", allow_null=True
    )
    stale_after_hours = serializers.IntegerField(source="key_result.stale_after_hours")
    is_stale = serializers.BooleanField()
    stale_reason = serializers.CharField()
    updated_at = serializers.DateTimeField(source="key_result.updated_at")


class ObjectiveSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="objective.pk")
    title = serializers.CharField(source="objective.title")
    description = serializers.CharField(source="objective.description")
    period = serializers.CharField(source="objective.period")
    department = DepartmentRefSerializer(source="objective.department", allow_null=True)
    owner = serializers.CharField(source="objective.owner.username")
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="objective.parent_id", allow_null=True
    )
    progress = serializers.FloatField(allow_null=True, help_text="Weighted; null without KRs.")
    light = serializers.ChoiceField(choices=[light.value for light in Light])
    key_results = KeyResultSerializer(many=True)
    created_at = serializers.DateTimeField(source="objective.created_at")
    updated_at = serializers.DateTimeField(source="objective.updated_at")


class ObjectiveWriteSerializer(serializers.Serializer[Any]):
    title = serializers.RegexField(r"\S", max_length=200)
    description = serializers.CharField(max_length=10_000, allow_blank=True, required=False)
    period = serializers.RegexField(PERIOD_PATTERN)
    department = serializers.IntegerField(
        min_value=1, allow_null=True, help_text="The team's id; null for company-level."
    )
    owner = serializers.CharField(
        max_length=150, required=False, help_text="Username; the caller by default."
    )
    parent = serializers.IntegerField(  # type: ignore[assignment]
        min_value=1, allow_null=True, required=False
    )


class KeyResultWriteSerializer(serializers.Serializer[Any]):
    title = serializers.RegexField(r"\S", max_length=200)
    category = serializers.ChoiceField(
        choices=KeyResultCategory.choices, default=KeyResultCategory.OTHER
    )
    unit = serializers.CharField(max_length=24, allow_blank=True, required=False)
    start_value = _value_field(default=0.0)
    target_value = _value_field()
    weight = FiniteFloatField(min_value=0.0, max_value=1000.0, default=1.0)
    confidence = _confidence_field(required=False)
    metric_key = serializers.ChoiceField(
        choices=[""] + [metric.key for metric in metric_list()],
        allow_blank=True,
        required=False,
        help_text="Bind to a registry metric (see /metrics/); empty for check-ins by hand.",
    )
    metric_department = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    stale_after_hours = serializers.IntegerField(min_value=1, max_value=24 * 90, default=48)


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    value = serializers.FloatField(read_only=True)
    confidence = serializers.FloatField(read_only=True, allow_null=True)
    author = serializers.SlugRelatedField(  # type: ignore[var-annotated]
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = CheckIn
        fields = ["id", "key_result", "value", "confidence", "comment", "author", "source"]
        fields += ["created_at"]
        read_only_fields = fields


class CheckInWriteSerializer(serializers.Serializer[Any]):
    value = _value_field()
    confidence = _confidence_field(required=False)
    comment = serializers.CharField(max_length=2000, allow_blank=True, required=False)


# --- reference lookups (404 for what does not exist or is not visible) ------------------------


def _department(pk: int | None) -> Department | None:
    if pk is None:
        return None
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise NotFound(f"There is no department {pk}.")
    return department


def _owner(username: str | None, default: User) -> User:
    if not username:
        return default
    owner = User.objects.filter(username=username, is_active=True).first()
    if owner is None:
        raise NotFound(f"There is no active user “{username}”.")
    return owner


def _parent(user: User, pk: int | None) -> Objective | None:
    if pk is None:
        return None
    try:
        return selectors.access_objective(user, pk)
    except Objective.DoesNotExist:
        raise NotFound(f"There is no objective {pk} you can see.") from None


# --- views ------------------------------------------------------------------------------------


def _objectives_with_results(queryset: QuerySet[Objective]) -> QuerySet[Objective]:
    return queryset.prefetch_related(
        Prefetch("key_results", queryset=KeyResult.objects.select_related("metric_department"))
    )


@extend_schema(tags=["okrs"])
class ObjectiveViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet[Objective],
):
    """Objectives the caller may see, with their key results and progress."""

    permission_classes = [CanOpenOkrs]
    serializer_class = ObjectiveSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Objective]:
        objectives = selectors.objective_list_visible(_user(self.request))
        if self.action == "list":
            if self.request.query_params.get("period"):
                objectives = objectives.filter(period=_period(self.request))
            department = self.request.query_params.get("department") or ""
            if department:
                if not department.isdigit():
                    raise ValidationError({"department": ["A department id (a number)."]})
                objectives = objectives.filter(department_id=int(department))
        return _objectives_with_results(objectives.order_by("-period", "title", "pk"))

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action in {"create", "update", "partial_update"}:
            return ObjectiveWriteSerializer
        return ObjectiveSerializer

    def _view(self, objective: Objective) -> dict[str, Any]:
        return ObjectiveSerializer(selectors.objective_view(objective)).data

    @extend_schema(
        parameters=[
            PERIOD_PARAMETER,
            OpenApiParameter("department", OpenApiTypes.INT, description="Team id."),
        ],
        responses=ObjectiveSerializer(many=True),
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        views = [selectors.objective_view(objective) for objective in page or []]
        return self.get_paginated_response(ObjectiveSerializer(views, many=True).data)

    @extend_schema(responses=ObjectiveSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._view(self.get_object()))

    @extend_schema(request=ObjectiveWriteSerializer, responses={201: ObjectiveSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        user = _user(request)
        serializer = ObjectiveWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            objective = services.objective_create(actor=user, data=self._data(serializer, None))
        except OkrError as error:
            _raise_for(error)
        fresh = _objectives_with_results(Objective.objects.filter(pk=objective.pk)).get()
        return Response(self._view(fresh), status=201)

    @extend_schema(request=ObjectiveWriteSerializer, responses=ObjectiveSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        objective = self.get_object()
        serializer = ObjectiveWriteSerializer(
            data=request.data, partial=bool(kwargs.get("partial"))
        )
        serializer.is_valid(raise_exception=True)
        try:
            services.objective_update(
                objective=objective, actor=_user(request), data=self._data(serializer, objective)
            )
        except OkrError as error:
            _raise_for(error)
        return Response(self._view(self.get_object()))

    def _data(
        self, serializer: serializers.BaseSerializer[Any], objective: Objective | None
    ) -> ObjectiveData:
        data, user = serializer.validated_data, _user(self.request)

        def pick(key: str, current: Any) -> Any:
            return data[key] if key in data else current

        department_id = pick("department", objective.department_id if objective else None)
        parent_id = pick("parent", objective.parent_id if objective else None)
        return ObjectiveData(
            title=pick("title", objective.title if objective else ""),
            description=pick("description", objective.description if objective else ""),
            period=pick("period", objective.period if objective else ""),
            department=_department(department_id),
            owner=_owner(data.get("owner"), objective.owner if objective else user),
            parent=_parent(user, parent_id),
        )


def _key_result_data(data: dict[str, Any], key_result: KeyResult | None) -> KeyResultData:
    def pick(key: str, current: Any) -> Any:
        return data[key] if key in data else current

    def number(key: str, current: Decimal | None) -> Decimal | None:
        return _decimal(data[key]) if key in data else current

    kr = key_result
    department_id = pick("metric_department", kr.metric_department_id if kr else None)
    return KeyResultData(
        title=pick("title", kr.title if kr else ""),
        category=pick("category", kr.category if kr else KeyResultCategory.OTHER),
        unit=pick("unit", kr.unit if kr else ""),
        start_value=number("start_value", kr.start_value if kr else Decimal(0)),  # type: ignore[arg-type]
        target_value=number("target_value", kr.target_value if kr else None),  # type: ignore[arg-type]
        weight=number("weight", kr.weight if kr else Decimal(1)),  # type: ignore[arg-type]
        confidence=number("confidence", kr.confidence if kr else None),
        metric_key=pick("metric_key", kr.metric_key if kr else ""),
        metric_department=_department(department_id),
        stale_after_hours=pick("stale_after_hours", kr.stale_after_hours if kr else 48),
    )


@extend_schema(tags=["okrs"])
class ObjectiveKeyResultsView(generics.ListCreateAPIView[KeyResult]):
    """The key results of one objective; the owner, the team's leads and admins add more."""

    permission_classes = [CanOpenOkrs]
    serializer_class = KeyResultSerializer
    pagination_class = None

    def _objective(self) -> Objective:
        try:
            return selectors.access_objective(_user(self.request), self.kwargs["objective_id"])
        except Objective.DoesNotExist:
            raise NotFound("There is no objective with this id that you can see.") from None

    @extend_schema(responses=KeyResultSerializer(many=True))
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        objective = self._objective()
        views = [selectors.key_result_view(kr) for kr in objective.key_results.all()]
        return Response(KeyResultSerializer(views, many=True).data)

    @extend_schema(request=KeyResultWriteSerializer, responses={201: KeyResultSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        objective = self._objective()
        serializer = KeyResultWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            key_result = services.key_result_create(
                actor=_user(request),
                objective=objective,
                data=_key_result_data(serializer.validated_data, None),
            )
        except OkrError as error:
            _raise_for(error)
        return Response(KeyResultSerializer(selectors.key_result_view(key_result)).data, 201)


@extend_schema(tags=["okrs"])
class KeyResultViewSet(
    mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet[KeyResult]
):
    """One key result: read it, or change it (owner, the team's leads, admins)."""

    permission_classes = [CanOpenOkrs]
    serializer_class = KeyResultSerializer
    lookup_value_regex = r"\d+"

    def get_object(self) -> KeyResult:
        try:
            return selectors.access_key_result(_user(self.request), int(self.kwargs["pk"]))
        except KeyResult.DoesNotExist:
            raise NotFound("There is no key result with this id that you can see.") from None

    @extend_schema(responses=KeyResultSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(KeyResultSerializer(selectors.key_result_view(self.get_object())).data)

    @extend_schema(request=KeyResultWriteSerializer, responses=KeyResultSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key_result = self.get_object()
        serializer = KeyResultWriteSerializer(
            data=request.data, partial=bool(kwargs.get("partial"))
        )
        serializer.is_valid(raise_exception=True)
        try:
            updated = services.key_result_update(
                key_result=key_result,
                actor=_user(request),
                data=_key_result_data(serializer.validated_data, key_result),
            )
        except OkrError as error:
            _raise_for(error)
        return Response(KeyResultSerializer(selectors.key_result_view(updated)).data)


@extend_schema(tags=["okrs"])
class CheckInListView(generics.ListCreateAPIView[CheckIn]):
    """A key result's check-ins, oldest first; people who may change it check in."""

    permission_classes = [CanOpenOkrs]
    serializer_class = CheckInSerializer

    def _key_result(self) -> KeyResult:
        try:
            return selectors.access_key_result(_user(self.request), self.kwargs["key_result_id"])
        except KeyResult.DoesNotExist:
            raise NotFound("There is no key result with this id that you can see.") from None

    def get_queryset(self) -> QuerySet[CheckIn]:
        return selectors.check_in_history(self._key_result())

    @extend_schema(request=CheckInWriteSerializer, responses={201: CheckInSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key_result = self._key_result()
        serializer = CheckInWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            check_in = services.check_in_record(
                key_result=key_result,
                actor=_user(request),
                value=_decimal(data["value"]),  # type: ignore[arg-type]
                confidence=_decimal(data.get("confidence")),
                comment=data.get("comment", ""),
            )
        except OkrError as error:
            _raise_for(error)
        return Response(CheckInSerializer(check_in).data, status=201)


class TeamSerializer(serializers.Serializer[Any]):
    department = DepartmentRefSerializer(allow_null=True, help_text="null: company-level.")
    progress = serializers.FloatField(allow_null=True)
    light = serializers.ChoiceField(choices=[light.value for light in Light])
    may_create = serializers.BooleanField()
    objectives = ObjectiveSerializer(many=True)


@extend_schema(tags=["okrs"])
class TeamListView(APIView):
    """Company-level objectives and each team the caller sees, with progress for the period."""

    permission_classes = [CanOpenOkrs]

    @extend_schema(parameters=[PERIOD_PARAMETER], responses=TeamSerializer(many=True))
    def get(self, request: Request) -> Response:
        teams = selectors.team_okrs_list(_user(request), period=_period(request))
        return Response(TeamSerializer(teams, many=True).data)


class DataAiFlagSerializer(serializers.Serializer[Any]):
    department = DepartmentRefSerializer()
    objective_count = serializers.IntegerField()
    key_result_count = serializers.IntegerField()
    reason = serializers.CharField()


class DataAiCheckSerializer(serializers.Serializer[Any]):
    period = serializers.CharField()
    flagged = DataAiFlagSerializer(many=True)


@extend_schema(tags=["okrs"])
class DataAiCheckView(APIView):
    """Teams whose OKRs for the period (and its year) carry no data or AI key result.

    HR and platform admins check every team; team leads the teams they lead; others get a 403.
    """

    permission_classes = [CanOpenOkrs]

    @extend_schema(parameters=[PERIOD_PARAMETER], responses=DataAiCheckSerializer)
    def get(self, request: Request) -> Response:
        user = _user(request)
        if not selectors.okr_check_may_view(user):
            raise PermissionDenied(
                "The data/AI check is for HR, platform admins and team leads (whoever manages "
                "someone in a team)."
            )
        period = _period(request)
        flags = selectors.data_ai_check(user, period=period)
        return Response(DataAiCheckSerializer({"period": period, "flagged": flags}).data)


class MetricSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    unit = serializers.CharField()
    description = serializers.CharField()
    owner_role = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    direction = serializers.ChoiceField(choices=[d.value for d in Direction])
    category = serializers.ChoiceField(choices=[c.value for c in MetricCategory])
    by_department = serializers.BooleanField()
    is_data_or_ai = serializers.BooleanField()


@extend_schema(tags=["okrs"])
class MetricListView(APIView):
    """The registry's metrics a key result can bind to (definitions, not values)."""

    permission_classes = [CanOpenOkrs]

    @extend_schema(responses=MetricSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(MetricSerializer(metric_list(), many=True).data)
