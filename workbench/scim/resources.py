"""SCIM resources as JSON: users and groups (roles) out, validated attributes in, PATCH applied."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.urls import reverse

from workbench.accounts.models import Clearance, Department, Region, User
from workbench.accounts.roles import Role
from workbench.scim.errors import ScimError, invalid_value

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
WORKBENCH_SCHEMA = "urn:workbench:params:scim:schemas:extension:2.0:User"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ROLE_NAMES = frozenset(role.value for role in Role)


def _iso(value: Any) -> str:
    return value.isoformat().replace("+00:00", "Z")


def user_resource(user: User, request_base: str) -> dict[str, Any]:
    provisioning = getattr(user, "provisioning", None)
    modified = provisioning.updated_at if provisioning else user.date_joined
    location = request_base + reverse("scim:user", args=[user.pk])
    resource: dict[str, Any] = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA, WORKBENCH_SCHEMA],
        "id": str(user.pk),
        "userName": user.username,
        "name": {
            "givenName": user.first_name,
            "familyName": user.last_name,
            "formatted": user.get_full_name(),
        },
        "displayName": user.display_name,
        "title": user.job_title,
        "active": user.is_active,
        "emails": [{"value": user.email, "type": "work", "primary": True}] if user.email else [],
        "groups": [
            {"value": str(group.pk), "display": group.name}
            for group in user.groups.all()
            if group.name in ROLE_NAMES
        ],
        ENTERPRISE_SCHEMA: {
            "department": user.department.code if user.department else "",
            **({"manager": {"value": str(user.manager.pk)}} if user.manager else {}),
        },
        WORKBENCH_SCHEMA: {
            "region": user.region,
            "clearance": Clearance(user.clearance).name.lower(),
        },
        "meta": {
            "resourceType": "User",
            "created": _iso(provisioning.created_at if provisioning else user.date_joined),
            "lastModified": _iso(modified),
            "location": location,
            "version": f'W/"{int(modified.timestamp() * 1000)}"',
        },
    }
    if provisioning and provisioning.external_id:
        resource["externalId"] = provisioning.external_id
    return resource


def group_resource(group: Group, members: list[User], request_base: str) -> dict[str, Any]:
    return {
        "schemas": [GROUP_SCHEMA],
        "id": str(group.pk),
        "displayName": group.name,
        "members": [
            {
                "value": str(member.pk),
                "display": member.username,
                "$ref": request_base + reverse("scim:user", args=[member.pk]),
            }
            for member in members
        ],
        "meta": {
            "resourceType": "Group",
            "location": request_base + reverse("scim:group", args=[group.pk]),
        },
    }


@dataclass(frozen=True)
class UserInput:
    """A user's attributes as a SCIM client sent them, checked and in the workbench's terms."""

    username: str
    external_id: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    is_active: bool
    department: Department | None
    manager: User | None
    region: str
    clearance: int


def user_input(body: Any) -> UserInput:
    """Validate a full user resource (POST, PUT, or the result of a PATCH); ScimError if wrong."""
    if not isinstance(body, dict):
        raise invalid_value("The request body must be a JSON object (a SCIM User resource).")
    schemas = body.get("schemas")
    if not isinstance(schemas, list) or USER_SCHEMA not in schemas:
        raise invalid_value(f"The resource must list the schema {USER_SCHEMA} in “schemas”.")
    username = _text(body, "userName", required=True, max_length=150)
    if not re.fullmatch(r"[\w.@+-]+", username):
        raise invalid_value("userName may hold letters, digits and @ . + - _ only.")
    name = _object(body, "name")
    enterprise = _object(body, ENTERPRISE_SCHEMA)
    workbench = _object(body, WORKBENCH_SCHEMA)
    return UserInput(
        username=username,
        external_id=_text(body, "externalId", max_length=255),
        first_name=_text(name, "givenName", max_length=150),
        last_name=_text(name, "familyName", max_length=150),
        email=_email(body),
        job_title=_text(body, "title", max_length=120),
        is_active=_boolean(body, "active", default=True),
        department=_department(enterprise),
        manager=_manager(enterprise),
        region=_region(workbench),
        clearance=_clearance(workbench),
    )


def _text(body: dict[str, Any], key: str, *, required: bool = False, max_length: int) -> str:
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise invalid_value(f"“{key}” is required.")
        return ""
    if not isinstance(value, str):
        raise invalid_value(f"“{key}” must be a string.")
    if len(value) > max_length:
        raise invalid_value(f"“{key}” is longer than {max_length} characters.")
    return value.strip()


def _object(body: dict[str, Any], key: str) -> dict[str, Any]:
    value = body.get(key) or {}
    if not isinstance(value, dict):
        raise invalid_value(f"“{key}” must be an object.")
    return value


def _boolean(body: dict[str, Any], key: str, *, default: bool) -> bool:
    value = body.get(key, default)
    # Some providers send "True"/"False" as strings; accept exactly those, nothing looser.
    if isinstance(value, str) and value.lower() in {"true", "false"}:
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise invalid_value(f"“{key}” must be true or false.")
    return value


def _email(body: dict[str, Any]) -> str:
    emails = body.get("emails") or []
    if not isinstance(emails, list) or not all(isinstance(item, dict) for item in emails):
        raise invalid_value("“emails” must be a list of objects with a “value”.")
    chosen = next((item for item in emails if item.get("primary") is True), None)
    chosen = chosen or (emails[0] if emails else {})
    value = chosen.get("value", "")
    if value and (not isinstance(value, str) or not re.fullmatch(r"[^@\s]+@[^@\s]+", value)):
        raise invalid_value(f"“{value}” is not an email address.")
    return str(value)


def _department(enterprise: dict[str, Any]) -> Department | None:
    code = _text(enterprise, "department", max_length=40)
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise invalid_value(
            f"Unknown department code “{code}”; a platform admin must create it first."
        )
    return department


def _manager(enterprise: dict[str, Any]) -> User | None:
    manager = enterprise.get("manager")
    if manager in (None, "", {}):
        return None
    value = manager.get("value") if isinstance(manager, dict) else manager
    found = User.objects.filter(pk=int(str(value))).first() if str(value).isdigit() else None
    if found is None:
        raise invalid_value(f"Unknown manager “{value}”: give the SCIM id of an existing user.")
    return found


def _region(workbench: dict[str, Any]) -> str:
    value = _text(workbench, "region", max_length=8) or Region.EU.value
    codes = {region.value.lower(): region.value for region in Region}
    if value.lower() not in codes:
        raise invalid_value(
            f"Unknown region “{value}”; known: {', '.join(sorted(codes.values()))}."
        )
    return codes[value.lower()]


def _clearance(workbench: dict[str, Any]) -> int:
    value = workbench.get("clearance", "internal")
    names = {choice.name.lower(): int(choice) for choice in Clearance}
    key = str(value).lower() if isinstance(value, str | int) else ""
    if key.isdigit() and int(key) in names.values():
        return int(key)
    if key not in names:
        raise invalid_value(f"Unknown clearance “{value}”; known: {', '.join(names)}.")
    return names[key]


# --- PATCH (RFC 7644 section 3.5.2) ------------------------------------------------------------

_FILTERED_PATH = re.compile(r'^(\w+)\[(\w+) eq "([^"]*)"\](?:\.(\w+))?$')
_SCHEMA_PREFIXES = (ENTERPRISE_SCHEMA, WORKBENCH_SCHEMA, USER_SCHEMA)


def patch_operations(body: Any) -> list[dict[str, Any]]:
    """The operations of a PatchOp message, checked for shape."""
    if not isinstance(body, dict) or PATCH_SCHEMA not in (body.get("schemas") or []):
        raise invalid_value(f"A PATCH body must be a {PATCH_SCHEMA} message.")
    operations = body.get("Operations")
    if not isinstance(operations, list) or not operations:
        raise invalid_value("“Operations” must be a non-empty list.")
    for operation in operations:
        if not isinstance(operation, dict):
            raise invalid_value("Each operation must be an object.")
        op = str(operation.get("op", "")).lower()
        if op not in {"add", "replace", "remove"}:
            raise invalid_value(f"Unknown operation “{operation.get('op')}”.")
        if "path" in operation and not isinstance(operation["path"], str):
            raise ScimError(400, "“path” must be a string.", "invalidPath")
        if op == "remove" and not operation.get("path"):
            raise ScimError(400, "A remove operation needs a path.", "noTarget")
    return operations


def user_patch_apply(resource: dict[str, Any], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """A copy of `resource` with the operations applied, ready for `user_input`."""
    patched = copy.deepcopy(resource)
    for operation in operations:
        op = str(operation["op"]).lower()
        path = operation.get("path")
        value = operation.get("value")
        if not path:
            if not isinstance(value, dict):
                raise invalid_value("An operation without a path needs an object as its value.")
            for key, item in value.items():
                _set_path(patched, key, item, op)
        else:
            _set_path(patched, path, value, op)
    return patched


def _set_path(resource: dict[str, Any], path: str, value: Any, op: str) -> None:
    for prefix in _SCHEMA_PREFIXES:
        if path.startswith(prefix + ":"):
            container = resource if prefix == USER_SCHEMA else resource.setdefault(prefix, {})
            _set_simple(container, path[len(prefix) + 1 :], value, op)
            return
    if path in _SCHEMA_PREFIXES and isinstance(value, dict):
        for key, item in value.items():
            _set_path(resource, f"{path}:{key}", item, op)
        return
    filtered = _FILTERED_PATH.match(path)
    if filtered:
        _set_filtered(resource, filtered.groups(), value, op)
        return
    _set_simple(resource, path, value, op)


def _set_simple(container: dict[str, Any], path: str, value: Any, op: str) -> None:
    parts = path.split(".")
    if not all(re.fullmatch(r"[A-Za-z$][\w$]*", part) for part in parts) or len(parts) > 2:
        raise ScimError(400, f"Unsupported path “{path}”.", "invalidPath")
    _check_mutable(parts[0])
    target = container
    if len(parts) == 2:
        target = container.setdefault(parts[0], {})
        if not isinstance(target, dict):
            raise ScimError(400, f"“{parts[0]}” has no sub-attributes.", "invalidPath")
    key = parts[-1]
    if op == "remove":
        target.pop(key, None)
    elif op == "add" and isinstance(target.get(key), list) and isinstance(value, list):
        target[key] = target[key] + value
    else:
        target[key] = value


def _set_filtered(
    resource: dict[str, Any], groups: tuple[str | None, ...], value: Any, op: str
) -> None:
    attribute, field, wanted, sub = groups
    assert attribute
    assert field
    if attribute != "emails":
        raise ScimError(400, f"Unsupported filtered path on “{attribute}”.", "invalidPath")
    items = [item for item in resource.get("emails", []) if isinstance(item, dict)]
    matching = [item for item in items if str(item.get(field)) == wanted]
    if op == "remove":
        resource["emails"] = [item for item in items if item not in matching]
        return
    if not matching:
        matching = [{field: wanted, "primary": not items}]
        items.append(matching[0])
    for item in matching:
        if sub:
            item[sub] = value
        elif isinstance(value, dict):
            item.update(value)
    resource["emails"] = items


def _check_mutable(attribute: str) -> None:
    if attribute in {"id", "meta", "groups", "schemas"}:
        raise ScimError(
            400,
            f"“{attribute}” cannot be changed here"
            + (" (change group membership through /Groups)." if attribute == "groups" else "."),
            "mutability",
        )
