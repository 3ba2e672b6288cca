from __future__ import annotations

from datetime import timedelta
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


_TOKEN_QUERY: dict[str, Any] = {}  # per database vendor, built once: the query of every API request


def _token_query() -> dict[str, Any]:
    """The user of an unrevoked token and whether the token's last use is stale, in one indexed read.

    Every API call checks its token; composing an ORM query each time (or a raw queryset's column
    mapping) cost more than running it, so the statement and the columns' converters are made once.
    """
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models.expressions import Col

    built = _TOKEN_QUERY.get(connection.vendor)
    if built is None:
        user_model = get_user_model()
        q = connection.ops.quote_name
        fields = list(user_model._meta.concrete_fields)
        token_table, user_table = q(ApiToken._meta.db_table), q(user_model._meta.db_table)
        columns = ", ".join(f"u.{q(f.column)}" for f in fields)
        sql = (
            f"SELECT {columns}, t.{q('id')}, "  # noqa: S608 (names only)
            f"(t.{q('last_used_at')} IS NULL OR t.{q('last_used_at')} < %s) "
            f"FROM {token_table} t JOIN {user_table} u ON u.{q(user_model._meta.pk.column)} = t.{q('user_id')} "
            f"WHERE t.{q('digest')} = %s AND t.{q('revoked_at')} IS NULL AND u.{q('is_active')}"
        )
        converters = []
        for i, f in enumerate(fields):
            col = Col("u", f)
            found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if found:
                converters.append((i, col, found))
        built = _TOKEN_QUERY[connection.vendor] = {
            "sql": sql,
            "model": user_model,
            "attnames": [f.attname for f in fields],
            "converters": converters,
        }
    return built


def api_token_user(raw: str) -> Any:
    """Return the active user of a valid, unrevoked token, or None (one indexed read per call)."""
    from django.db import connection

    query = _token_query()
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(query["sql"], [now - timedelta(seconds=60), token_hash(raw)])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, token_id, stale = row
    for i, col, converters in query["converters"]:
        for convert in converters:
            values[i] = convert(values[i], col, connection)
    user = query["model"].from_db(connection.alias, query["attnames"], values)
    # Touch at most once a minute: a checkpoint phone syncing often should not write every time.
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user
