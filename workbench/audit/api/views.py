"""Audit trail API: the same filters and checks as the audit page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle, UserRateThrottle

from workbench.audit import selectors, services
from workbench.audit.api.serializers import AuditEventSerializer, AuditVerificationSerializer
from workbench.audit.forms import AuditFilterForm
from workbench.audit.models import AuditEvent, AuditOutcome, AuditVerification
from workbench.core.api.permissions import has_django_permission

CanViewTrail = has_django_permission(selectors.AUDIT_TRAIL_PERMISSION)

FILTER_PARAMETERS = [
    *(
        OpenApiParameter(name, str, description=description)
        for name, description in [
            ("actor", "Username contains"),
            ("action", "Action code, or its start or the start of a part: auth. or login"),
            ("target_type", "Exact target type, e.g. accounts.user"),
            ("target_id", "Exact target id"),
            ("request_id", "Exact request id"),
        ]
    ),
    OpenApiParameter("outcome", str, enum=[choice.value for choice in AuditOutcome]),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="ISO date-time, inclusive"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="ISO date-time, exclusive"),
]


@extend_schema(parameters=FILTER_PARAMETERS)
class AuditEventListView(generics.ListAPIView[AuditEvent]):
    """Audit events, newest first, filtered like the audit page."""

    serializer_class = AuditEventSerializer
    permission_classes = [CanViewTrail]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        form = AuditFilterForm(self.request.query_params or None)
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        filters = form.to_filters() if form.is_bound else selectors.AuditFilters()
        return selectors.audit_event_list(filters=filters)


class AuditEventDetailView(generics.RetrieveAPIView[AuditEvent]):
    serializer_class = AuditEventSerializer
    permission_classes = [CanViewTrail]
    queryset = AuditEvent.objects.all()


class AuditVerifyThrottle(UserRateThrottle):
    """Chain checks one person may request (WORKBENCH_AUDIT_VERIFY_RATE, default 5/minute)."""

    scope = "audit_verify"

    def get_rate(self) -> str:
        rate: str = settings.AUDIT_VERIFY_RATE
        return rate


class AuditVerificationListView(generics.ListCreateAPIView[AuditVerification]):
    """Chain checks: POST queues one for the worker, or returns the one already under way (only
    one runs at a time); poll its detail for progress. POST is rate-limited per person (429)."""

    serializer_class = AuditVerificationSerializer
    permission_classes = [CanViewTrail]
    queryset = AuditVerification.objects.all()

    def get_throttles(self) -> list[BaseThrottle]:
        if self.request.method == "POST":
            return [AuditVerifyThrottle()]
        return super().get_throttles()

    @extend_schema(
        request=None,
        responses={
            202: OpenApiResponse(AuditVerificationSerializer, description="A new check queued"),
            200: OpenApiResponse(
                AuditVerificationSerializer, description="The check already queued or running"
            ),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        verification, created = services.audit_verification_request(requested_by=request.user)  # type: ignore[arg-type]
        body = AuditVerificationSerializer(verification).data
        return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)


class AuditVerificationDetailView(generics.RetrieveAPIView[AuditVerification]):
    serializer_class = AuditVerificationSerializer
    permission_classes = [CanViewTrail]
    queryset = AuditVerification.objects.all()
