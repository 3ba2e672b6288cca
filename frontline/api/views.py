from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from frontline.api.models import ApiToken
from frontline.api.services import api_token_create, api_token_revoke
from frontline.org.views import profile


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Create a token and show the profile with its value, once."""
    name = request.POST.get("name", "").strip() or "token"
    _token, raw = api_token_create(actor=request.user, user=request.user, name=name)
    request.new_token = raw  # type: ignore[attr-defined]
    return profile(request)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(actor=request.user, token=token)
    return redirect("org:profile")
