"""Public pages of the service desk: no log-in, mobile first, CSRF-protected and rate-limited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from frontline.core.forms import call_service
from frontline.core.middleware import request_ip
from frontline.core.ratelimit import rate_limit_hit
from frontline.desk import services
from frontline.desk.forms import LegalAidForm, LookupForm, MessageForm, RateForm, TipForm
from frontline.desk.models import Channel, HotlineNumber, LegalAidRequest, Publicity, Tip
from frontline.desk.selectors import desk_settings, public_lookup
from frontline.org.models import Campaign
from frontline.org.selectors import current_campaign

SESSION_SUBMITTED = "desk_submitted"  # the code and secret just issued, shown once
SESSION_AUTHORISED = "desk_authorised"  # the record this browser proved it may read


def _campaign() -> Campaign:
    campaign = current_campaign()
    if campaign is None:
        raise Http404
    return campaign


def _limited(request: HttpRequest, *, scope: str, limit: int) -> HttpResponse | None:
    """Count one public action from this address; past the limit, answer with the refusal page."""
    if rate_limit_hit(key=f"desk:{scope}:{request_ip(request)}", limit=limit):
        return None
    return render(request, "desk/public_limited.html", {"limit": limit}, status=429)


def public_home(request: HttpRequest) -> HttpResponse:
    """The public landing page: hotline numbers, the two forms, the status look-up, rumours answered."""
    campaign = _campaign()
    context = {
        "campaign": campaign,
        "numbers": HotlineNumber.objects.filter(campaign=campaign, active=True),
        "rumours": Publicity.objects.filter(campaign=campaign, kind=Publicity.Kind.RUMOUR).order_by(
            "-happened_on", "-id"
        )[:5],
        "posts": Publicity.objects.filter(campaign=campaign, kind=Publicity.Kind.WECHAT).order_by(
            "-published_at", "-id"
        )[:5],
        "settings": desk_settings(campaign),
    }
    return render(request, "desk/public_home.html", context)


def public_privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice of the public forms."""
    return render(request, "desk/public_privacy.html", {"settings": desk_settings(_campaign())})


def _public_form(request: HttpRequest, *, kind: str) -> HttpResponse:
    campaign = _campaign()
    form_class: Any = TipForm if kind == "tip" else LegalAidForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        refused = _limited(request, scope="submit", limit=desk_settings(campaign).public_submissions_per_hour)
        if refused:
            return refused
        if kind == "tip":
            result = call_service(
                form,
                services.tip_submit,
                actor="public",
                campaign=campaign,
                channel=Channel.WEB,
                **form.service_kwargs(),
            )
            if result:
                tip, secret = result
                request.session[SESSION_SUBMITTED] = {
                    "code": tip.display_code,
                    "secret": secret if not tip.reporter_phone else "",
                    "kind": "tip",
                }
                request.session[SESSION_AUTHORISED] = {"model": "tip", "pk": tip.pk}
                return redirect("desk:public_submitted")
        else:
            saved = call_service(
                form,
                services.legalaid_submit,
                actor="public",
                campaign=campaign,
                channel=Channel.WEB,
                **form.service_kwargs(),
            )
            if saved:
                request.session[SESSION_SUBMITTED] = {"code": saved.display_code, "secret": "", "kind": "legalaid"}
                request.session[SESSION_AUTHORISED] = {"model": "legalaid", "pk": saved.pk}
                return redirect("desk:public_submitted")
    template = "desk/public_tip.html" if kind == "tip" else "desk/public_legalaid.html"
    return render(request, template, {"form": form, "campaign": campaign})


def public_tip(request: HttpRequest) -> HttpResponse:
    """The public tip form (anonymous allowed)."""
    return _public_form(request, kind="tip")


def public_legalaid(request: HttpRequest) -> HttpResponse:
    """The public legal-aid request form."""
    return _public_form(request, kind="legalaid")


