"""Pages: the field page (offline-capable), lists, fever today, tallies, import, QR poster and public form."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from frontline.checkpoints import imports, selectors, services
from frontline.checkpoints.forms import ImportForm, SelfRegistrationForm
from frontline.checkpoints.models import (
    DailyTally,
    Direction,
    DocumentType,
    Outcome,
    Passage,
    Symptom,
    VehicleOutcome,
    VehiclePassage,
    VehicleType,
)
from frontline.core.access import can, get_scoped, require, scope
from frontline.core.audit import audit_record
from frontline.core.excel import Sheet, xlsx_response
from frontline.core.forms import call_service
from frontline.core.listing import Column, Filter, ListPage, apply_list_params, render_list
from frontline.core.masking import mask_id_number, mask_phone
from frontline.core.middleware import request_ip
from frontline.core.ratelimit import rate_limit_hit
from frontline.core.validators import region_full_name, region_get, regions_search
from frontline.org.models import Checkpoint, Community

STATIC_DIR = Path(__file__).resolve().parent / "static" / "checkpoints"


# --- the field page -----------------------------------------------------------------------------


def _duty_now(user: Any, checkpoints: list[Checkpoint]) -> dict[str, Any] | None:
    """The checkpoint of the user's published duty now, and when it ends: the roster knows where they stand."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return None
    from frontline.roster import selectors as roster_selectors

    duty = roster_selectors.clockable_duty(staff=staff, at=timezone.now())
    if duty is None or duty.checkpoint_id not in {c.pk for c in checkpoints}:
        return None
    return {"checkpoint": duty.checkpoint_id, "until": duty.ends_at.isoformat()}


@login_required
@never_cache
def field(request: HttpRequest) -> HttpResponse:
    """The duty staff's registration page: people, vehicles and the QR queue, working offline too."""
    require(request.user, "passage.record")
    checkpoints = list(scope(Checkpoint.objects.filter(active=True).select_related("community"), request.user))
    rules = selectors.campaign_rules()
    context = {
        "title": _("Register at the gate"),
        "checkpoints": checkpoints,
        "rules": rules,
        "outcomes": Outcome.choices,
        "vehicle_outcomes": VehicleOutcome.choices,
        "vehicle_types": VehicleType.choices,
        "symptoms": Symptom.choices,
        "document_types": DocumentType.choices,
        "directions": Direction.choices,
        "field_config": {
            "checkpoints": [
                {"id": c.pk, "code": c.code, "name": c.name, "community": c.community.name} for c in checkpoints
            ],
            "feverThreshold": rules["fever_threshold"],
            "highRisk": rules["high_risk_names"],
            "urls": {
                "passages": "/api/v1/passages/batch",
                "vehicles": "/api/v1/vehicles/batch",
                "lookup": "/api/v1/passages/lookup",
                "pending": "/api/v1/self-registrations",
                "regions": reverse("checkpoints:regions"),
                "sw": reverse("checkpoints:field_sw"),
            },
            "user": request.user.pk,
            "duty": _duty_now(request.user, checkpoints),
            "text": {
                "waiting": gettext("%(n)s waiting to sync"),
                "synced": gettext("All records are stored."),
                "saved": gettext("Saved. Today at this checkpoint: %(n)s people."),
                "queued": gettext("Saved on this phone; it will be sent when the network returns."),
                "offline": gettext("Offline"),
                "online": gettext("Online"),
                "rejected": gettext("Refused by the server: correct and save again"),
                "edit": gettext("Correct"),
                "discard": gettext("Discard"),
                "idOk": gettext("Check digit correct"),
                "idBad": gettext("Check digit wrong: expected %(d)s"),
                "idLength": gettext("%(n)s of 18 characters"),
                "male": gettext("Male"),
                "female": gettext("Female"),
                "age": gettext("%(n)s years"),
                "fever": gettext("Fever: %(t)s °C is at or above %(limit)s °C. Refer to the health department."),
                "implausible": gettext("Temperature: %(t)s °C is not a plausible body temperature (35.0–42.5 °C)."),
                "highRisk": gettext(
                    "High-risk origin: %(region)s. Check the arrival date; home isolation may be needed."
                ),
                "dryCough": gettext("Dry cough: refer to the health department."),
                "pickCheckpoint": gettext("Choose your checkpoint first."),
                "needId": gettext("Enter the ID number."),
                "needTemp": gettext("Measure and enter the temperature."),
                "needPlate": gettext("Enter the plate number."),
                "plateBad": gettext("This does not look like a licence plate."),
                "recent": gettext("Last passages"),
                "noPending": gettext("Nobody is waiting."),
                "confirmed": gettext("Confirmed."),
                "vehicleSaved": gettext("Vehicle saved."),
            },
        },
    }
    return render(request, "checkpoints/field.html", context)


