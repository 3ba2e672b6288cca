"""core.bulk: the hot-path INSERT, row construction and cursor behave as the ORM would."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from frontline.core.audit import _entry
from frontline.core.bulk import hot_cursor, insert_rows, new_instance
from frontline.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _entries(n: int) -> list[AuditLog]:
    return [
        _entry(actor="bulk-test", action=f"thing.{i}", target=None, changes={"n": i, "list": [i, "二"]}, ip="10.0.0.9")
        for i in range(n)
    ]


def test_insert_rows_stores_what_bulk_create_would_and_gives_each_object_its_key():
    mine, theirs = _entries(7), _entries(7)
    insert_rows(AuditLog, mine)
    AuditLog.objects.bulk_create(theirs)
    assert [o.pk for o in mine] == sorted(o.pk for o in mine) and all(o.pk for o in mine)
    fields = ["actor_name", "action", "changes", "ip", "target_type", "target_id"]
    stored = {o.pk: o for o in AuditLog.objects.all()}
    for a, b in zip(mine, theirs, strict=True):
        assert [getattr(stored[a.pk], f) for f in fields] == [getattr(stored[b.pk], f) for f in fields]
        assert stored[a.pk].action == a.action  # each object got the key of its own row
    assert not any(o._state.adding for o in mine)


def test_insert_rows_is_one_statement_on_postgresql():
    with CaptureQueriesContext(connection) as queries:
        insert_rows(AuditLog, _entries(300))
    if connection.vendor == "postgresql":
        assert len(queries) == 1
    assert AuditLog.objects.count() == 300


def test_new_instance_is_the_models_own_constructor_for_the_values_given():
    values = {"actor_id": None, "actor_name": "x", "action": "a.b", "changes": {"k": 1}, "ip": "10.1.1.1"}
    fast, slow = new_instance(AuditLog, values), AuditLog(**values)
    for f in AuditLog._meta.concrete_fields:
        if f.attname != "at":  # a default of now(): a moment apart
            assert getattr(fast, f.attname) == getattr(slow, f.attname), f.attname
    assert fast._state.adding and fast._state.db is None
    fast.save()
    assert AuditLog.objects.get(pk=fast.pk).changes == {"k": 1}
    with pytest.raises(TypeError):
        new_instance(AuditLog, {"no_such_field": 1})


def test_hot_cursor_raises_djangos_errors_and_is_logged():
    entry = _entries(1)[0]
    insert_rows(AuditLog, [entry])
    table = connection.ops.quote_name(AuditLog._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        with pytest.raises(IntegrityError), transaction.atomic(), hot_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, actor_name, action, target_type, target_id, target_repr, changes, at) "
                "SELECT id, actor_name, action, target_type, target_id, target_repr, changes, at "
                f"FROM {table} WHERE id = %s",
                [entry.pk],
            )
    assert any("INSERT INTO" in q["sql"] for q in queries.captured_queries)
    assert AuditLog.objects.count() == 1  # and the connection still works after the rollback
