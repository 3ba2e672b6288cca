"""The JSON API at /api/v1/: each app adds a router in its `api.py`; errors are translated."""

from __future__ import annotations

import importlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext, gettext_noop
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from frontline.api.services import api_token_user
from frontline.core.errors import DomainError


def _token_user(request: HttpRequest, raw: str) -> Any:
    """The token's user; a token that is sent but unknown, revoked or of an inactive user is a 401 at
    once (not a fall-through to the session check, whose CSRF refusal would read as a 403)."""
    user = api_token_user(raw)
    if user is None:
        raise AuthenticationError
    request.user = user
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return _token_user(request, token)


class TokenHeaderAuth(APIKeyHeader):
    param_name = "X-Api-Token"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return _token_user(request, key) if key else None


api = NinjaAPI(
    title="Frontline API",
    version="1",
    urls_namespace="api_v1",
    auth=[TokenAuth(), TokenHeaderAuth(), django_auth],
    docs_url="/docs",
    openapi_url="/openapi.json",
    description="Frontline (疫线): checkpoints, health, rosters, supplies, service desk. "
    "Authenticate with `Authorization: Bearer <token>` (tokens are made on the profile page or by "
    "`manage.py create_api_token USERNAME`). Errors: 422 with `detail` items naming the field (`loc`) "
    "and a message in the request's language (Accept-Language).",
)

# Pydantic's error types, in words users read (and translators see).
PYDANTIC_MESSAGES = {
    "missing": gettext_noop("This field is required."),
    "string_too_short": gettext_noop("This field is too short."),
    "string_too_long": gettext_noop("This field is too long."),
    "int_parsing": gettext_noop("Enter a whole number."),
    "float_parsing": gettext_noop("Enter a number."),
    "decimal_parsing": gettext_noop("Enter a number."),
    "date_from_datetime_parsing": gettext_noop("Enter a valid date."),
    "date_parsing": gettext_noop("Enter a valid date."),
    "datetime_parsing": gettext_noop("Enter a valid date and time."),
    "datetime_from_date_parsing": gettext_noop("Enter a valid date and time."),
    "uuid_parsing": gettext_noop("Enter a valid UUID."),
    "enum": gettext_noop("Select a valid choice."),
    "literal_error": gettext_noop("Select a valid choice."),
    "greater_than_equal": gettext_noop("The value is too small."),
    "less_than_equal": gettext_noop("The value is too large."),
    "string_type": gettext_noop("Enter text."),
    "bool_parsing": gettext_noop("Enter true or false."),
    "list_type": gettext_noop("Enter a list."),
    "json_invalid": gettext_noop("The request body is not valid JSON."),
}


def _translated(error: dict[str, Any]) -> str:
    msg = PYDANTIC_MESSAGES.get(error.get("type", ""))
    if msg:
        return gettext(msg)
    text = str(error.get("msg", ""))
    # A DomainError raised inside a schema validator arrives as "Value error, <message>".
    return text.removeprefix("Value error, ")


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail = []
    for error in exc.errors:
        loc = [p for p in error.get("loc", []) if p not in ("body", "payload", "query", "path")]
        detail.append(
            {"loc": loc, "field": ".".join(str(p) for p in loc), "msg": _translated(error), "type": error.get("type")}
        )
    return api.create_response(request, {"code": "invalid", "detail": detail}, status=422)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = exc.as_dict()
    if exc.field:
        body["detail"] = [{"loc": exc.field.split("."), "field": exc.field, "msg": str(exc), "type": exc.code}]
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": "not_found", "message": gettext("Not found.")}, status=404)


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"code": "forbidden", "message": gettext("You may not do this.")}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"code": "unauthenticated", "message": gettext("Log in or send an API token.")}, status=401
    )


for app in settings.INSTALLED_APPS:
    if not app.startswith("frontline.") or app == "frontline.api":
        continue
    try:
        module = importlib.import_module(f"{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.api":
            raise
        continue
    api.add_router(getattr(module, "PREFIX", "/"), module.router)