def field_sw(request: HttpRequest) -> HttpResponse:
    """Serve the service worker from the field page's folder, so it may control that page."""
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    assets = ["field.js", "queue.js", "field.css"]
    digest = hashlib.sha256(source.encode())
    for name in assets:
        digest.update((STATIC_DIR / name).read_bytes())
    version = digest.hexdigest()[:12]
    static = settings.STATIC_URL
    precache = [
        reverse("checkpoints:field"),
        f"{static}vendor/bootstrap/bootstrap.min.css",
        f"{static}vendor/bootstrap/bootstrap.bundle.min.js",
        f"{static}vendor/bootstrap-icons/bootstrap-icons.min.css",
        f"{static}vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
        f"{static}vendor/htmx/htmx.min.js",
        f"{static}frontline/frontline.css",
        *(f"{static}checkpoints/{name}" for name in assets),
    ]
    import json

    body = f"const VERSION = {json.dumps(version)};\nconst PRECACHE = {json.dumps(precache)};\n{source}"
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = reverse("checkpoints:field")
    return response


def regions(request: HttpRequest) -> JsonResponse:
    """Autocomplete of GB/T 2260 regions by name or code (public data, also used by the QR form)."""
    q = request.GET.get("q", "")[:20]
    found = regions_search(q, limit=12)
    return JsonResponse({"results": [{"code": r.code, "name": region_full_name(r.code)} for r in found]})


# --- lists --------------------------------------------------------------------------------------


def _recent_days(n: int = 14) -> list[tuple[str, str]]:
    today = timezone.localdate()
    return [((today - timedelta(days=i)).isoformat(), (today - timedelta(days=i)).strftime("%m-%d")) for i in range(n)]


def _checkpoint_choices(request: HttpRequest) -> list[tuple[Any, Any]]:
    return [(c.pk, f"{c.code} {c.name}") for c in scope(Checkpoint.objects.all(), request.user)]


def _region_label(code: str) -> str:
    return region_full_name(code) if code and region_get(code) else code


def passage_list_page(request: HttpRequest) -> ListPage:
    return ListPage(
        title=_("Passages"),
        columns=[
            Column(_("Time"), lambda p: timezone.localtime(p.at).strftime("%m-%d %H:%M"), sort="at"),
            Column(_("Checkpoint"), "checkpoint.name", sort="checkpoint__code"),
            Column(_("Direction"), "get_direction_display"),
            Column(_("Name"), "name"),
            Column(_("Document number"), lambda p: mask_id_number(p.id_number), css="font-monospace"),
            Column(_("Temperature"), "temperature", sort="temperature"),
            Column(_("Symptoms"), lambda p: "、".join(str(Symptom(s).label) for s in p.symptoms)),
            Column(_("Coming from"), lambda p: _region_label(p.origin_region)),
            Column(_("Flags"), _flags),
            Column(_("Outcome"), "get_outcome_display", sort="outcome"),
            Column(_("Recorded by"), lambda p: p.recorded_by.display_name if p.recorded_by else p.get_source_display()),
        ],
        search=("name", "checkpoint__name", "purpose"),
        search_placeholder=_("Name, checkpoint or purpose"),
        filters=[
            Filter("checkpoint", _("Checkpoint"), _checkpoint_choices(request), lookup="checkpoint_id"),
            Filter("day", _("Date"), _recent_days()),
            # A one-choice filter shows its own name once picked ("发热或干咳", not a bare "是").
            Filter(
                "fever",
                _("Fever or dry cough"),
                [("1", _("Fever or dry cough"))],
                apply=lambda qs, v: qs.filter(fever_event=True),
            ),
            Filter(
                "turned_back",
                _("Turned back"),
                [("1", _("Turned back"))],
                apply=lambda qs, v: qs.filter(outcome=Outcome.TURNED_BACK),
            ),
            Filter(
                "high_risk",
                _("High-risk origin"),
                [("1", _("High-risk origin"))],
                apply=lambda qs, v: qs.filter(high_risk=True),
            ),
            Filter("outcome", _("Outcome"), Outcome.choices),
            Filter("direction", _("Direction"), Direction.choices),
        ],
        default_sort="-at",
        actions=[
            (_("Export to Excel"), reverse("checkpoints:passage_export") + "?" + request.GET.urlencode(), "download"),
        ]
        + (
            [(_("Import paper sheets"), reverse("checkpoints:passage_import"), "upload")]
            if can(request.user, "passage.record")
            else []
        ),
    )


