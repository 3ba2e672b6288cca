"""Template helpers: masked sensitive values with a logged reveal, and list-page links."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from frontline.core.masking import mask

register = template.Library()


@register.simple_tag(takes_context=True)
def sensitive(context: Any, obj: Any, field: str, kind: str = "") -> str:
    """Show a sensitive field masked, with a reveal button for roles that may see it."""
    value = getattr(obj, field, "") or ""
    if not value:
        return ""
    model_field = obj._meta.get_field(field)
    masked_value = mask(kind or getattr(model_field, "kind", "address"), value)
    if not context.get("can_reveal"):
        return format_html('<span class="font-monospace">{}</span>', masked_value)
    url = reverse("core:reveal", args=[obj._meta.label_lower, obj.pk, field])
    return format_html(
        '<span class="sensitive"><span class="font-monospace">{}</span> '
        '<button type="button" class="btn btn-link btn-sm p-0 align-baseline" hx-post="{}" '
        'hx-target="closest .sensitive" hx-swap="outerHTML" title="{}">{}</button></span>',
        masked_value,
        url,
        _("Reveal (logged)"),
        _("show"),
    )


@register.simple_tag(takes_context=True)
def sort_link(context: Any, key: str) -> str:
    """Return the query string that sorts a list by key, toggling the direction."""
    current = context["state"]["sort"]
    new = f"-{key}" if current == key else key
    base = context.get("sort_querystring", "")
    return f"?{base}&sort={new}" if base else f"?sort={new}"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
