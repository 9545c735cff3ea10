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


def _matches(url: str, path: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def _nav_links(destinations: list[Destination], path: str) -> list[NavLink]:
    """One active entry: the most specific match (/catalog/sources/ over /catalog/)."""
    urls = [destination.url for destination in destinations]
    active = max((url for url in urls if _matches(url, path)), key=len, default=None)
    return [
        NavLink(destination.key, destination.title, url, url == active)
        for destination, url in zip(destinations, urls, strict=True)
    ]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    links: list[NavLink] = []
    if user is not None and user.is_authenticated:
        in_navbar = [item for item in destinations_for(user) if item.in_navbar]
        links = _nav_links(in_navbar, request.path)
    return {"nav_items": links, "demo_mode": settings.DEMO_MODE}