def _flags(p: Passage) -> str:
    flags = []
    if p.fever:
        flags.append(gettext("Fever"))
    elif p.fever_event:
        flags.append(gettext("Dry cough"))
    if p.high_risk:
        flags.append(gettext("High-risk"))
    return " · ".join(flags)


def _passages(request: HttpRequest) -> Any:
    return scope(Passage.objects.select_related("checkpoint", "recorded_by__staff"), request.user)


@login_required
def passage_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "passage.view")
    return render_list(request, _passages(request), passage_list_page(request))


@login_required
def passage_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "passage.view")
    qs, _state = apply_list_params(request, _passages(request), passage_list_page(request))
    headers = [
        _("Time"),
        _("Checkpoint"),
        _("Direction"),
        _("Name"),
        _("Document type"),
        _("Document number"),
        _("Phone"),
        _("Temperature"),
        _("Fever"),
        _("Symptoms"),
        _("Coming from"),
        _("High-risk origin"),
        _("Arrived on"),
        _("Purpose"),
        _("Outcome"),
        _("Note"),
        _("Recorded by"),
    ]
    rows = [
        (
            timezone.localtime(p.at).strftime("%Y-%m-%d %H:%M"),
            p.checkpoint.name,
            p.get_direction_display(),
            p.name,
            p.get_document_type_display(),
            mask_id_number(p.id_number),
            mask_phone(p.phone),
            float(p.temperature) if p.temperature is not None else None,
            gettext("Yes") if p.fever_event else "",
            "、".join(str(Symptom(s).label) for s in p.symptoms),
            _region_label(p.origin_region),
            gettext("Yes") if p.high_risk else "",
            p.arrived_on,
            p.purpose,
            p.get_outcome_display(),
            p.note,
            p.recorded_by.display_name if p.recorded_by else p.get_source_display(),
        )
        for p in qs.iterator(chunk_size=2000)
    ]
    audit_record(actor=request.user, action="passage.export", changes={"rows": len(rows)})
    return xlsx_response(f"passages-{timezone.localdate()}.xlsx", [Sheet(_("Passages"), headers, rows)])


def vehicle_list_page(request: HttpRequest) -> ListPage:
    return ListPage(
        title=_("Vehicles"),
        columns=[
            Column(_("Time"), lambda v: timezone.localtime(v.at).strftime("%m-%d %H:%M"), sort="at"),
            Column(_("Checkpoint"), "checkpoint.name", sort="checkpoint__code"),
            Column(_("Licence plate"), "plate", sort="plate", css="font-monospace"),
            Column(_("Vehicle type"), "get_vehicle_type_display"),
            Column(_("Occupants"), "occupants"),
            Column(_("Coming from"), lambda v: _region_label(v.origin_region)),
            Column(_("High-risk origin"), lambda v: gettext("High-risk") if v.high_risk else ""),
            Column(_("Outcome"), "get_outcome_display", sort="outcome"),
        ],
        search=("plate", "checkpoint__name"),
        search_placeholder=_("Plate or checkpoint"),
        filters=[
            Filter("checkpoint", _("Checkpoint"), _checkpoint_choices(request), lookup="checkpoint_id"),
            Filter("day", _("Date"), _recent_days()),
            Filter("outcome", _("Outcome"), VehicleOutcome.choices),
            Filter(
                "high_risk", _("High-risk origin"), [("1", _("Yes"))], apply=lambda qs, v: qs.filter(high_risk=True)
            ),
        ],
        default_sort="-at",
        actions=[
            (_("Export to Excel"), reverse("checkpoints:vehicle_export") + "?" + request.GET.urlencode(), "download")
        ],
    )


@login_required
def vehicle_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "passage.view")
    qs = scope(VehiclePassage.objects.select_related("checkpoint"), request.user)
    return render_list(request, qs, vehicle_list_page(request))


