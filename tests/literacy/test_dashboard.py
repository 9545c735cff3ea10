"""HR dashboard: HR and platform admins only (four ways, pages, CSV and API), figures against the
targets, snapshots for the trend (idempotent per day), drill-down audited."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from literacy.dashboard import literacy_progress
from literacy.models import LiteracySnapshot
from literacy.services.snapshots import literacy_snapshot_take
from literacy.snapshot_tasks import literacy_snapshot_task
from workbench.audit.models import AuditEvent, AuditOutcome

pytestmark = pytest.mark.django_db

PAGES = ["/literacy/dashboard/", "/literacy/dashboard/export.csv"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 403), ("analyst", 403), ("hr", 200), ("admin", 200)],
)
@pytest.mark.parametrize("path", PAGES)
def test_dashboard_pages_four_way(request, client_for, bronze_user, persona, status, path) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(path)
    assert response.status_code == status
    if status == 403:
        assert b"Bronze" not in response.content
        assert AuditEvent.objects.filter(actor=user, outcome=AuditOutcome.DENIED).exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302), ("outsider", 403), ("analyst", 403), ("hr", 200)]
)
def test_department_drill_down_four_way(
    request, client_for, bronze_user, department, persona, status
):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = client_for(user).get(f"/literacy/dashboard/departments/{department.pk}/")
    assert response.status_code == status
    assert (bronze_user.username.encode() in response.content) == (status == 200)


def test_drill_down_is_audited_and_unknown_department_is_404(client_for, hr, department) -> None:
    client_for(hr).get(f"/literacy/dashboard/departments/{department.pk}/")
    assert AuditEvent.objects.filter(action="literacy.dashboard.individuals", actor=hr).exists()
    assert client_for(hr).get("/literacy/dashboard/departments/999999/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 401), ("outsider", 403), ("analyst", 403), ("hr", 200)]
)
def test_dashboard_api_four_way(request, api_client_for, bronze_user, persona, status) -> None:
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    response = api_client_for(user).get("/api/literacy/dashboard/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["targets"] == {"bronze": 70, "silver": 25, "gold": 5}
    else:
        assert "departments" not in response.json()


def test_figures_count_people_at_each_tier_or_above(bronze_user, steward, hr, department) -> None:
    totals, rows = literacy_progress()
    row = next(r for r in rows if r.department == department)
    assert row.counts.headcount == 3  # analyst, steward, hr
    assert row.counts.bronze == 1
    assert row.counts.bronze_percent == pytest.approx(33.3)
    assert not row.counts.meets("bronze")


def test_csv_export_has_a_row_per_department(client_for, bronze_user, hr, department) -> None:
    response = client_for(hr).get("/literacy/dashboard/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["department"] == "Organisation"
    growth = next(r for r in rows if r["department"] == department.name)
    assert growth["bronze_or_above"] == "1"
    assert growth["bronze_target_pct"] == "70"
    assert AuditEvent.objects.filter(action="literacy.dashboard.export", actor=hr).exists()


def test_snapshot_is_one_set_per_day(bronze_user, department) -> None:
    assert literacy_snapshot_task() == literacy_snapshot_take()
    today = timezone.localdate()
    assert LiteracySnapshot.objects.filter(taken_on=today, department__isnull=True).count() == 1
    snap = LiteracySnapshot.objects.get(taken_on=today, department=department)
    assert snap.at_least_bronze == 1


def test_dashboard_shows_chart_data_and_tables(client_for, bronze_user, hr, department) -> None:
    literacy_snapshot_take()
    page = client_for(hr).get("/literacy/dashboard/").content.decode()
    assert 'id="literacy-chart-data"' in page
    assert "vendor/chartjs/chart.umd.min.js" in page
    assert 'data-testid="department-table"' in page
    assert 'data-testid="trend-table"' in page
