"""Fast multi-row INSERTs for hot paths (checkpoint registrations and their audit entries)."""

from __future__ import annotations

import ipaddress
import json
import time
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections, models, router
from django.db.models import signals
from django.db.models.base import ModelState
from django.utils import timezone


def _json_value(value: Any) -> Any:
    """JSON for what a field's get_db_prep_save gives PostgreSQL (read back by json_populate_recordset)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | ipaddress.IPv4Address | ipaddress.IPv6Address):
        return str(value)
    from psycopg.types.json import Jsonb  # only PostgreSQL takes this path

    if isinstance(value, Jsonb):
        return value.obj
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


# Fields whose value PostgreSQL takes as the attribute holds it once validated (Django's own
# get_db_prep_save returns it unchanged there): skipping that call saves a fifth of a batch's time.
# Every other field, encrypted ones included, goes through its own get_db_prep_save.
_PG_AS_IS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.ForeignKey,
    models.UUIDField,
    models.DecimalField,
    models.DateField,
    models.DateTimeField,
)


_PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)
_AS_TEXT = (models.DecimalField, models.UUIDField)
_AS_ISO = (models.DateField, models.DateTimeField)
_PG_PLANS: dict[type[Any], list[tuple[Any, str, bool, Any]]] = {}


def _pg_plan(model: type[Any], fields: list[Any]) -> list[tuple[Any, str, bool, Any]]:
    """For each field: its attribute, whether its own pre_save must run, and how its value goes to JSON.

    A field whose pre_save is Django's plain one holds its value as the attribute (auto_now and
    auto_now_add fields too: insert_rows stamps them first); only the others (encryption, blind
    indexes) are asked. Computed once per model.
    """
    plan = _PG_PLANS.get(model)
    if plan is None:
        plan = []
        for f in fields:
            plain = type(f).pre_save in _PLAIN_PRE_SAVE  # auto_now(_add) fields are stamped by insert_rows
            kind = type(f)
            if kind not in _PG_AS_IS:
                how = "prep"
            elif issubclass(kind, _AS_TEXT):
                how = "text"
            elif issubclass(kind, _AS_ISO):
                how = "iso"
            else:
                how = "as_is"
            plan.append((f, f.attname, not plain, how))
        _PG_PLANS[model] = plan
    return plan


def _pg_values(obj: Any, plan: list[tuple[Any, str, bool, Any]], db: Any) -> list[Any]:
    """The row's values as PostgreSQL's JSON input takes them (what save() would send)."""
    out = []
    attrs = obj.__dict__
    for f, attname, own_pre_save, how in plan:
        value = f.pre_save(obj, True) if own_pre_save else attrs.get(attname)
        if value is None or how == "as_is":
            out.append(value)
        elif how == "text":
            out.append(str(value))
        elif how == "iso":
            out.append(value.isoformat())
        else:
            out.append(f.get_db_prep_save(value, db))
    return out


class _LoggedCursor:
    """A psycopg cursor binding parameters on the server, logged as Django logs its own queries."""

    def __init__(self, db: Any) -> None:
        import psycopg

        db.ensure_connection()
        self.db = db
        self.cursor = psycopg.Cursor(db.connection)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.db.validate_no_broken_transaction()  # as Django's cursor: no statement after a failed one
        started = time.monotonic()
        try:
            with self.db.wrap_database_errors:  # Django's exceptions (IntegrityError, …); marks the connection
                self.cursor.execute(sql, params)
        finally:
            if self.db.queries_logged:
                self.db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - started:.3f}"})

    def fetchone(self) -> Any:
        return self.cursor.fetchone()

    def fetchall(self) -> list[Any]:
        return self.cursor.fetchall()

    def __enter__(self) -> _LoggedCursor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cursor.close()


def hot_cursor(db: Any = None) -> Any:
    """A cursor for statements run many times a second (registrations, their audit and counters).

    On PostgreSQL it binds parameters on the server: a batch's 100 kB JSON payload is sent as it is
    instead of being quoted into the statement by the driver, and the driver's per-statement work
    in Python is smaller. Errors become Django's database exceptions, and statements are logged, as
    with Django's cursor. Elsewhere it is Django's own cursor. Statements go to the caller's
    transaction, as with `connection.cursor()`.
    """
    db = db or connections["default"]
    if db.vendor != "postgresql":
        return db.cursor()
    return _LoggedCursor(db)


_DEFAULTS: dict[type[Any], list[tuple[str, Any]]] = {}


def new_instance(model: type[Any], values: dict[str, Any]) -> Any:
    """`model(**values)` for values keyed by attribute name (`checkpoint_id`, not `checkpoint`), at a
    fraction of its cost: the attributes are set directly, the fields not given take their default.

    Model.__init__ walks every field through its descriptors; building a thousand rows of a batch,
    that cost more than validating them. A model with init signal receivers is built the usual way.
    """
    if signals.pre_init.has_listeners(model) or signals.post_init.has_listeners(model):
        return model(**values)
    fields = _DEFAULTS.get(model)
    if fields is None:
        fields = _DEFAULTS[model] = [(f.attname, f) for f in model._meta.concrete_fields]
    obj = object.__new__(model)
    obj._state = ModelState()
    attrs = obj.__dict__
    for attname, field in fields:
        attrs[attname] = values[attname] if attname in values else field.get_default()
    unknown = values.keys() - attrs.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
    return obj


def insert_rows(model: type[Any], objs: list[Any], *, skip_conflicts_on: str | None = None) -> None:
    """Insert the objects in one statement (a few on SQLite) and give them their primary keys.

    What `bulk_create` does, for hot paths, at a fraction of its cost: field values are prepared by
    the fields themselves (encryption, blind indexes, auto_now_add), exactly as `save()` would, but
    on PostgreSQL all the rows travel as ONE JSON parameter read by `json_populate_recordset` (a
    VALUES list of 1000 rows would make the driver parse a statement with 22,000 placeholders);
    elsewhere as VALUES lists within the driver's parameter limit.

    With `skip_conflicts_on` (a unique field, e.g. a client UUID): `INSERT … ON CONFLICT (it) DO
    NOTHING RETURNING`, so a value stored before (or by a concurrent transaction, which the
    database waits for) is skipped by the database itself — no look-up first, no savepoint — and
    the objects left without a pk are the duplicates.
    """
    if not objs:
        return
    db = connections[router.db_for_write(model)]  # the wrapper, not the `connection` proxy (a lookup per use)
    meta = model._meta
    q = db.ops.quote_name
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    table, pk_col = q(meta.db_table), q(meta.pk.column)
    columns = ", ".join(q(f.column) for f in fields)
    statements: list[tuple[str, list[Any], int]] = []  # (source of the rows, parameters, index of the first)
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    if stamped:  # one time for the statement's rows, as the database's now() would give
        now = timezone.now()
        for obj in objs:
            for attname in stamped:
                setattr(obj, attname, now)
    if db.vendor == "postgresql":
        names = [f.column for f in fields]
        plan = _pg_plan(model, fields)
        rows = [_pg_values(obj, plan, db) for obj in objs]
        payload = json.dumps(
            [dict(zip(names, row, strict=True)) for row in rows],
            default=_json_value,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        source = f"SELECT {columns} FROM json_populate_recordset(NULL::{table}, %s::json)"  # noqa: S608 (names only)
        statements.append((source, [payload], 0))
    else:
        rows = [[f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields] for obj in objs]
        row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = max(1, db.ops.bulk_batch_size(fields, objs))
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            statements.append((f"VALUES {', '.join([row_sql] * len(chunk))}", [v for row in chunk for v in row], start))
    if skip_conflicts_on:
        key = meta.get_field(skip_conflicts_on)
        by_key = {getattr(obj, key.attname): obj for obj in objs}
        tail = f"ON CONFLICT ({q(key.column)}) DO NOTHING RETURNING {pk_col}, {q(key.column)}"
    else:
        tail = f"RETURNING {pk_col}"
    with hot_cursor(db) as cursor:
        for source, params, first in statements:
            cursor.execute(f"INSERT INTO {table} ({columns}) {source} {tail}", params)
            if skip_conflicts_on:
                pairs = [(by_key[key.to_python(raw)], pk) for pk, raw in cursor.fetchall()]
            else:  # rows come back in the order they were sent, as bulk_create also assumes
                pairs = [(objs[first + i], pk) for i, (pk,) in enumerate(cursor.fetchall())]
            for obj, pk in pairs:
                obj.pk = pk
                obj._state.adding = False
                obj._state.db = db.alias
