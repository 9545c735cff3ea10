"""The fixed vocabulary of things a user can do with an asset, and how grants name them.

Policies (`policies/*.rego`) decide each action; an approved access request grants one action on
one asset as a django-guardian object permission on `catalog.Asset` (codename below) with a
`governance.Grant` record beside it that carries purpose, approver and expiry.
"""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    DISCOVER = "discover", "Discover (see metadata)"
    PREVIEW = "preview", "Preview a masked sample"
    QUERY = "query", "Query governed rows"
    USE_IN_SANDBOX = "use_in_sandbox", "Use in the prompt sandbox"
    TRAIN_MODEL = "train_model", "Train a citizen model"
    EXPORT = "export", "Export (CSV)"
    CURATE = "curate", "Curate metadata"
    APPROVE = "approve", "Approve access requests"


# Actions on data an access request can ask for (curate and approve come with a role, not a grant).
GRANTABLE_ACTIONS: tuple[Action, ...] = (
    Action.DISCOVER,
    Action.PREVIEW,
    Action.QUERY,
    Action.USE_IN_SANDBOX,
    Action.TRAIN_MODEL,
    Action.EXPORT,
)

# Actions that read the contents of a source, through the governed data path only.
CONTENT_ACTIONS: frozenset[str] = frozenset(
    {Action.PREVIEW, Action.QUERY, Action.USE_IN_SANDBOX, Action.TRAIN_MODEL, Action.EXPORT}
)


def grant_codename(action: str) -> str:
    """The django-guardian permission codename on catalog.Asset that a grant of `action` holds."""
    if action not in {a.value for a in GRANTABLE_ACTIONS}:
        raise ValueError(f"{action!r} cannot be granted on an asset.")
    return f"grant_{action}"


def grant_permission(action: str) -> str:
    """`app_label.codename`, as `user.has_perm(..., asset)` and `get_objects_for_user` take it."""
    return f"catalog.{grant_codename(action)}"
