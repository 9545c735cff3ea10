"""The what-if simulator page and its pickers (htmx search-as-you-type for people and assets)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from workbench.accounts.models import User
from workbench.governance import selectors, simulator
from workbench.governance.actions import Action
from workbench.governance.forms_oversight import SimulatorForm, SimulatorQuestion
from workbench.governance.selectors import GovernanceScope, SimulatorRefused
from workbench.governance.views.scope import NO_ROLE_MESSAGE, may_open, require_scope

PICKER_LIMIT = 20


@require_GET
@require_scope(may_open, NO_ROLE_MESSAGE)
def simulator_view(request: HttpRequest, *, scope: GovernanceScope) -> HttpResponse:
    form = SimulatorForm(request.GET or None, initial={"user": request.user.pk})
    context: dict[str, Any] = {"form": form, "scope": scope}
    status = 200
    if form.is_bound:
        if form.is_valid():
            status = _answer(form, scope, context, _page(request))
        else:
            status = 400
    query = request.GET.copy()
    query.pop("page", None)
    context["query"] = query.urlencode()
    context["user_options"] = _user_options(scope, form)
    context["asset_options"] = _asset_options(scope, form)
    return render(request, "governance/simulator.html", context, status=status)


def _answer(form: SimulatorForm, scope: GovernanceScope, context: dict[str, Any], page: int) -> int:
    data = form.cleaned_data
    try:
        if data["question"] == SimulatorQuestion.DECISION:
            context["decision_answer"] = simulator.simulate_decision(
                scope=scope,
                user_id=data.get("user"),
                asset_id=data["asset"],
                action=data["action"],
                purpose=data.get("purpose") or "",
            )
        elif data["question"] == SimulatorQuestion.WHO:
            context["who_answer"] = simulator.simulate_who(
                scope=scope, asset_id=data["asset"], action=data["action"]
            )
        else:
            context["what_answer"] = simulator.simulate_what(
                scope=scope, user_id=data.get("user"), page=page, asset_id=data.get("asset")
            )
    except SimulatorRefused as refused:
        context["refusal"] = refused.message
        return 403
    except Http404:
        form.add_error(None, "No such person or asset, or it is outside what you may ask about.")
        return 404
    _presentation(context, data.get("action") or "")
    return 200


def _presentation(context: dict[str, Any], action: str) -> None:
    """Labels and table rows the template shows (the "what may" grid in action order)."""
    labels = dict(Action.choices)
    context["action_label"] = labels.get(action, action)
    context["action_choices"] = Action.choices
    what = context.get("what_answer")
    if what is not None:
        context["what_rows"] = [
            (
                asset,
                [
                    (a, what.decisions[asset.pk][a])
                    for a in labels
                    if a in what.decisions.get(asset.pk, {})
                ],
            )
            for asset in what.assets
        ]


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and len(raw) < 7 else 1


def _user_options(scope: GovernanceScope, form: SimulatorForm) -> list[User]:
    """The first people of the picker, with the one already chosen on top."""
    options = selectors.simulator_user_options(scope=scope, text="", limit=PICKER_LIMIT)
    chosen = _chosen_id(form, "user") or scope.user.pk
    if chosen in {user.pk for user in options}:
        return options
    if chosen != scope.user.pk and not scope.may_ask_about_others:
        return options
    person = User.objects.filter(pk=chosen, is_active=True).first()
    return [person, *options] if person else options


def _asset_options(scope: GovernanceScope, form: SimulatorForm) -> list[Any]:
    options = selectors.simulator_asset_options(scope=scope, text="", limit=PICKER_LIMIT)
    chosen = _chosen_id(form, "asset")
    if chosen and chosen not in {asset.pk for asset in options}:
        found = scope.simulator_assets(scope.user).filter(pk=chosen).select_related("source")
        options = [*found, *options]
    return options


def _chosen_id(form: SimulatorForm, name: str) -> int | None:
    raw = form.data.get(name, "") if form.is_bound else ""
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else None


@require_GET
@require_scope(may_open, NO_ROLE_MESSAGE)
def simulator_user_options_view(request: HttpRequest, *, scope: GovernanceScope) -> HttpResponse:
    text = (request.GET.get("user_search") or "")[:100]
    people = selectors.simulator_user_options(scope=scope, text=text, limit=PICKER_LIMIT)
    return render(request, "governance/_simulator_user_options.html", {"people": people})


@require_GET
@require_scope(may_open, NO_ROLE_MESSAGE)
def simulator_asset_options_view(request: HttpRequest, *, scope: GovernanceScope) -> HttpResponse:
    text = (request.GET.get("asset_search") or "")[:100]
    assets = selectors.simulator_asset_options(scope=scope, text=text, limit=PICKER_LIMIT)
    return render(request, "governance/_simulator_asset_options.html", {"assets": assets})
