"""Audit trail API: the same filters and checks as the audit page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from workbench.audit import selectors, services
from workbench.audit.api.serializers import AuditEventSerializer, AuditVerificationSerializer
from workbench.audit.forms import AuditFilterForm
from workbench.audit.models import AuditEvent, AuditVerification
from workbench.core.api.permissions import has_django_permission

CanViewTrail = has_django_permission(selectors.AUDIT_TRAIL_PERMISSION)

FILTER_PARAMETERS = [
    OpenApiParameter(name, str, description=description)
    for name, description in [
        ("actor", "Username contains"),
        ("action", "Action starts with, e.g. auth."),
        ("target_type", "Exact target type, e.g. accounts.user"),
        ("target_id", "Exact target id"),
        ("outcome", "allowed, denied, done or failed"),
        ("request_id", "Exact request id"),
        ("since", "ISO date-time, inclusive"),
        ("until", "ISO date-time, exclusive"),
    ]
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


class AuditVerificationListView(generics.ListCreateAPIView[AuditVerification]):
    """Chain checks: POST queues one for the worker; poll its detail for progress."""

    serializer_class = AuditVerificationSerializer
    permission_classes = [CanViewTrail]
    queryset = AuditVerification.objects.all()

    @extend_schema(request=None, responses={202: AuditVerificationSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        verification = services.audit_verification_request(requested_by=request.user)  # type: ignore[arg-type]
        body = AuditVerificationSerializer(verification).data
        return Response(body, status=status.HTTP_202_ACCEPTED)


class AuditVerificationDetailView(generics.RetrieveAPIView[AuditVerification]):
    serializer_class = AuditVerificationSerializer
    permission_classes = [CanViewTrail]
    queryset = AuditVerification.objects.all()