@login_required
def vehicle_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "passage.view")
    qs = scope(VehiclePassage.objects.select_related("checkpoint"), request.user)
    qs, _state = apply_list_params(request, qs, vehicle_list_page(request))
    headers = [
        _("Time"),
        _("Checkpoint"),
        _("Licence plate"),
        _("Vehicle type"),
        _("Occupants"),
        _("Coming from"),
        _("High-risk origin"),
        _("Outcome"),
        _("Note"),
    ]
    rows = [
        (
            timezone.localtime(v.at).strftime("%Y-%m-%d %H:%M"),
            v.checkpoint.name,
            v.plate,
            v.get_vehicle_type_display(),
            v.occupants,
            _region_label(v.origin_region),
            gettext("Yes") if v.high_risk else "",
            v.get_outcome_display(),
            v.note,
        )
        for v in qs
    ]
    audit_record(actor=request.user, action="vehicle.export", changes={"rows": len(rows)})
    return xlsx_response(f"vehicles-{timezone.localdate()}.xlsx", [Sheet(_("Vehicles"), headers, rows)])


@login_required
def fever_today(request: HttpRequest) -> HttpResponse:
    """The passages of today with a fever or a dry cough, until the health module takes them over."""
    require(request.user, "passage.view")
    page = ListPage(
        title=_("Fever today"),
        columns=[
            Column(_("Time"), lambda p: timezone.localtime(p.at).strftime("%H:%M"), sort="at"),
            Column(_("Checkpoint"), "checkpoint.name", sort="checkpoint__code"),
            Column(_("Community"), "checkpoint.community.name"),
            Column(_("Name"), "name"),
            Column(_("Document number"), lambda p: mask_id_number(p.id_number), css="font-monospace"),
            Column(_("Phone"), lambda p: mask_phone(p.phone), css="font-monospace"),
            Column(_("Temperature"), "temperature", sort="temperature", css="text-danger fw-bold"),
            Column(_("Symptoms"), lambda p: "、".join(str(Symptom(s).label) for s in p.symptoms)),
            Column(_("Coming from"), lambda p: _region_label(p.origin_region)),
            Column(_("Outcome"), "get_outcome_display"),
        ],
        filters=[Filter("checkpoint", _("Checkpoint"), _checkpoint_choices(request), lookup="checkpoint_id")],
        default_sort="-at",
    )
    return render_list(request, scope(selectors.fever_today(), request.user), page)


@login_required
def tallies(request: HttpRequest) -> HttpResponse:
    """Daily counters per checkpoint and day, read from the tallies only (never the passage table)."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    require(request.user, "passage.view")
    today = timezone.localdate()
    day_to = _date_param(request.GET.get("to"), today)
    day_from = _date_param(request.GET.get("from"), day_to - timedelta(days=6))
    if day_from > day_to:
        day_from, day_to = day_to, day_from
    day_from = max(day_from, day_to - timedelta(days=92))
    community_id = request.GET.get("community", "")
    qs = scope(selectors.tallies_for(day_from=day_from, day_to=day_to), request.user)
    if community_id.isdigit():
        qs = qs.filter(checkpoint__community_id=int(community_id))
    rows = _tally_rows(selectors.tally_table(qs))
    by_day: dict[date, dict[str, int]] = {}
    rows_of_day: dict[date, list[dict[str, Any]]] = {}
    for r in rows:
        day = by_day.setdefault(r["day"], {name: 0 for name in DailyTally.COUNTERS})
        for name in DailyTally.COUNTERS:
            day[name] += r[name]
        rows_of_day.setdefault(r["day"], []).append(r)
    totals = {name: sum(day[name] for day in by_day.values()) for name in DailyTally.COUNTERS}
    context = {
        "title": _("Daily tallies"),
        "tbody": _tally_body([(d, by_day[d], rows_of_day[d]) for d in sorted(by_day, reverse=True)]),
        "totals": totals,
        "day_from": day_from,
        "day_to": day_to,
        "communities": scope(Community.objects.all(), request.user),
        "community_id": community_id,
        "chart": _tally_chart(by_day, day_from, day_to),
    }
    response = render(request, "checkpoints/tallies.html", context)
    # app: the view's wall time; cpu: the CPU this thread spent on it (without the time the machine
    # gave to other processes meanwhile).
    wall, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
    response["Server-Timing"] = f"app;dur={wall * 1000:.1f}, cpu;dur={cpu * 1000:.1f}"
    return response


def _tally_chart(by_day: dict[date, dict[str, int]], day_from: date, day_to: date) -> dict[str, list[Any]]:
    """The chart's series over every day of the range: a day nobody passed is a 0, not a gap."""
    if not by_day:
        return {"days": [], "people": [], "vehicles": [], "turned_back": [], "fevers": []}
    zero = dict.fromkeys(DailyTally.COUNTERS, 0)
    days = [day_from + timedelta(days=k) for k in range((day_to - day_from).days + 1)]
    counts = [by_day.get(d, zero) for d in days]
    return {
        "days": [d.isoformat() for d in days],
        "people": [c["people_in"] + c["people_out"] for c in counts],
        "vehicles": [c["vehicles"] for c in counts],
        "turned_back": [c["turned_back"] + c["vehicles_turned_back"] for c in counts],
        "fevers": [c["fever_events"] for c in counts],
    }


