"""Access panels other apps' pages include: "Your access" on the asset page and the user's
grants on their profile. Each reads through the scoped selectors."""

from __future__ import annotations

from typing import Any

from django import template

from workbench.governance import selectors_requests as selectors

register = template.Library()


@register.inclusion_tag("governance/requests_asset_panel.html", takes_context=True)
def asset_access_panel(context: template.Context, asset: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "asset": asset,
        "user": user,
        "access": selectors.asset_access_get(user=user, asset=asset),
    }


@register.inclusion_tag("governance/grants_profile.html", takes_context=True)
def profile_grants(context: template.Context) -> dict[str, Any]:
    user = context["request"].user
    return {"grants": list(selectors.grant_list(user=user, state="live", mine=True))}
