"""Editing a policy document from the UI or the API: a new version through the engine's
`policy_version_save`, refused when someone saved another version since the editor opened."""

from __future__ import annotations

from workbench.accounts.models import User
from workbench.governance.models import Policy, PolicyVersion


class PolicyConflict(Exception):
    """Someone saved a newer version since the editor opened this one."""

    def __init__(self, current: PolicyVersion) -> None:
        author = current.author.get_username() if current.author else "the policies/ folder"
        self.current = current
        self.message = (
            f"{current.policy.path} changed while you edited it: version {current.number} was "
            f"saved by {author}. Your text is kept below; compare it with the new version, then "
            "save again."
        )
        super().__init__(self.message)


def policy_edit_save(
    *,
    policy: Policy,
    author: User,
    source: str,
    comment: str = "",
    base_version: int | None = None,
    loaded_from: str = "ui",
) -> PolicyVersion | None:
    """Save `source` as the next version of `policy`; None when it equals the current text.

    `base_version` is the number the editor started from (None: do not check). Raises
    PolicyConflict when a newer version exists, and the engine's PolicyInvalid (with line,
    column and reason, already recorded in the audit trail) when any document then fails to
    compile or its Rego tests fail.
    """
    from workbench.governance.policy.documents import policy_version_save_if_changed

    current = policy.versions.select_related("author", "policy").order_by("-number").first()
    if base_version is not None and current is not None and current.number != base_version:
        raise PolicyConflict(current)
    result = policy_version_save_if_changed(
        path=policy.path, source=source, author=author, comment=comment, loaded_from=loaded_from
    )
    return result.version if result.created else None
