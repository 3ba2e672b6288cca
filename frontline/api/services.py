from __future__ import annotations

import time
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


# A checkpoint phone sends its token with every registration; reading it from the database each
# time cost two round trips per request (the connection's health check and the look-up) — more
# than the rest of the request's own queries together. Each process remembers a valid token's user
# row for TOKEN_TTL seconds: a revoked token or a deactivated user is refused at once by the process
# that made the change, and by every other process within TOKEN_TTL seconds.
TOKEN_TTL = 10.0
_token_memo: dict[str, tuple[float, list[Any]]] = {}


def token_memo_forget(**kwargs: Any) -> None:
    """Forget the remembered tokens (connected to every save and delete of a user and of a token)."""
    _token_memo.clear()


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
    """Return the active user of a valid, unrevoked token, or None (remembered for TOKEN_TTL seconds).

    Each call gets its own user object (built from the remembered row), never one shared with
    another request.
    """
    from django.db import connection

    query = _token_query()
    digest = token_hash(raw)
    clock = time.monotonic()
    memo = _token_memo.get(digest)
    if memo is not None and clock - memo[0] < TOKEN_TTL:
        return query["model"].from_db(connection.alias, query["attnames"], memo[1])
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(query["sql"], [now - timedelta(seconds=60), digest])
        row = cursor.fetchone()
    if row is None:
        _token_memo.pop(digest, None)
        return None
    *values, token_id, stale = row
    for i, col, converters in query["converters"]:
        for convert in converters:
            values[i] = convert(values[i], col, connection)
    if len(_token_memo) > 1000:  # tokens in use are few; drop the expired ones now and then
        for key in [k for k, (at, _v) in _token_memo.items() if clock - at >= TOKEN_TTL]:
            _token_memo.pop(key, None)
    _token_memo[digest] = (clock, values)
    user = query["model"].from_db(connection.alias, query["attnames"], values)
    # Touch at most once a minute: a checkpoint phone syncing often should not write every time.
    if stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user
