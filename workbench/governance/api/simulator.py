"""The what-if simulator and the access heat-map in the REST API, with the pages' scopes: anyone
with a role asks about themselves; stewards and owners about their domains; auditors and
platform admins about everything."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.models import Asset, Classification
from workbench.accounts.models import User
from workbench.governance import simulator
from workbench.governance.actions import Action
from workbench.governance.api.params import PAGE_MAX, int_param, slug_param, text_param
from workbench.governance.forms_oversight import HeatmapFilterForm, SimulatorForm
from workbench.governance.heatmap import AccessLevel, Heatmap, heatmap_build
from workbench.governance.selectors import GovernanceScope, SimulatorRefused, governance_scope
from workbench.governance.views.scope import NO_ROLE_MESSAGE, OVERSIGHT_MESSAGE


class HasGovernanceRole(BasePermission):
    message = NO_ROLE_MESSAGE

    def has_permission(self, request: Request, view: Any) -> bool:
        return governance_scope(request.user).may_open


class MayOversee(BasePermission):
    message = OVERSIGHT_MESSAGE

    def has_permission(self, request: Request, view: Any) -> bool:
        return governance_scope(request.user).may_ask_about_others


# --- serializers (the response shapes, for the schema) ----------------------------------------


class DecisionSerializer(serializers.Serializer[Any]):
    allowed = serializers.BooleanField()
    action = serializers.ChoiceField(choices=Action.choices)
    masked = serializers.BooleanField(help_text="Content is masked (always true when denied).")
    reasons = serializers.ListField(child=serializers.CharField())
    rules = serializers.ListField(child=serializers.CharField(), help_text="Deciding rule ids.")
    needs_request = serializers.BooleanField(help_text="Denied, but a request could open it.")
    grant_id = serializers.IntegerField(allow_null=True)
    policy_version = serializers.CharField(help_text="Label of the policy bundle that decided.")


class PersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    department = serializers.CharField(allow_blank=True)


class AssetRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    qualified_name = serializers.CharField()
    classification = serializers.IntegerField()
    domain = serializers.CharField(allow_blank=True)


class DecisionAnswerSerializer(serializers.Serializer[Any]):
    user = PersonSerializer()
    asset = AssetRefSerializer()
    purpose = serializers.CharField(allow_blank=True)
    decision = DecisionSerializer()


class PersonDecisionSerializer(serializers.Serializer[Any]):
    user = PersonSerializer()
    decision = DecisionSerializer()


class WhoAnswerSerializer(serializers.Serializer[Any]):
    asset = AssetRefSerializer()
    action = serializers.ChoiceField(choices=Action.choices)
    allowed = PersonDecisionSerializer(many=True, help_text="Unmasked first, then by username.")
    denied_count = serializers.IntegerField(help_text="Active people the policies refuse.")


class AssetDecisionsSerializer(serializers.Serializer[Any]):
    asset = AssetRefSerializer()
    decisions = serializers.DictField(child=DecisionSerializer(), help_text="By action.")


class WhatAnswerSerializer(serializers.Serializer[Any]):
    user = PersonSerializer()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    total = serializers.IntegerField()
    assets = AssetDecisionsSerializer(many=True)


def person(user: User) -> dict[str, Any]:
    department = user.department.name if user.department_id and user.department else ""
    return {"id": user.pk, "username": user.username, "department": department}


def asset_ref(asset: Asset) -> dict[str, Any]:
    return {
        "id": asset.pk,
        "name": asset.name,
        "qualified_name": asset.qualified_name,
        "classification": asset.classification,
        "domain": asset.domain.code if asset.domain_id and asset.domain else "",
    }


# --- the simulator ----------------------------------------------------------------------------

USER_PARAMETER = int_param("user", "Person's id (default: you)")
ASSET_PARAMETER = int_param("asset", "Asset id", required=True)
ACTION_PARAMETER = OpenApiParameter(
    "action", str, required=True, enum=[action.value for action in Action]
)
PURPOSE_PARAMETER = text_param("purpose", "Declared purpose", max_length=200)


def _form(request: Request, question: str) -> dict[str, Any]:
    data = QueryDict(mutable=True)
    data.update(request.query_params)
    data["question"] = question
    form = SimulatorForm(data)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    return form.cleaned_data


def _scope(request: Request) -> GovernanceScope:
    return governance_scope(request.user)


class SimulatorDecisionView(APIView):
    """May this person do this action on this asset, and why? (Read only: nothing recorded.)"""

    permission_classes = [HasGovernanceRole]

    @extend_schema(
        parameters=[USER_PARAMETER, ASSET_PARAMETER, ACTION_PARAMETER, PURPOSE_PARAMETER],
        responses=DecisionAnswerSerializer,
    )
    def get(self, request: Request) -> Response:
        data = _form(request, "decision")
        try:
            answer = simulator.simulate_decision(
                scope=_scope(request),
                user_id=data.get("user"),
                asset_id=data["asset"],
                action=data["action"],
                purpose=data.get("purpose") or "",
            )
        except SimulatorRefused as refused:
            raise PermissionDenied(refused.message) from None
        return Response(
            {
                "user": person(answer.subject),
                "asset": asset_ref(answer.asset),
                "purpose": answer.purpose,
                "decision": simulator.decision_as_dict(answer.decision),
            }
        )


class SimulatorWhoView(APIView):
    """Who may do this action on this asset? Everyone active allowed, with why, and how many
    are not.
    Stewards and owners ask about their domains' assets; auditors and admins about any."""

    permission_classes = [MayOversee]

    @extend_schema(parameters=[ASSET_PARAMETER, ACTION_PARAMETER], responses=WhoAnswerSerializer)
    def get(self, request: Request) -> Response:
        data = _form(request, "who")
        try:
            answer = simulator.simulate_who(
                scope=_scope(request), asset_id=data["asset"], action=data["action"]
            )
        except SimulatorRefused as refused:
            raise PermissionDenied(refused.message) from None
        return Response(
            {
                "asset": asset_ref(answer.asset),
                "action": answer.action,
                "allowed": [_person_decision(u, d) for u, d in answer.allowed],
                "denied_count": answer.denied_count,
            }
        )


