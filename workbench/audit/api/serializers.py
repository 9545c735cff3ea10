from rest_framework import serializers

from workbench.audit.models import AuditEvent, AuditVerification


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "sequence",
            "occurred_at",
            "actor",
            "actor_username",
            "action",
            "target_type",
            "target_id",
            "target_label",
            "outcome",
            "reason",
            "purpose",
            "request_id",
            "ip",
            "detail",
            "prev_hash",
            "hash",
        ]
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
