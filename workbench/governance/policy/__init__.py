"""The policy engine: Rego documents in `policies/`, versioned in the database, compiled once and
evaluated in-process (regopy); decisions explain themselves; lists are filtered in SQL.

    from workbench.governance.policy import decide, assets_permitted

(catalog.models imports this package inside `visible_to`, never at module level: it imports
catalog.models.)
"""

from __future__ import annotations

from workbench.governance.policy.attributes import resource_attributes, subject_attributes
from workbench.governance.policy.documents import (
    PolicyInvalid,
    policies_load,
    policies_validate,
    policy_version_save,
)
from workbench.governance.policy.engine import (
    Decision,
    decide,
    decide_actions,
    policy_cache_clear,
)
from workbench.governance.policy.filters import (
    access_class_key,
    asset_access_refresh,
    assets_access_refresh,
    assets_permitted,
)
from workbench.governance.policy.rego import PolicyProblem, PolicyRuntimeError
from workbench.governance.policy.simulator import what_may, who_may

__all__ = [
    "Decision",
    "PolicyInvalid",
    "PolicyProblem",
    "PolicyRuntimeError",
    "access_class_key",
    "asset_access_refresh",
    "assets_access_refresh",
    "assets_permitted",
    "decide",
    "decide_actions",
    "policies_load",
    "policies_validate",
    "policy_cache_clear",
    "policy_version_save",
    "resource_attributes",
    "subject_attributes",
    "what_may",
    "who_may",
]
