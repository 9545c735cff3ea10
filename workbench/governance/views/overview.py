"""The governance overview (what governance does here, the policy bundle, the metrics) and the
decisions page (governance events from the audit trail)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from workbench.governance import selectors
from workbench.governance.forms_oversight import DecisionFilterForm
from workbench.governance.metrics import governance_metrics
from workbench.governance.selectors import GovernanceScope
from workbench.governance.views.scope import (
    NO_ROLE_MESSAGE,
    OVERSIGHT_MESSAGE,
    may_open,
    may_oversee,
    require_scope,
)

METRIC_PERIODS = (7, 30, 90)
DEFAULT_METRIC_DAYS = 30
DECISIONS_PER_PAGE = 50


@require_GET
@require_scope(may_open, NO_ROLE_MESSAGE)
def governance_overview_view(request: HttpRequest, *, scope: GovernanceScope) -> HttpResponse:
    days = _metric_days(request.GET.get("days"))
    context: dict[str, Any] = {
        "scope": scope,
        "bundle": selectors.policy_bundle_summary(),
        "links": _links(request, scope),
        "days": days,
        "periods": METRIC_PERIODS,
    }
    if scope.may_ask_about_others:
        until = timezone.now()
        metrics = governance_metrics(since=until - timedelta(days=days), until=until)
        rate = metrics["policy_violation_rate"]
        context["metrics"] = metrics
        context["violation_percent"] = None if rate is None else rate * 100
    return render(request, "governance/overview.html", context)


def _metric_days(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in METRIC_PERIODS else DEFAULT_METRIC_DAYS


def _links(request: HttpRequest, scope: GovernanceScope) -> list[dict[str, str]]:
    """The governance pages this person may open, in the order of a typical visit."""
    user = request.user
    candidates: list[tuple[bool, str, str, str]] = [
        (
            user.has_perm(selectors.VIEW_POLICY_PERMISSION),
            "governance:policy_list",
            "Policies",
            "The Rego documents that decide every access, their versions and diffs.",
        ),
        (
            True,
            "governance:simulator",
            "What-if simulator",
            "May this person do this, and why? Who may? What may they do?"
            if scope.may_ask_about_others
            else "What may you do with an asset, and why?",
        ),
        (
            scope.may_ask_about_others,
            "governance:heatmap",
            "Access heat-map",
            "People or departments × datasets, by effective access.",
        ),
        (
            scope.may_ask_about_others and user.has_perm("governance.view_accessrequest"),
            "governance:request_queue",
            "Access requests",
            "The queue of requests waiting for a decision, with its SLA clock.",
        ),
        (
            scope.may_ask_about_others,
            "governance:decision_list",
            "Decisions",
            "Every allowed and denied access, request and grant, from the audit trail.",
        ),
        (
            user.has_perm("governance.view_maskingrule"),
            "governance:masking",
            "Masking and row filters",
            "How each kind of personal data is masked, with examples, and which rows each "
            "reader sees.",
        ),
        (
            user.has_perm("audit.view_audit_trail"),
            "audit:event_list",
            "Audit trail",
            "The whole tamper-evident trail, filtered to governance events.",
        ),
    ]
    links = []
    for allowed, url_name, title, description in candidates:
        url = _url(url_name) if allowed else ""
        if url:
            if url_name == "audit:event_list":
                url += "?action=governance."
            links.append({"url": url, "title": title, "description": description, "key": url_name})
    return links


def _url(url_name: str) -> str:
    try:
        return reverse(url_name)
    except NoReverseMatch:  # a page another part of the issue has not shipped yet
        return ""


@require_GET
@require_scope(may_oversee, OVERSIGHT_MESSAGE)
def decision_list_view(request: HttpRequest, *, scope: GovernanceScope) -> HttpResponse:
    form = DecisionFilterForm(request.GET or None)
    is_valid = not form.is_bound or form.is_valid()
    page = None
    if is_valid:
        filters = form.to_filters() if form.is_bound else selectors.DecisionFilters()
        events = selectors.decision_list(scope=scope, filters=filters)
        page = Paginator(events, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "scope": scope,
        "action_codes": selectors.decision_action_codes(),
    }
    return render(request, "governance/decisions.html", context, status=200 if is_valid else 400)
