"""Policy pages: the list, one document with its source, history and diffs, and the editor that
platform admins use (a document that does not compile or fails its Rego tests is refused with
the line, the column and the reason, and the typed text stays in the form)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from workbench.core.permissions import require_permission
from workbench.governance import selectors
from workbench.governance.forms_oversight import PolicyEditForm
from workbench.governance.models import Policy, PolicyVersion
from workbench.governance.policy import PolicyInvalid
from workbench.governance.services_policies import PolicyConflict, policy_edit_save

VIEW = selectors.VIEW_POLICY_PERMISSION
MANAGE = selectors.MANAGE_POLICY_PERMISSION


@require_GET
@require_permission(VIEW)
def policy_list_view(request: HttpRequest) -> HttpResponse:
    policies = list(selectors.policy_list())
    rows = [
        {"policy": policy, "current": next(iter(policy.versions.all()), None)}
        for policy in policies
    ]
    context = {
        "rows": rows,
        "bundle": selectors.policy_bundle_summary(),
        "may_manage": request.user.has_perm(MANAGE),
    }
    return render(request, "governance/policies.html", context)


@require_GET
@require_permission(VIEW)
def policy_detail_view(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = selectors.policy_get(policy_id=policy_id)
    versions = list(selectors.policy_versions(policy=policy))
    number = _int_param(request.GET.get("version"))
    shown = selectors.policy_version_get(policy=policy, number=number) if versions else None
    context = {
        "policy": policy,
        "versions": versions,
        "shown": shown,
        "current": versions[0] if versions else None,
        "lines": _numbered(shown.source if shown else ""),
        "may_manage": request.user.has_perm(MANAGE),
    }
    return render(request, "governance/policy_detail.html", context)


@require_GET
@require_permission(VIEW)
def policy_diff_view(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = selectors.policy_get(policy_id=policy_id)
    versions = list(selectors.policy_versions(policy=policy))
    newest = versions[0].number if versions else 0
    new_number = _int_param(request.GET.get("to")) or newest
    old_number = _int_param(request.GET.get("from"))
    if old_number is None:
        old_number = max(new_number - 1, 1)
    diff = selectors.policy_diff(policy=policy, old_number=old_number, new_number=new_number)
    context = {
        "policy": policy,
        "versions": versions,
        "diff": diff,
        "lines": _diff_lines(diff.lines),
    }
    return render(request, "governance/policy_diff.html", context)


@require_http_methods(["GET", "POST"])
@require_permission(MANAGE, audit_action="governance.policy.edit_refused")
def policy_edit_view(request: HttpRequest, policy_id: int) -> HttpResponse:
    policy = selectors.policy_get(policy_id=policy_id)
    current = selectors.policy_versions(policy=policy).first()
    if request.method == "GET":
        initial = {"source": current.source if current else "", "base_version": _number(current)}
        return _edit_page(request, policy, current, PolicyEditForm(initial=initial))
    form = PolicyEditForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, policy, current, form, status=400)
    try:
        version = policy_edit_save(
            policy=policy,
            author=request.user,  # type: ignore[arg-type]
            source=form.cleaned_data["source"],
            comment=form.cleaned_data["comment"],
            base_version=form.cleaned_data.get("base_version"),
            loaded_from="ui",
        )
    except PolicyConflict as conflict:
        form.add_error(None, conflict.message)
        return _edit_page(request, policy, conflict.current, form, status=409)
    except PolicyInvalid as refused:
        return _edit_page(request, policy, current, form, problems=refused.problems, status=400)
    if version is None:
        messages.info(request, "Nothing changed: the source is the same as the current version.")
        return redirect("governance:policy_detail", policy_id=policy.pk)
    messages.success(
        request, f"Saved {policy.path} as version {version.number}; it is in force now."
    )
    url = f"{_diff_url(policy)}?from={max(version.number - 1, 1)}&to={version.number}"
    return redirect(url)


def _edit_page(
    request: HttpRequest,
    policy: Policy,
    current: PolicyVersion | None,
    form: PolicyEditForm,
    *,
    problems: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"policy": policy, "current": current, "form": form, "problems": problems or []}
    return render(request, "governance/policy_edit.html", context, status=status)


def _diff_url(policy: Policy) -> str:
    from django.urls import reverse

    return reverse("governance:policy_diff", args=[policy.pk])


def _number(version: PolicyVersion | None) -> int:
    return version.number if version else 0


def _int_param(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _numbered(source: str) -> list[tuple[int, str]]:
    return list(enumerate(source.splitlines(), start=1))


def _diff_lines(lines: list[str]) -> list[tuple[str, str]]:
    """Each diff line with its kind, for colour and a screen-reader label."""
    kinds = []
    for line in lines:
        if line.startswith(("+++", "---")):
            kinds.append(("file", line))
        elif line.startswith("@@"):
            kinds.append(("hunk", line))
        elif line.startswith("+"):
            kinds.append(("added", line))
        elif line.startswith("-"):
            kinds.append(("removed", line))
        else:
            kinds.append(("context", line))
    return kinds