def _person_decision(user: User, decision: Any) -> dict[str, Any]:
    return {"user": person(user), "decision": simulator.decision_as_dict(decision)}


class SimulatorWhatView(APIView):
    """What may this person do? Every action on each asset, a page of assets at a time."""

    permission_classes = [HasGovernanceRole]

    @extend_schema(
        parameters=[
            USER_PARAMETER,
            int_param("asset", "Only this asset"),
            int_param("page", "Page of assets", maximum=PAGE_MAX),
        ],
        responses=WhatAnswerSerializer,
    )
    def get(self, request: Request) -> Response:
        data = _form(request, "what")
        page = _positive_int(request, "page") or 1
        try:
            answer = simulator.simulate_what(
                scope=_scope(request),
                user_id=data.get("user"),
                page=page,
                asset_id=data.get("asset"),
            )
        except SimulatorRefused as refused:
            raise PermissionDenied(refused.message) from None
        rows = [
            {
                "asset": asset_ref(asset),
                "decisions": {
                    action: simulator.decision_as_dict(decision)
                    for action, decision in answer.decisions.get(asset.pk, {}).items()
                },
            }
            for asset in answer.assets
        ]
        body = {"user": person(answer.subject), "page": answer.page, "pages": answer.pages}
        return Response({**body, "total": answer.total, "assets": rows})


def _positive_int(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= PAGE_MAX:
        raise ValidationError({name: ["A whole number from 1."]})
    return int(raw)


# --- the heat-map -----------------------------------------------------------------------------


class HeatmapCellSerializer(serializers.Serializer[Any]):
    level = serializers.ChoiceField(choices=[level.name.lower() for level in AccessLevel])
    spread = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="How many people hold each level (one person: a single 1).",
    )


class HeatmapRowSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="User or department id.")
    label = serializers.CharField()  # type: ignore[assignment]
    detail = serializers.CharField(allow_blank=True)
    cells = HeatmapCellSerializer(many=True, help_text="One per column, in column order.")


class HeatmapSerializer(serializers.Serializer[Any]):
    mode = serializers.ChoiceField(choices=["users", "departments"])
    levels = serializers.DictField(child=serializers.CharField(), help_text="Level → meaning.")
    columns = AssetRefSerializer(many=True)
    rows = HeatmapRowSerializer(many=True)
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    rows_total = serializers.IntegerField()
    assets_page = serializers.IntegerField()
    assets_pages = serializers.IntegerField()
    assets_total = serializers.IntegerField()


class HeatmapView(APIView):
    """Effective access (none, discover, masked, full) of people or departments to datasets,
    computed with the policy engine's database filters; rows and columns are paginated."""

    permission_classes = [MayOversee]

    @extend_schema(
        parameters=[
            OpenApiParameter("mode", str, enum=["users", "departments"]),
            slug_param("domain", "Domain code"),
            OpenApiParameter(
                "classification", int, enum=[value for value, _ in Classification.choices]
            ),
            text_param("q", "Row name contains", max_length=100),
            int_param("page", "Page of rows", maximum=PAGE_MAX),
            int_param("assets_page", "Page of columns", maximum=PAGE_MAX),
        ],
        responses=HeatmapSerializer,
    )
    def get(self, request: Request) -> Response:
        form = HeatmapFilterForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        heatmap = heatmap_build(scope=_scope(request), filters=form.to_filters())
        return Response(heatmap_as_dict(heatmap))


def heatmap_as_dict(heatmap: Heatmap) -> dict[str, Any]:
    return {
        "mode": heatmap.mode,
        "levels": {level.code: level.description for level in AccessLevel},
        "columns": [asset_ref(asset) for asset in heatmap.columns],
        "rows": [
            {
                "id": row.id,
                "label": row.label,
                "detail": row.detail,
                "cells": [
                    {
                        "level": cell.level.code,
                        "spread": {
                            level.code: held
                            for level, held in zip(AccessLevel, cell.spread, strict=True)
                        },
                    }
                    for cell in row.cells
                ],
            }
            for row in heatmap.rows
        ],
        "page": heatmap.page,
        "pages": heatmap.pages,
        "rows_total": heatmap.rows_total,
        "assets_page": heatmap.assets_page,
        "assets_pages": heatmap.assets_pages,
        "assets_total": heatmap.assets_total,
    }
