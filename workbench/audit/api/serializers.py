from rest_framework import serializers

from workbench.audit.exports import EXPORT_FIELDS
from workbench.audit.models import AuditEvent, AuditVerification


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = ["id", "actor", *EXPORT_FIELDS]
        read_only_fields = fields


class AuditVerificationSerializer(serializers.ModelSerializer[AuditVerification]):
    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = AuditVerification
        fields = [
            "id",
            "status",
            "created_at",
            "started_at",
            "finished_at",
            "rows_total",
            "rows_checked",
            "progress_percent",
            "is_finished",
            "problem_sequence",
            "problem",
        ]
        read_only_fields = fields
