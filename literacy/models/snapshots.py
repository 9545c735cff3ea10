"""Daily counts of people at each literacy tier, per department and for the organisation."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class LiteracySnapshot(models.Model):
    """People at each tier or above on one day; `department` empty is the whole organisation.

    Counts are cumulative (`silver` counts Silver and Gold), which is how the targets read.
    """

    taken_on = models.DateField()
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="literacy_snapshots",
    )
    headcount = models.PositiveIntegerField()
    at_least_bronze = models.PositiveIntegerField()
    at_least_silver = models.PositiveIntegerField()
    at_least_gold = models.PositiveIntegerField()

    class Meta:
        ordering = ["taken_on", "department_id"]
        permissions = [("view_literacy_dashboard", "Can see the literacy dashboard of all people")]
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "department"],
                condition=Q(department__isnull=False),
                name="literacysnapshot_one_per_department_day",
            ),
            models.UniqueConstraint(
                fields=["taken_on"],
                condition=Q(department__isnull=True),
                name="literacysnapshot_one_org_per_day",
            ),
            models.CheckConstraint(
                condition=Q(at_least_bronze__lte=models.F("headcount"))
                & Q(at_least_silver__lte=models.F("at_least_bronze"))
                & Q(at_least_gold__lte=models.F("at_least_silver")),
                name="literacysnapshot_counts_nested",
            ),
        ]

    def __str__(self) -> str:
        return f"Literacy on {self.taken_on} ({self.department or 'organisation'})"
