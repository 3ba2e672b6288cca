from typing import Any

from django.http import HttpRequest

from frontline.core.menu import menu_for


def frontline(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from frontline.core.access import can

    return {
        "menu": menu_for(user, request.path),
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        "can_reveal": can(user, "sensitive.reveal"),
    }
