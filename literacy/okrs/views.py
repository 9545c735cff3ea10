"""OKR pages: teams with their objectives, an objective with its key results and history, forms to
add and edit them, and the htmx check-in on a key result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from literacy.models import KeyResult, Objective
from literacy.okrs import periods, selectors, services
from literacy.okrs.charts import sparkline
from literacy.okrs.forms import CheckInForm, KeyResultForm, ObjectiveForm, form_errors_apply
from literacy.okrs.selectors import KeyResultView
from literacy.okrs.services import OkrDenied, OkrError
from workbench.accounts.models import User
from workbench.core.metrics import UnknownMetric, metric_get
from workbench.core.permissions import require_permission

VIEW_OKRS = selectors.VIEW_OKRS


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _period(request: HttpRequest) -> str:
    period = (request.GET.get("period") or "").strip()[:7]
    return period if periods.is_valid_period(period) else periods.current_quarter()


@require_GET
@require_permission(VIEW_OKRS)
def okr_team_list_view(request: HttpRequest) -> HttpResponse:
    user, period = _user(request), _period(request)
    context = {
        "period": period,
        "period_choices": periods.period_choices(around=period),
        "teams": selectors.team_okrs_list(user, period=period),
        "may_check": selectors.okr_check_may_view(user),
        "flags": selectors.data_ai_check(user, period=period),
    }
    return render(request, "literacy/okrs/team_list.html", context)


def _objective_or_404(user: User, objective_id: int) -> Objective:
    try:
        return selectors.objective_get_for_page(user, objective_id)
    except Objective.DoesNotExist:
        raise Http404("No such objective") from None


def _key_result_or_404(user: User, key_result_id: int) -> KeyResult:
    try:
        return selectors.access_key_result(user, key_result_id)
    except KeyResult.DoesNotExist:
        raise Http404("No such key result") from None


def _card(
    view: KeyResultView, *, may_edit: bool, form: CheckInForm | None = None
) -> dict[str, Any]:
    """What the key result partial shows: progress, history, chart and the check-in form."""
    key_result = view.key_result
    prefetched = getattr(key_result, "_prefetched_objects_cache", {})
    if "check_ins" in prefetched:  # the objective page loaded every history in one query
        history = list(key_result.check_ins.all())
    else:
        history = list(selectors.check_in_history(key_result))
    metric = None
    if key_result.metric_key:
        try:
            metric = metric_get(key_result.metric_key)
        except UnknownMetric:
            metric = None
    return {
        "kr": view,
        "history": history,
        "chart": sparkline(
            [check_in.value for check_in in history] or [key_result.current_value],
            start=key_result.start_value,
            target=key_result.target_value,
        ),
        "metric": metric,
        "may_edit": may_edit,
        "form": form or CheckInForm(),
    }


@require_GET
@require_permission(VIEW_OKRS)
def okr_objective_detail_view(request: HttpRequest, objective_id: int) -> HttpResponse:
    user = _user(request)
    objective = _objective_or_404(user, objective_id)
    view = selectors.objective_view(objective)
    may_edit = selectors.objective_may_edit(user, objective)
    visible_children = selectors.objective_list_visible(user).filter(parent=objective)
    context = {
        "objective": objective,
        "view": view,
        "cards": [_card(kr, may_edit=may_edit) for kr in view.key_results],
        "may_edit": may_edit,
        "children": visible_children,
        "parent_visible": objective.parent_id is not None
        and selectors.objective_list_visible(user).filter(pk=objective.parent_id).exists(),
    }
    return render(request, "literacy/okrs/objective_detail.html", context)


@require_GET
@require_permission(VIEW_OKRS)
def okr_key_result_detail_view(request: HttpRequest, key_result_id: int) -> HttpResponse:
    """One key result on its own page: progress, chart, the whole history and the check-in."""
    user = _user(request)
    key_result = _key_result_or_404(user, key_result_id)
    may_edit = selectors.objective_may_edit(user, key_result.objective)
    card = _card(selectors.key_result_view(key_result), may_edit=may_edit)
    card["history_open"] = True
    objective = _objective_or_404(user, key_result.objective_id)
    context = {
        "card": card,
        "objective": objective,
        "objective_progress": selectors.objective_view(objective),
        "key_result": key_result,
    }
    return render(request, "literacy/okrs/key_result_detail.html", context)


@require_http_methods(["GET", "POST"])
@require_permission(VIEW_OKRS, audit_action="okr.objective.create")
def okr_objective_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.departments_may_create(user).exists():
        raise PermissionDenied(
            "Objectives are added by a team's leads (whoever manages someone in the team) and by "
            "platform admins. Ask your team lead to add it."
        )
    initial = {"period": _period(request), "owner": user.pk}
    if (request.GET.get("department") or "").isdigit():
        initial["department"] = int(request.GET["department"])
    form = ObjectiveForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            objective = services.objective_create(actor=user, data=form.to_data())
        except OkrDenied as denied:
            raise PermissionDenied(denied.message) from None
        except OkrError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, f"Objective “{objective.title}” added.")
            return redirect("literacy:okr_objective", objective_id=objective.pk)
    status = 400 if form.errors else 200
    return render(request, "literacy/okrs/objective_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@require_permission(VIEW_OKRS, audit_action="okr.objective.update")
def okr_objective_edit_view(request: HttpRequest, objective_id: int) -> HttpResponse:
    user = _user(request)
    objective = _objective_or_404(user, objective_id)
    if not selectors.objective_may_edit(user, objective):
        raise PermissionDenied(
            "Only the objective's owner, its team's leads and platform admins may change it."
        )
    if request.method == "POST":
        form = ObjectiveForm(request.POST, user=user, objective=objective)
        if form.is_valid():
            try:
                services.objective_update(objective=objective, actor=user, data=form.to_data())
            except OkrDenied as denied:
                raise PermissionDenied(denied.message) from None
            except OkrError as error:
                form_errors_apply(form, error)
            else:
                messages.success(request, "The objective was saved.")
                return redirect("literacy:okr_objective", objective_id=objective.pk)
    else:
        form = ObjectiveForm(
            user=user, objective=objective, initial=ObjectiveForm.initial_for(objective)
        )
    status = 400 if form.errors else 200
    return render(
        request,
        "literacy/okrs/objective_form.html",
        {"form": form, "objective": objective},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@require_permission(VIEW_OKRS, audit_action="okr.key_result.create")
def okr_key_result_create_view(request: HttpRequest, objective_id: int) -> HttpResponse:
    user = _user(request)
    objective = _objective_or_404(user, objective_id)
    return _key_result_form(request, user, objective, None)


@require_http_methods(["GET", "POST"])
@require_permission(VIEW_OKRS, audit_action="okr.key_result.update")
def okr_key_result_edit_view(request: HttpRequest, key_result_id: int) -> HttpResponse:
    user = _user(request)
    key_result = _key_result_or_404(user, key_result_id)
    return _key_result_form(request, user, key_result.objective, key_result)


def _key_result_form(
    request: HttpRequest, user: User, objective: Objective, key_result: KeyResult | None
) -> HttpResponse:
    if not selectors.objective_may_edit(user, objective):
        raise PermissionDenied(
            "Only the objective's owner, its team's leads and platform admins may change it."
        )
    initial = KeyResultForm.initial_for(key_result) if key_result else None
    if request.method == "POST":
        form = KeyResultForm(request.POST)
    else:
        form = KeyResultForm(initial=initial or {"metric_department": objective.department_id})
    if request.method == "POST" and form.is_valid():
        try:
            if key_result is None:
                services.key_result_create(actor=user, objective=objective, data=form.to_data())
            else:
                services.key_result_update(key_result=key_result, actor=user, data=form.to_data())
        except OkrDenied as denied:
            raise PermissionDenied(denied.message) from None
        except OkrError as error:
            form_errors_apply(form, error)
        else:
            messages.success(request, "The key result was saved.")
            return redirect("literacy:okr_objective", objective_id=objective.pk)
    context = {"form": form, "objective": objective, "key_result": key_result}
    status = 400 if form.errors else 200
    return render(request, "literacy/okrs/key_result_form.html", context, status=status)


@require_POST
@require_permission(VIEW_OKRS, audit_action="okr.check_in")
def okr_check_in_view(request: HttpRequest, key_result_id: int) -> HttpResponse:
    """A check-in; htmx gets the key result's card back (with the errors and what was typed)."""
    user = _user(request)
    key_result = _key_result_or_404(user, key_result_id)
    if not selectors.objective_may_edit(user, key_result.objective):
        raise PermissionDenied(
            "Only the objective's owner, its team's leads and platform admins may check in."
        )
    form = CheckInForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.check_in_record(
                key_result=key_result,
                actor=user,
                value=form.cleaned_data["value"],
                confidence=form.cleaned_data.get("confidence"),
                comment=form.cleaned_data.get("comment") or "",
            )
        except OkrDenied as denied:
            raise PermissionDenied(denied.message) from None
        except OkrError as error:
            form_errors_apply(form, error)
        else:
            saved, form = True, CheckInForm()
    if not request.htmx:  # type: ignore[attr-defined]
        if saved:
            messages.success(request, "Check-in recorded.")
            return redirect(_objective_url(key_result))
        objective = _objective_or_404(user, key_result.objective_id)
        return _detail_with_form(request, user, objective, key_result, form)
    # htmx swaps only successful responses: a refused check-in comes back as 200 with its errors
    # and what was typed.
    key_result.refresh_from_db()
    card = _card(selectors.key_result_view(key_result), may_edit=True, form=form)
    card["saved"] = saved
    objective = _objective_or_404(user, key_result.objective_id)
    context = {"card": card, "objective_view": selectors.objective_view(objective)}
    return render(request, "literacy/okrs/_key_result.html", context)


def _detail_with_form(
    request: HttpRequest, user: User, objective: Objective, key_result: KeyResult, form: Any
) -> HttpResponse:
    view = selectors.objective_view(objective)
    cards = [
        _card(kr, may_edit=True, form=form if kr.key_result.pk == key_result.pk else None)
        for kr in view.key_results
    ]
    context = {
        "objective": objective,
        "view": view,
        "cards": cards,
        "may_edit": True,
        "children": selectors.objective_list_visible(user).filter(parent=objective),
        "parent_visible": False,
    }
    status = 400 if form.errors else 200
    return render(request, "literacy/okrs/objective_detail.html", context, status=status)


def _objective_url(key_result: KeyResult) -> str:
    return reverse("literacy:okr_objective", kwargs={"objective_id": key_result.objective_id})
