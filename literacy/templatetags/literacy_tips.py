"""`{% literacy_tip "concept-key" %}`: a short micro-learning tip next to a concept on any page.

    {% load literacy_tips %}
    {% literacy_tip "personal-data" %}

Renders nothing when the tip does not exist, so pages never break on a missing tip.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from literacy.community_selectors import tip_get
from literacy.markdown import markdown_render

register = template.Library()


@register.simple_tag(takes_context=True)
def literacy_tip(context: template.Context, key: str) -> SafeString:
    tip = tip_get(str(key))
    if tip is None:
        return mark_safe("")
    user = context.get("user")
    may_learn = bool(user and user.is_authenticated and user.has_perm("literacy.take_course"))
    return mark_safe(  # noqa: S308 - a template of ours, with the tip's Markdown rendered safely
        render_to_string(
            "literacy/_tip.html",
            {"tip": tip, "body": markdown_render(tip.body_markdown), "may_learn": may_learn},
        )
    )
