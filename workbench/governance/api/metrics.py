"""Governance metrics and the decisions (governance events of the audit trail) in the REST API,
for stewards and owners (decisions about their domains), auditors and platform admins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workbench.audit.api.serializers import AuditEventSerializer
from workbench.audit.models import AuditEvent, AuditOutcome
from workbench.governance import selectors
from workbench.governance.api.params import int_param, text_param
from workbench.governance.api.simulator import MayOversee
from workbench.governance.forms_oversight import DecisionFilterForm, MetricsPeriodForm
from workbench.governance.metrics import governance_metrics

DEFAULT_DAYS = 30


class MetricsSerializer(serializers.Serializer[Any]):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    content_attempts = serializers.IntegerField(help_text="Content reads recorded, any outcome.")
    content_denied = serializers.IntegerField(help_text="Content reads the policies refused.")
    policy_violation_rate = serializers.FloatField(
        allow_null=True, help_text="content_denied ÷ content_attempts (0..1); null without any."
    )
    requests_decided = serializers.IntegerField()
    requests_pending = serializers.IntegerField()
    decision_time_median_hours = serializers.FloatField(allow_null=True)
    decision_time_p90_hours = serializers.FloatField(allow_null=True)
    decision_time_target_hours = serializers.FloatField()
    grants_active = serializers.IntegerField(help_text="Live at `until`.")
    grants_expired = serializers.IntegerField(help_text="Ran out in the period.")
    grants_revoked = serializers.IntegerField(help_text="Revoked in the period.")


class MetricsView(APIView):
    """Governance metrics over the `days` days (default 30) that end at `until` (default now).
    The KPI scorecard calls `workbench.governance.metrics.governance_metrics` for any period."""

    permission_classes = [MayOversee]

    @extend_schema(
        parameters=[
            OpenApiParameter("until", OpenApiTypes.DATETIME, description="End (exclusive)"),
            int_param("days", "Length of the period in days (default 30)", maximum=366),
        ],
        responses=MetricsSerializer,
    )
    def get(self, request: Request) -> Response:
        form = MetricsPeriodForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        until = form.cleaned_data.get("until") or timezone.now()
        days = form.cleaned_data.get("days") or DEFAULT_DAYS
        try:
            since = until - timedelta(days=days)
        except OverflowError:  # a period reaching back before year 1 starts at year 1
            since = datetime.min.replace(tzinfo=UTC)
        return Response(MetricsSerializer(governance_metrics(since=since, until=until)).data)


class DecisionListView(generics.ListAPIView[AuditEvent]):
    """Governance events (access decisions, requests, grants, policy changes), newest first.
    Stewards and owners see the events about the assets of their domains."""

    serializer_class = AuditEventSerializer
    permission_classes = [MayOversee]

    @extend_schema(
        parameters=[
            text_param("actor", "Username contains", max_length=150),
            text_param("asset", "Asset id, or part of its name", max_length=120),
            text_param(
                "action", "e.g. preview, export, request.approved (no prefix)", max_length=48
            ),
            OpenApiParameter("outcome", str, enum=[choice.value for choice in AuditOutcome]),
            OpenApiParameter("since", OpenApiTypes.DATETIME, description="Inclusive"),
            OpenApiParameter(
                "until", OpenApiTypes.DATETIME, description="Exclusive (before `since`: nothing)"
            ),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[AuditEvent]:
        form = DecisionFilterForm(self.request.query_params, period_may_be_empty=True)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        scope = selectors.governance_scope(self.request.user)
        return selectors.decision_list(scope=scope, filters=form.to_filters())
