"""The sign-in page's single sign-on button and the local-login notice."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest

from workbench.sso.backends import REFUSAL_ATTRIBUTE
from workbench.sso.provider import sso_is_enabled

register = template.Library()


@register.inclusion_tag("sso/_sign_in.html")
def sso_sign_in(request: HttpRequest, next_url: str = "") -> dict[str, Any]:
    return {
        "sso_enabled": sso_is_enabled(),
        "provider_name": settings.OIDC_PROVIDER_NAME,
        "break_glass_only": settings.LOCAL_LOGIN == "breakglass",
        "refusal": getattr(request, REFUSAL_ATTRIBUTE, ""),
        "next_url": next_url,
    }
