"""SCIM's own self-description (RFC 7644 section 4): what this service provider supports."""

from __future__ import annotations

from typing import Any

from workbench.scim.resources import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA, WORKBENCH_SCHEMA

SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RESOURCE_TYPE_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
SCHEMA_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Schema"


def service_provider_config(base: str) -> dict[str, Any]:
    return {
        "schemas": [SPC_SCHEMA],
        "documentationUri": base + "/api/docs/",
        "patch": {"supported": True},
        "bulk": {"supported": False, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": True, "maxResults": 200},
        "changePassword": {"supported": False},
        "sort": {"supported": False},
        "etag": {"supported": False},
        "authenticationSchemes": [
            {
                "type": "oauthbearertoken",
                "name": "Bearer token",
                "description": "The token in the file WORKBENCH_SCIM_TOKEN_FILE names.",
                "primary": True,
            }
        ],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": base + "/scim/v2/ServiceProviderConfig",
        },
    }


def resource_types(base: str) -> list[dict[str, Any]]:
    return [
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "User",
            "name": "User",
            "endpoint": "/Users",
            "schema": USER_SCHEMA,
            "schemaExtensions": [
                {"schema": ENTERPRISE_SCHEMA, "required": False},
                {"schema": WORKBENCH_SCHEMA, "required": False},
            ],
            "meta": {
                "resourceType": "ResourceType",
                "location": base + "/scim/v2/ResourceTypes/User",
            },
        },
        {
            "schemas": [RESOURCE_TYPE_SCHEMA],
            "id": "Group",
            "name": "Group",
            "description": "The workbench's fixed roles; membership gives the role.",
            "endpoint": "/Groups",
            "schema": GROUP_SCHEMA,
            "meta": {
                "resourceType": "ResourceType",
                "location": base + "/scim/v2/ResourceTypes/Group",
            },
        },
    ]


def _attribute(name: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "type": kind,
        "multiValued": extra.pop("multi", False),
        "required": extra.pop("required", False),
        "caseExact": False,
        "mutability": extra.pop("mutability", "readWrite"),
        "returned": "default",
        "uniqueness": extra.pop("uniqueness", "none"),
        **extra,
    }


def schemas(base: str) -> list[dict[str, Any]]:
    user_attributes = [
        _attribute("userName", required=True, uniqueness="server"),
        _attribute("externalId"),
        _attribute(
            "name",
            "complex",
            subAttributes=[
                _attribute("givenName"),
                _attribute("familyName"),
                _attribute("formatted", mutability="readOnly"),
            ],
        ),
        _attribute("displayName", mutability="readOnly"),
        _attribute("title"),
        _attribute("active", "boolean"),
        _attribute(
            "emails",
            "complex",
            multi=True,
            subAttributes=[
                _attribute("value"),
                _attribute("type"),
                _attribute("primary", "boolean"),
            ],
        ),
        _attribute(
            "groups",
            "complex",
            multi=True,
            mutability="readOnly",
            subAttributes=[_attribute("value"), _attribute("display")],
        ),
    ]
    enterprise = [
        _attribute("department", description="The department's code in the workbench."),
        _attribute(
            "manager",
            "complex",
            subAttributes=[_attribute("value", description="The manager's SCIM id.")],
        ),
    ]
    workbench = [
        _attribute("region", canonicalValues=["EU", "US", "APAC"]),
        _attribute(
            "clearance", canonicalValues=["public", "internal", "confidential", "restricted"]
        ),
    ]
    group_attributes = [
        _attribute("displayName", mutability="readOnly", uniqueness="server"),
        _attribute(
            "members",
            "complex",
            multi=True,
            subAttributes=[_attribute("value"), _attribute("display", mutability="readOnly")],
        ),
    ]
    described = [
        (USER_SCHEMA, "User", user_attributes),
        (ENTERPRISE_SCHEMA, "EnterpriseUser", enterprise),
        (WORKBENCH_SCHEMA, "WorkbenchUser", workbench),
        (GROUP_SCHEMA, "Group", group_attributes),
    ]
    return [
        {
            "schemas": [SCHEMA_SCHEMA],
            "id": schema_id,
            "name": name,
            "attributes": attributes,
            "meta": {"resourceType": "Schema", "location": f"{base}/scim/v2/Schemas/{schema_id}"},
        }
        for schema_id, name, attributes in described
    ]
