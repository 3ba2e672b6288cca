"""The one error type for broken domain rules."""

from __future__ import annotations

from typing import Any

from django.utils.encoding import force_str


class DomainError(Exception):
    """A rule of the domain was broken; carries a code, a translated message and the field."""

    def __init__(
        self,
        message: Any,
        *,
        code: str,
        field: str | None = None,
        params: dict[str, Any] | None = None,
        status: int = 422,
    ) -> None:
        self.message = message  # usually a lazy translation, rendered per request language
        self.code = code
        self.field = field
        self.params = params or {}
        self.status = status
        super().__init__(code)

    def __str__(self) -> str:
        text = force_str(self.message)
        return text % self.params if self.params else text

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self)}
        if self.field:
            body["field"] = self.field
        return body