def public_submitted(request: HttpRequest) -> HttpResponse:
    """Show the tracking code just issued (once: a reload shows the look-up page)."""
    issued = request.session.pop(SESSION_SUBMITTED, None)
    if not issued:
        return redirect("desk:public_status")
    return render(request, "desk/public_submitted.html", {"issued": issued})


def _authorised(request: HttpRequest) -> Tip | LegalAidRequest | None:
    held = request.session.get(SESSION_AUTHORISED)
    if not held:
        return None
    model: Any = Tip if held.get("model") == "tip" else LegalAidRequest
    return model.objects.filter(pk=held.get("pk")).first()


def public_status(request: HttpRequest) -> HttpResponse:
    """Look up a tip or request by tracking code and the phone's last four digits."""
    form = LookupForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    not_found = False
    if request.method == "POST":
        refused = _limited(request, scope="lookup", limit=settings.FRONTLINE_RATE_LIMIT_PER_HOUR)
        if refused:
            return refused
        if form.is_valid():
            found = public_lookup(form.cleaned_data["code"], form.cleaned_data["suffix"])
            if found is not None:
                model = "tip" if isinstance(found, Tip) else "legalaid"
                request.session[SESSION_AUTHORISED] = {"model": model, "pk": found.pk}
                return redirect("desk:public_status_view")
        # One answer for a wrong code, a wrong suffix or a malformed entry: nothing is revealed.
        not_found = True
    return render(request, "desk/public_status.html", {"form": form, "not_found": not_found})


def public_status_view(request: HttpRequest) -> HttpResponse:
    """Show the status (and the lawyer's replies) of the record this browser looked up."""
    record = _authorised(request)
    if record is None:
        return redirect("desk:public_status")
    context: dict[str, Any] = {"record": record, "now": timezone.now()}
    if isinstance(record, LegalAidRequest):
        context.update(
            kind="legalaid",
            thread=record.messages.exclude(author_kind="staff").order_by("created_at", "id"),
            rate_form=RateForm(),
            follow_form=MessageForm(),
            can_rate=record.first_replied_at is not None and record.rating is None,
            can_follow_up=record.status == LegalAidRequest.Status.ANSWERED,
        )
    else:
        context["kind"] = "tip"
    return render(request, "desk/public_status_view.html", context)


@require_POST
def public_rate(request: HttpRequest) -> HttpResponse:
    """The requester rates the lawyer's answer."""
    record = _authorised(request)
    if not isinstance(record, LegalAidRequest):
        return redirect("desk:public_status")
    form = RateForm(request.POST)
    if (
        form.is_valid()
        and call_service(
            form,
            services.legalaid_rate,
            request=record,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
        is not None
    ):
        return redirect("desk:public_status_view")
    return render(
        request,
        "desk/public_status_view.html",
        {
            "record": record,
            "kind": "legalaid",
            "rate_form": form,
            "follow_form": MessageForm(),
            "can_rate": True,
            "thread": record.messages.exclude(author_kind="staff"),
            "can_follow_up": record.status == LegalAidRequest.Status.ANSWERED,
        },
        status=422,
    )


@require_POST
def public_follow_up(request: HttpRequest) -> HttpResponse:
    """The requester asks a follow-up question."""
    record = _authorised(request)
    if not isinstance(record, LegalAidRequest):
        return redirect("desk:public_status")
    refused = _limited(request, scope="submit", limit=desk_settings(record.campaign).public_submissions_per_hour)
    if refused:
        return refused
    form = MessageForm(request.POST)
    if (
        form.is_valid()
        and call_service(form, services.legalaid_follow_up, request=record, body=form.cleaned_data["body"]) is not None
    ):
        return redirect("desk:public_status_view")
    return render(
        request,
        "desk/public_status_view.html",
        {
            "record": record,
            "kind": "legalaid",
            "rate_form": RateForm(),
            "follow_form": form,
            "can_rate": record.first_replied_at is not None and record.rating is None,
            "thread": record.messages.exclude(author_kind="staff"),
            "can_follow_up": True,
        },
        status=422,
    )
