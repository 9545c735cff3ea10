"""Template filters of the catalog pages: safe Markdown for descriptions, labels for PII kinds."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@lru_cache(maxsize=1)
def _renderer() -> Any:
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML disabled: any HTML a steward types is shown escaped, and
    # markdown-it refuses javascript:/vbscript:/data: link targets on its own.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@register.filter(name="markdown")
def markdown_filter(text: str | None) -> SafeString:
    """Markdown to HTML that cannot carry script: raw HTML is escaped, unsafe links dropped."""
    if not text:
        return mark_safe("")
    return mark_safe(_renderer().render(str(text)))  # noqa: S308  # html disabled above


@register.filter
def pii_label(kind: str) -> str:
    from catalog.services.pii_review import pii_kind_label

    return pii_kind_label(kind)


@register.filter
def get_item(mapping: dict[Any, Any] | None, key: Any) -> Any:
    return (mapping or {}).get(key)
