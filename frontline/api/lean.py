"""A lean entry for the API's hot write URLs: token-authenticated POSTs of checkpoint records.

Fifty checkpoint phones registering people at once spend most of a request's CPU not on the
registration but on the framework around it: eleven middleware, URL resolution, ninja's operation
machinery (argument parsing, a Schema that wraps every value in an ORM getter, the response
schema's validation). For the few URLs named with :func:`lean_post`, a request that carries an API
token is answered here instead, by the same endpoint code through the same services, with only
the middleware that concern such a request:

- ``SecurityMiddleware`` (HTTPS redirect, HSTS and the other security headers),
- ``LocaleMiddleware`` (the request's language, ``Content-Language``, ``Vary``),
- ``XFrameOptionsMiddleware``,
- the client address for audit entries (``core.context.client_ip``),
- Django's ``request_started``/``request_finished`` signals (database connections are checked
  and recycled as for any request).

Left out on purpose: sessions, authentication by session and CSRF (a token request uses neither:
ninja checks CSRF only for cookie authentication), messages, WhiteNoise (static files) and
CommonMiddleware (its redirects concern other URLs).

Anything out of the ordinary before the endpoint's code runs is not handled here but handed to
Django with the body replayed, so Django and ninja answer it exactly as before: no token or an
unknown one, a host not allowed, another content type, a body too large, a body the endpoint's
schema refuses (ninja writes the 422). A handler says so by raising :class:`Fallback`; it must not
have written anything by then. An exception from the endpoint's code (a DomainError such as a
closed campaign's 409, a 403, a 404) is answered by ninja's exception handlers, as in ninja; any
other by Django's (logged, 500). Tests check that both ways give the same answers.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost, RequestDataTooBig
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import set_script_prefix
from django.utils.log import log_response

from frontline.core.context import client_ip
from frontline.core.middleware import request_ip

API_ROOT = "/api/v1"

Handler = Callable[[HttpRequest, bytes], HttpResponse]
_ROUTES: dict[str, Handler] = {}


class Fallback(Exception):
    """Let Django answer this request as it would without the lean entry."""


def lean_post(path: str) -> Callable[[Handler], Handler]:
    """Answer token-authenticated POSTs to API_ROOT + path with the decorated handler.

    The handler gets the request (``user`` set from the token, language active) and the raw body,
    and returns the response; it raises Fallback when Django should answer instead.
    """

    def register(handler: Handler) -> Handler:
        _ROUTES[API_ROOT + path] = handler
        return handler

    return register


def _token(environ: dict[str, Any]) -> str | None:
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip() or None
    return environ.get("HTTP_X_API_TOKEN") or None


def _ignore(_request: HttpRequest) -> HttpResponse:  # the middleware below never call through
    raise AssertionError


class LeanWSGI:
    """Wrap Django's WSGI application; answer the lean routes' token requests directly."""

    def __init__(self, django_app: Callable[..., Iterable[bytes]]) -> None:
        self.django_app = django_app
        import frontline.api.api  # noqa: F401 (loads every app's endpoints, and so the lean routes)

        self.security = SecurityMiddleware(_ignore)
        self.locale = LocaleMiddleware(_ignore)
        self.xframe = XFrameOptionsMiddleware(_ignore)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        handler = _ROUTES.get(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        token = _token(environ) if handler is not None else None
        if handler is None or token is None or not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            return self.django_app(environ, start_response)
        set_script_prefix(environ.get("SCRIPT_NAME", ""))
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            response = self._answer(environ, handler, token)
        finally:
            signals.request_finished.send(sender=self.__class__)
        if response is None:
            return self.django_app(environ, start_response)
        status = f"{response.status_code} {response.reason_phrase}"
        headers = [*response.items(), *(("Set-Cookie", c.OutputString()) for c in response.cookies.values())]
        start_response(status, headers)
        return [response.content]  # type: ignore[attr-defined]  # the handlers answer HttpResponse

    def _answer(self, environ: dict[str, Any], handler: Handler, token: str) -> HttpResponseBase | None:
        """The lean answer, or None to let Django answer (the body is put back for it)."""
        from frontline.api.services import api_token_user

        request = WSGIRequest(environ)
        try:
            request.get_host()
            body = request.body
        except (DisallowedHost, RequestDataTooBig):
            return None  # Django answers 400 / 413 as usual (the body was not read past its limit)
        environ["wsgi.input"] = io.BytesIO(body)  # for Django, should it answer after all
        redirect = self.security.process_request(request)
        if redirect is not None:
            return self.security.process_response(request, redirect)
        user = api_token_user(token)
        if user is None:
            return None
        request.user = user
        self.locale.process_request(request)
        ip = client_ip.set(request_ip(request))
        try:
            response: Any = handler(request, body)  # an HttpResponse; the middleware type theirs loosely
        except Fallback:
            return None
        except Exception as exc:  # what ninja makes of it (a DomainError's 4xx, 403, 404), else Django's 500
            response = _exception_response(request, exc)
        finally:
            client_ip.reset(ip)
        response = self.locale.process_response(request, response)
        response = self.xframe.process_response(request, response)
        if response.status_code >= 400:
            log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        return self.security.process_response(request, response)


def schema_dump(schema: Any, obj: Any) -> dict[str, Any]:
    """What a ninja response schema makes of an object, without its per-value getter: the schema's
    fields read from the object (or from the schema's `resolve_<field>`), for an answer rendered by
    ninja's renderer. Only for schemas of plain fields; the tests compare the answers with ninja's."""
    fields = _SCHEMA_FIELDS.get(schema)
    if fields is None:
        fields = _SCHEMA_FIELDS[schema] = [
            (name, getattr(schema, f"resolve_{name}", None)) for name in schema.model_fields
        ]
    return {name: resolve(obj) if resolve else getattr(obj, name) for name, resolve in fields}


_SCHEMA_FIELDS: dict[Any, list[tuple[str, Any]]] = {}


def _exception_response(request: HttpRequest, exc: Exception) -> HttpResponseBase:
    from frontline.api.api import api

    try:
        return api.on_exception(request, exc)
    except Exception as unhandled:  # answered as Django answers any error: logged, 500
        return response_for_exception(request, unhandled)


def lean_application(django_app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """Django's WSGI application behind the lean entry (the default; LEAN_API=0 turns it off)."""
    return LeanWSGI(django_app) if settings.LEAN_API else django_app
