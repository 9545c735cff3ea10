"""The default claim mapping and one group per role, so that a fresh install can sign people in."""

from django.db import migrations

from workbench.sso.defaults import DEFAULT_CLAIMS, DEFAULT_GROUP_ROLES


def add_defaults(apps, schema_editor):  # type: ignore[no-untyped-def]
    ClaimMapping = apps.get_model("sso", "ClaimMapping")
    GroupRoleMapping = apps.get_model("sso", "GroupRoleMapping")
    for attribute, claim, is_required in DEFAULT_CLAIMS:
        ClaimMapping.objects.get_or_create(
            attribute=attribute, defaults={"claim": claim, "is_required": is_required}
        )
    for group, role in DEFAULT_GROUP_ROLES:
        GroupRoleMapping.objects.get_or_create(group=group, defaults={"role": role})


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
