"""`manage.py load_demo`: the demo organisation and the sample warehouse (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workbench.demo.organisation import PERSONAS, demo_password, organisation_load


class Command(BaseCommand):
    help = "Load the demo organisation (departments, ~30 users) and build the sample warehouse."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--skip-warehouse", action="store_true", help="Only load people and departments."
        )
        parser.add_argument(
            "--rebuild-warehouse",
            action="store_true",
            help="Build the warehouse even if it already exists.",
        )
        parser.add_argument(
            "--show-logins", action="store_true", help="Print the demo logins and password."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo mode is off. Demo accounts share a known password, so they are only "
                "created with WORKBENCH_DEMO=1."
            )
        password = demo_password()
        summary = organisation_load(password=password)
        self.stdout.write(
            f"Demo organisation ready: {summary.departments} departments, {summary.users} users."
        )
        if not options["skip_warehouse"]:
            self._warehouse(rebuild=options["rebuild_warehouse"])
            self._catalog_source()
            self._policies()
            self._governance_data()
            self._governance_oversight()
            self._governance_requests()
        self._literacy()
        self._okrs()
        self._sso()
        self._notifications()
        if options["show_logins"]:
            self._print_logins(password)

    def _warehouse(self, *, rebuild: bool) -> None:
        url: str = settings.WAREHOUSE_URL
        if url.startswith("sqlite:///") and Path(url.removeprefix("sqlite:///")).exists():
            if not rebuild:
                self.stdout.write("Sample warehouse already built (use --rebuild-warehouse).")
                return
        call_command("load_warehouse", stdout=self.stdout, stderr=self.stderr)

    def _catalog_source(self) -> None:
        from catalog.demo import demo_source_load

        summary = demo_source_load()
        verb = "registered" if summary.created else "already registered"
        queued = "; its first scan is queued" if summary.run else ""
        self.stdout.write(f"Catalog source “{summary.source.name}” {verb}{queued}.")

    def _policies(self) -> None:
        from workbench.governance.policy.demo import policy_demo_load

        demo = policy_demo_load()
        self.stdout.write(
            f"Policies: {demo.documents} Rego document(s), {len(demo.loaded)} newly loaded; "
            f"{demo.assets_reclassed} asset(s) given their policy attribute class."
        )

    def _governance_data(self) -> None:
        from workbench.governance.demo_data import governance_data_demo_load

        demo = governance_data_demo_load()
        where = f"row filter “{demo.row_filter.name}”" if demo.row_filter else "no row filter yet"
        self.stdout.write(f"Masking: {demo.rules_created} default rule(s) added; {where}.")

    def _governance_oversight(self) -> None:
        from workbench.governance.demo_oversight import governance_oversight_demo_load

        demo = governance_oversight_demo_load()
        version = f"v{demo.policy_version.number}" if demo.policy_version else "not saved"
        self.stdout.write(
            f"Governance: reviewed policy version {version}; {demo.previews_run} demo preview(s)."
        )

    def _governance_requests(self) -> None:
        from workbench.governance.demo import governance_demo_load

        demo = governance_demo_load()
        self.stdout.write(
            f"Access requests: {demo.created} added ({demo.skipped} already there or skipped)."
        )

    def _literacy(self) -> None:
        from literacy.demo import literacy_demo_load

        summary = literacy_demo_load()
        tiers = ", ".join(f"{count} {tier}" for tier, count in sorted(summary.tiers.items()))
        self.stdout.write(f"Literacy ready: starter courses, people by tier ({tiers}).")

    def _okrs(self) -> None:
        from literacy.okrs.demo import okr_demo_load

        summary = okr_demo_load()
        self.stdout.write(
            f"OKRs ready: {summary.objectives} objectives, {summary.key_results} key results "
            f"this quarter; {summary.flagged_example} is flagged by the data/AI check."
        )

    def _sso(self) -> None:
        from workbench.sso.demo import sso_demo_load

        summary = sso_demo_load()
        added = ", ".join(summary.provisioned) or "none new"
        self.stdout.write(
            f"Single sign-on: {summary.group_mappings} group mappings; provisioned over SCIM: "
            f"{added} (the leaver deactivated, their token revoked)."
        )

    def _notifications(self) -> None:
        from workbench.notifications.demo import notifications_demo_load

        demo = notifications_demo_load()
        webhook = "an example disabled webhook" if demo.webhook_created else "no new webhook"
        self.stdout.write(f"Notifications: {demo.created} added; {webhook}.")

    def _print_logins(self, password: str) -> None:
        self.stdout.write(self.style.WARNING("Demo logins (all share one password):"))
        for persona in PERSONAS:
            roles = ", ".join(role.value for role in persona.roles) or "no role"
            self.stdout.write(f"  {persona.username:<12} {roles}")
        self.stdout.write(self.style.WARNING(f"  password:    {password}"))
