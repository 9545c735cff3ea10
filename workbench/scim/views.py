"""SCIM 2.0 endpoints (RFC 7644). Outside the app's OpenAPI: SCIM describes itself (/Schemas...)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from workbench.scim import selectors, services
from workbench.scim.auth import scim_authenticate
from workbench.scim.discovery import resource_types, schemas, service_provider_config
from workbench.scim.errors import ScimError, scim_error_response, scim_response
from workbench.scim.resources import (
    GROUP_SCHEMA,
    LIST_SCHEMA,
    group_resource,
    patch_operations,
    user_input,
    user_patch_apply,
    user_resource,
)

logger = logging.getLogger(__name__)
View = Callable[..., HttpResponse]


def scim_view(methods: set[str]) -> Callable[[View], View]:
    """Authenticates, limits methods and turns ScimError into SCIM's error body."""

    def wrap(view: View) -> View:
        @csrf_exempt
        def handle(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                scim_authenticate(request)
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not supported here.")
                return view(request, *args, **kwargs)
            except ScimError as error:
                return scim_error_response(error)

        return handle

    return wrap


def _base(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _body(request: HttpRequest) -> Any:
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise ScimError(400, "The request body is not valid JSON.", "invalidSyntax") from None


def _list(resources: list[dict[str, Any]], total: int, start: int) -> HttpResponse:
    return scim_response(
        {
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


@scim_view({"GET", "POST"})
def users_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        user = services.scim_user_create(data=user_input(_body(request)))
        resource = user_resource(selectors.scim_user_get(user_id=str(user.pk)), _base(request))
        response = scim_response(resource, status=201)
        response["Location"] = resource["meta"]["location"]
        return response
    start, count = selectors.page_bounds(request.GET.get("startIndex"), request.GET.get("count"))
    users = selectors.scim_user_list(filter_text=request.GET.get("filter"))
    page = list(users[start - 1 : start - 1 + count])
    return _list([user_resource(user, _base(request)) for user in page], users.count(), start)


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def user_view(request: HttpRequest, user_id: str) -> HttpResponse:
    user = selectors.scim_user_get(user_id=user_id)
    if request.method == "DELETE":
        services.scim_user_delete(user=user)
        return scim_response(None, status=204)
    if request.method == "PUT":
        services.scim_user_update(user=user, data=user_input(_body(request)))
    elif request.method == "PATCH":
        operations = patch_operations(_body(request))
        patched = user_patch_apply(user_resource(user, _base(request)), operations)
        services.scim_user_update(user=user, data=user_input(patched))
    return scim_response(user_resource(selectors.scim_user_get(user_id=user_id), _base(request)))


@scim_view({"GET", "POST"})
def groups_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        raise ScimError(
            403, "Groups are the workbench's fixed roles; they cannot be created over SCIM."
        )
    start, count = selectors.page_bounds(request.GET.get("startIndex"), request.GET.get("count"))
    groups = selectors.scim_group_list(filter_text=request.GET.get("filter"))
    page = list(groups[start - 1 : start - 1 + count])
    members = "members" not in request.GET.get("excludedAttributes", "")
    resources = [
        group_resource(
            group, selectors.scim_group_members(group) if members else [], _base(request)
        )
        for group in page
    ]
    return _list(resources, groups.count(), start)


@scim_view({"GET", "PUT", "PATCH", "DELETE"})
def group_view(request: HttpRequest, group_id: str) -> HttpResponse:
    group = selectors.scim_group_get(group_id=group_id)
    if request.method == "DELETE":
        raise ScimError(403, "Groups are the workbench's fixed roles; they cannot be deleted.")
    if request.method == "PUT":
        body = _body(request)
        if not isinstance(body, dict) or GROUP_SCHEMA not in (body.get("schemas") or []):
            raise ScimError(
                400, f"The resource must list the schema {GROUP_SCHEMA}.", "invalidValue"
            )
        members = _member_ids(body.get("members") or [])
        services.scim_group_set_members(group=group, members=members)
    elif request.method == "PATCH":
        current = {user.pk for user in selectors.scim_group_members(group)}
        members = _membership_patch(current, patch_operations(_body(request)))
        services.scim_group_set_members(group=group, members=members)
    group = selectors.scim_group_get(group_id=group_id)  # members as they are now
    return scim_response(group_resource(group, selectors.scim_group_members(group), _base(request)))


def _member_ids(members: Any) -> set[int]:
    if not isinstance(members, list):
        raise ScimError(400, '“members” must be a list of {"value": id}.', "invalidValue")
    ids = set()
    for member in members:
        value = member.get("value") if isinstance(member, dict) else None
        if not str(value).isdigit():
            raise ScimError(400, f"“{value}” is not a user id.", "invalidValue")
        ids.add(int(str(value)))
    return ids


def _membership_patch(current: set[int], operations: list[dict[str, Any]]) -> set[int]:
    """The members after the operations, applied in order."""
    members = set(current)
    for operation in operations:
        op, path = str(operation["op"]).lower(), str(operation.get("path") or "")
        value = operation.get("value")
        if not path and isinstance(value, dict) and "members" in value:
            path, value = "members", value["members"]
        if path == "members":
            ids = _member_ids(value if value is not None else [])
            members = ids if op == "replace" else members | ids if op == "add" else members - ids
            continue
        filtered = selectors.member_filter_id(path)
        if op == "remove" and filtered is not None:
            members.discard(filtered)
            continue
        raise ScimError(400, f"Unsupported path “{path}” for a group.", "invalidPath")
    return members


@scim_view({"GET"})
def service_provider_config_view(request: HttpRequest) -> HttpResponse:
    return scim_response(service_provider_config(_base(request)))


@scim_view({"GET"})
def resource_types_view(request: HttpRequest) -> HttpResponse:
    items = resource_types(_base(request))
    return _list(items, len(items), 1)


@scim_view({"GET"})
def schemas_view(request: HttpRequest) -> HttpResponse:
    items = schemas(_base(request))
    return _list(items, len(items), 1)
