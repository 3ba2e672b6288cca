"""Extension points: other apps add sections to the staff profile and the checkpoint page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from frontline.org.models import Checkpoint, Staff

# Each hook returns a list of sections: {"title", "headers", "rows", "count"(optional), "link"(optional)}.
STAFF_SECTION_HOOKS: list[Callable[[HttpRequest, Staff], list[dict[str, Any]]]] = []
CHECKPOINT_SECTION_HOOKS: list[Callable[[HttpRequest, Checkpoint], list[dict[str, Any]]]] = []


def staff_section(func: Callable[[HttpRequest, Staff], list[dict[str, Any]]]) -> Callable:
    """Register a function that adds sections to a staff profile."""
    STAFF_SECTION_HOOKS.append(func)
    return func


def checkpoint_section(func: Callable[[HttpRequest, Checkpoint], list[dict[str, Any]]]) -> Callable:
    """Register a function that adds sections to a checkpoint's page."""
    CHECKPOINT_SECTION_HOOKS.append(func)
    return func


def profile_sections(request: HttpRequest, staff: Staff) -> list[dict[str, Any]]:
    return [section for hook in STAFF_SECTION_HOOKS for section in hook(request, staff)]


def checkpoint_sections(request: HttpRequest, checkpoint: Checkpoint) -> list[dict[str, Any]]:
    return [section for hook in CHECKPOINT_SECTION_HOOKS for section in hook(request, checkpoint)]


def api_tokens_context(request: HttpRequest) -> dict[str, Any]:
    try:
        from frontline.api.models import ApiToken
    except ImportError:
        return {}
    return {"api_tokens": ApiToken.objects.filter(user__pk=request.user.pk or 0).order_by("-created_at")}
