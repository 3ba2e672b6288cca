from __future__ import annotations

from typing import Any

from django.utils import timezone

from frontline.api.models import ApiToken, token_hash
from frontline.core.audit import audit_record


def api_token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token for a user and return it with the raw value, shown once."""
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name[:100], prefix=raw[3:11], digest=token_hash(raw))
    audit_record(actor=actor, action="api_token.create", target=token)
    return token, raw


def api_token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="api_token.revoke", target=token)
    return token


def api_token_user(raw: str) -> Any:
    """Return the user of a valid token, or None."""
    token = ApiToken.objects.select_related("user").filter(digest=token_hash(raw), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Touch at most once a minute: a checkpoint phone syncing often should not write every time.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