def _tally_rows(values: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Tally rows (day, checkpoint code, name, community, counters…) as dicts of plain values."""
    return [
        {"day": row[0], "code": row[1], "name": row[2], "community": row[3], **dict(zip(DailyTally.COUNTERS, row[4:]))}
        for row in values
    ]


_TALLY_CELLS = (
    "people_in",
    "people_out",
    "turned_back",
    "referred",
    "fever_events",
    "high_risk",
    "vehicles",
    "vehicles_turned_back",
)


def _tally_body(days: list[tuple[date, dict[str, int], list[dict[str, Any]]]]) -> SafeString:
    """The table's body: a summary row per day, then a row per checkpoint.

    The 60-day page has ~1,300 rows and ~15,000 numbers: through the template language that took
    ~45 ms of CPU (a variable look-up, a localisation and an escape per number). Counts are ints
    and print as digits; the only text, a checkpoint's code, name and community, is escaped once
    per checkpoint. Built here in one join, the same table costs a few milliseconds.
    """
    all_checkpoints = escape(gettext("All checkpoints"))
    places: dict[tuple[str, str, str], str] = {}
    out: list[str] = []
    for day, sums, rows in days:
        out.append(
            f'<tr class="table-secondary fw-semibold"><td>{day:%Y-%m-%d}</td><td colspan="2">{all_checkpoints}</td>'
            + "".join(f'<td class="text-end">{int(sums[c])}</td>' for c in _TALLY_CELLS)
            + "</tr>"
        )
        for r in rows:
            key = (r["code"], r["name"], r["community"])
            place = places.get(key)
            if place is None:
                place = places[key] = f"<td>{escape(key[0])} {escape(key[1])}</td><td>{escape(key[2])}</td>"
            cells = []
            for c in _TALLY_CELLS:
                css = "text-end text-danger fw-bold" if c == "fever_events" and r[c] else "text-end"
                cells.append(f'<td class="{css}">{int(r[c])}</td>')
            out.append(f"<tr><td></td>{place}{''.join(cells)}</tr>")
    return SafeString("\n".join(out))


def _date_param(raw: str | None, default: date) -> date:
    try:
        return date.fromisoformat(raw) if raw else default
    except ValueError:
        return default


# --- backfill import ----------------------------------------------------------------------------


@login_required
def passage_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "passage.record")
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = call_service(form, imports.passages_import, actor=request.user, upload=form.cleaned_data["file"])
        if result and not result.errors:
            messages.success(
                request,
                gettext("Imported %(n)s passages (%(d)s were imported before).")
                % {"n": result.created, "d": result.duplicates},
            )
            return redirect("checkpoints:passage_list")
    return render(
        request, "checkpoints/import.html", {"form": form, "result": result, "title": _("Import paper sheets")}
    )


@login_required
def passage_import_template(request: HttpRequest) -> HttpResponse:
    require(request.user, "passage.record")
    return xlsx_response("passage-import-template.xlsx", [imports.template_sheet()])


# --- QR code, poster, public self-registration -------------------------------------------------------


def _public_url(request: HttpRequest, checkpoint: Checkpoint) -> str:
    return request.build_absolute_uri(reverse("checkpoints:qr_register", args=[checkpoint.public_token]))


def _qr_svg(url: str, scale: int = 8) -> str:
    import segno

    buf = io.BytesIO()
    segno.make(url, error="m").save(buf, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True)
    return buf.getvalue().decode()


@login_required
def qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "checkpoint.view")
    checkpoint = get_scoped(Checkpoint.objects.all(), request.user, pk=pk)
    return HttpResponse(_qr_svg(_public_url(request, checkpoint)), content_type="image/svg+xml")


@login_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable A4 poster (PDF, Chinese) with the checkpoint's QR code and instructions."""
    require(request.user, "checkpoint.view")
    checkpoint = get_scoped(Checkpoint.objects.select_related("community"), request.user, pk=pk)
    import base64

    from django.utils import translation
    from weasyprint import HTML

    url = _public_url(request, checkpoint)
    svg = base64.b64encode(_qr_svg(url, scale=10).encode()).decode()
    with translation.override("zh-hans"):  # the poster faces residents: always Chinese
        html = render_to_string("checkpoints/poster.html", {"checkpoint": checkpoint, "qr": svg, "url": url})
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{checkpoint.code}.pdf"'
    return response


def _public_checkpoint(token: Any) -> Checkpoint | None:
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return Checkpoint.objects.select_related("community").filter(public_token=token, active=True).first()


def _region_code(text: str) -> str:
    """Accept a code, or a place name that matches one region exactly (typed on a phone)."""
    text = (text or "").strip()
    if not text or text.isdigit():
        return text
    found = regions_search(text, limit=2)
    exact = [r for r in found if r.name == text or region_full_name(r.code) == text]
    return (exact or found)[0].code if (exact or len(found) == 1) else text


@csrf_protect
def qr_register(request: HttpRequest, token: Any) -> HttpResponse:
    """The public form a resident opens by scanning a checkpoint's QR code."""
    checkpoint = _public_checkpoint(token)
    if checkpoint is None:
        return render(request, "checkpoints/qr_unknown.html", {"title": _("Unknown QR code")}, status=404)
    form = SelfRegistrationForm(request.POST or None)
    if request.method == "POST":
        key = f"checkpoints.qr:{request_ip(request)}:{checkpoint.pk}"
        if not rate_limit_hit(key=key, limit=settings.FRONTLINE_RATE_LIMIT_PER_HOUR, window=timedelta(hours=1)):
            return render(
                request,
                "checkpoints/qr_register.html",
                {"form": form, "checkpoint": checkpoint, "limited": True, "title": checkpoint.name},
                status=429,
            )
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["origin_region"] = _region_code(data["origin_region"])
            registration = _submit(form, checkpoint, data)
            if registration is not None:
                return render(
                    request,
                    "checkpoints/qr_receipt.html",
                    {"registration": registration, "checkpoint": checkpoint, "title": _("Registered")},
                )
    return render(
        request, "checkpoints/qr_register.html", {"form": form, "checkpoint": checkpoint, "title": checkpoint.name}
    )


def _submit(form: SelfRegistrationForm, checkpoint: Checkpoint, data: dict[str, Any]) -> Any:
    try:
        return services.self_registration_submit(checkpoint=checkpoint, **data)
    except services.RecordInvalid as exc:
        for error in exc.errors:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        return None


def checkpoint_hook(request: HttpRequest, checkpoint: Checkpoint) -> list[dict[str, Any]]:
    """Add today's counters and the QR links to the checkpoint page (org's extension point)."""
    if not can(request.user, "passage.view"):
        return []
    tally = DailyTally.objects.filter(checkpoint=checkpoint, day=timezone.localdate()).first()
    values = [
        getattr(tally, name, 0) if tally else 0
        for name in ("people_in", "people_out", "vehicles", "turned_back", "fever_events", "high_risk")
    ]
    return [
        {
            "title": _("Today at this checkpoint"),
            "headers": [
                _("People in"),
                _("People out"),
                _("Vehicles"),
                _("Turned back"),
                _("Fever or dry cough"),
                _("High-risk arrivals"),
            ],
            "rows": [values],
        },
        {
            "title": _("QR self-registration"),
            "headers": [_("Poster (A4 PDF)"), _("QR code"), _("Public form")],
            "rows": [
                [
                    _link(reverse("checkpoints:poster", args=[checkpoint.pk]), gettext("Print the poster")),
                    _link(reverse("checkpoints:qr_svg", args=[checkpoint.pk]), gettext("QR code (SVG)")),
                    _link(reverse("checkpoints:qr_register", args=[checkpoint.public_token]), gettext("Open the form")),
                ]
            ],
        },
    ]


def _link(url: str, label: str) -> Any:
    from django.utils.html import format_html

    return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, label)
