from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from workbench.core.navigation import Destination, destinations_for


@dataclass(frozen=True)
class NavLink:
    key: str
    title: str
    url: str
    is_active: bool


def _nav_link(destination: Destination, path: str) -> NavLink:
    url = destination.url
    is_active = path == url or (url != "/" and path.startswith(url))
    return NavLink(destination.key, destination.title, url, is_active)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    links: list[NavLink] = []
    if user is not None and user.is_authenticated:
        links = [_nav_link(item, request.path) for item in destinations_for(user) if item.in_navbar]
    return {"nav_items": links, "demo_mode": settings.DEMO_MODE}
