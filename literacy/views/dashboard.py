"""The HR literacy dashboard: tiers by department against targets, trend, drill-down, CSV."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from literacy import dashboard as selectors
from literacy.views.learning import _user
from workbench.accounts.models import Department
from workbench.audit.models import AuditOutcome
from workbench.audit.services import audit_record
from workbench.core.permissions import require_permission

DASHBOARD = "literacy.view_literacy_dashboard"


@require_GET
@require_permission(DASHBOARD, audit_action="literacy.dashboard.view")
def dashboard_view(request: HttpRequest) -> HttpResponse:
    totals, rows = selectors.literacy_progress()
    snapshots = selectors.trend()
    context = {
        "totals": totals,
        "rows": rows,
        "snapshots": snapshots,
        "targets": selectors.TARGETS,
        "chart": selectors.chart_data(totals, rows, snapshots),
        "org_cards": [
            ("Bronze", totals.bronze_percent, selectors.TARGETS["bronze"]),
            ("Silver", totals.silver_percent, selectors.TARGETS["silver"]),
            ("Gold", totals.gold_percent, selectors.TARGETS["gold"]),
        ],
    }
    return render(request, "literacy/dashboard.html", context)


@require_GET
@require_permission(DASHBOARD, audit_action="literacy.dashboard.view")
def dashboard_department_view(request: HttpRequest, department_id: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=department_id)
    people = selectors.department_people(department)
    audit_record(
        actor=_user(request),
        action="literacy.dashboard.individuals",
        outcome=AuditOutcome.ALLOWED,
        target=department,
        detail={"people": len(people)},
    )
    context = {
        "department": department,
        "people": people,
        "snapshots": selectors.trend(department=department),
    }
    return render(request, "literacy/dashboard_department.html", context)


@require_GET
@require_permission(DASHBOARD, audit_action="literacy.dashboard.export")
def dashboard_export_view(request: HttpRequest) -> HttpResponse:
    """CSV: one row per department (and the organisation) with counts, shares and targets."""
    totals, rows = selectors.literacy_progress()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="literacy-{stamp}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "department",
            "headcount",
            "bronze_or_above",
            "silver_or_above",
            "gold",
            "bronze_pct",
            "silver_pct",
            "gold_pct",
            "bronze_target_pct",
            "silver_target_pct",
            "gold_target_pct",
            "meets_targets",
        ]
    )
    for name, counts in [("Organisation", totals), *[(r.department.name, r.counts) for r in rows]]:
        writer.writerow(
            [
                _csv_safe(name),
                counts.headcount,
                counts.bronze,
                counts.silver,
                counts.gold,
                counts.bronze_percent,
                counts.silver_percent,
                counts.gold_percent,
                selectors.TARGETS["bronze"],
                selectors.TARGETS["silver"],
                selectors.TARGETS["gold"],
                "yes" if counts.meets_all else "no",
            ]
        )
    audit_record(
        actor=_user(request),
        action="literacy.dashboard.export",
        outcome=AuditOutcome.DONE,
        detail={"rows": len(rows) + 1},
    )
    return response


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + value if value[:1] in {"=", "+", "-", "@"} else value
