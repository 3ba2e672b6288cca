"""Model fields for sensitive personal information: encrypted at rest, found by a keyed hash."""

from __future__ import annotations

from typing import Any

from django.db import models

from frontline.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored encrypted (AES-GCM); reads give the plain value, the database never sees it."""

    def __init__(self, *args: Any, kind: str = "text", **kwargs: Any) -> None:
        self.kind = kind  # id_number, phone, address: decides masking and the blind-index namespace
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return crypto.decrypt(value)


class BlindIndexField(models.CharField):
    """A keyed hash of another field, kept up to date on every save and bulk insert."""

    def __init__(self, *args: Any, source: str = "", kind: str = "", **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("db_index", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        if not getattr(self, "db_index", True):  # indexed unless told otherwise (Field leaves a False out)
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def db_type(self, connection: Any) -> str | None:
        # PostgreSQL: spelled `character varying`, the same type as `varchar`, so that Django does not
        # add its second, `varchar_pattern_ops` index for LIKE queries: a keyed hash is only ever
        # compared whole, and every passage would pay for that unused index on insert.
        if connection.vendor == "postgresql":
            return f"character varying({self.max_length})"
        return super().db_type(connection)

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        plain = getattr(model_instance, self.source) or ""
        digest = crypto.blind_index(self.kind, plain) if plain else ""
        setattr(model_instance, self.attname, digest)
        return digest
