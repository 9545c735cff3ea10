"""Rows say which audit key signed them; at most one chain check is queued or running."""

from django.db import migrations, models


def supersede_extra_active_checks(apps, schema_editor):
    """Before the one-at-a-time index: keep the newest queued/running check, end the others."""
    verification = apps.get_model("audit", "AuditVerification")
    active = verification.objects.filter(status__in=["queued", "running"]).order_by("-id")
    newest = active.values_list("id", flat=True).first()
    active.exclude(id=newest).update(
        status="error", problem="Superseded: only one chain check runs at a time."
    )


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(
                default="",
                help_text="Fingerprint of the audit key that signed this row.",
                max_length=16,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(supersede_extra_active_checks, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="auditverification",
            constraint=models.UniqueConstraint(
                models.Value(1),
                condition=models.Q(("status__in", ["queued", "running"])),
                name="audit_one_active_verification",
            ),
        ),
    ]
