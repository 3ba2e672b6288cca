"""Notifications: the in-app inbox and an outbox delivered to group robots and e-mail."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import lazy

from frontline.core.models import Channel, Notification, OutboxMessage

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
STALE_SENDING_SECONDS = 600


def later(message: Any, params: Mapping[str, Any] | None = None) -> Any:
    """A translated message with its parameters, rendered only when read.

    ``_("…") % {…}`` renders at once in the language of whoever acted; text that is stored
    and read by others (a notification, a version's note) is rendered by :func:`notify` or
    :func:`stored` in the campaign's language instead. Parameters may be lazy too (a
    choice's label).
    """
    if params is None:
        return lazy(lambda: str(message), str)()
    return lazy(lambda: str(message) % {k: str(v) for k, v in params.items()}, str)()


def stored(message: Any, params: Mapping[str, Any] | None = None) -> str:
    """Render a message (with its parameters) now in the campaign's language, for text stored once and read by all."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(later(message, params))


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: Any,
    body: Any = "",
    link: str = "",
    dedupe_key: str = "",
    channels: bool = True,
) -> int:
    """Send a notification to users' inboxes and queue it for the channels; return inbox count.

    With a dedupe key, the same event reaches each user and each channel once however often
    this is called (a job that runs every minute may call it again).
    """
    # Stored in the campaign's language: the recipients read one language, chosen at set-up.
    with translation.override(settings.LANGUAGE_CODE):
        title_s, body_s = str(title), str(body)
    created = 0
    for user in {u.pk: u for u in users if u is not None}.values():
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(
                    user=user, kind=kind, title=title_s[:200], body=body_s, link=link, dedupe_key=dedupe_key
                )
                created += 1
        except IntegrityError:
            pass  # a concurrent call delivered it already
    if channels:
        for channel in Channel.objects.filter(active=True):
            if not channel.wants(kind):
                continue
            event_key = dedupe_key or f"{kind}:{uuid.uuid4()}"
            OutboxMessage.objects.get_or_create(
                channel=channel,
                event_key=event_key,
                defaults={"kind": kind, "title": title_s[:200], "body": body_s, "link": link},
            )
    return created


def _render_payload(message: OutboxMessage) -> bytes:
    link = f"{settings.SITE_URL}{message.link}" if message.link.startswith("/") else message.link
    text = f"### {message.title}\n\n{message.body}"
    if link:
        text += f"\n\n[{link}]({link})"
    if message.channel.kind == Channel.Kind.DINGTALK:
        payload = {"msgtype": "markdown", "markdown": {"title": message.title, "text": text}}
    else:
        payload = {"msgtype": "markdown", "markdown": {"content": text}}
    return json.dumps(payload, ensure_ascii=False).encode()


def _deliver_one(message: OutboxMessage) -> None:
    channel = message.channel
    if channel.kind == Channel.Kind.EMAIL:
        send_mail(message.title, f"{message.body}\n\n{message.link}", None, [channel.target])
        return
    request = urllib.request.Request(
        channel.target,
        data=_render_payload(message),
        headers={"Content-Type": "application/json; charset=utf-8", "X-Frontline-Event": message.event_key},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=settings.FRONTLINE_WEBHOOK_TIMEOUT) as response:
        raw = response.read()
    # The robots answer 200 with an error code in the body when they refuse a message.
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, None):
        raise RuntimeError(f"robot refused: {answer.get('errcode')} {answer.get('errmsg', '')}")


def outbox_deliver(*, limit: int = 100) -> dict[str, int]:
    """Deliver due outbox messages once each, retrying failures with exponential backoff."""
    now = timezone.now()
    sent = failed = 0
    # A message left SENDING by a process that died mid-delivery is retried after a while.
    OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, next_attempt_at__lt=now - timedelta(seconds=STALE_SENDING_SECONDS)
    ).update(status=OutboxMessage.Status.PENDING)
    due = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    for message_id in due:
        # Claim the row first, so two schedulers never send the same message.
        claimed = OutboxMessage.objects.filter(id=message_id, status=OutboxMessage.Status.PENDING).update(
            status=OutboxMessage.Status.SENDING, next_attempt_at=now
        )
        if not claimed:
            continue
        message = OutboxMessage.objects.select_related("channel").get(id=message_id)
        message.attempts += 1
        try:
            _deliver_one(message)
        except (OSError, urllib.error.URLError, RuntimeError, ValueError) as exc:
            message.last_error = str(exc)[:1000]
            # A 4xx (but 429) means the message or the address is wrong: retrying will not help.
            permanent = isinstance(exc, urllib.error.HTTPError) and 400 <= exc.code < 500 and exc.code != 429
            if permanent or message.attempts >= MAX_ATTEMPTS:
                message.status = OutboxMessage.Status.FAILED
            else:
                message.status = OutboxMessage.Status.PENDING
                delay = min(BACKOFF_BASE_SECONDS * 2 ** (message.attempts - 1), BACKOFF_MAX_SECONDS)
                message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            failed += 1
        else:
            message.status = OutboxMessage.Status.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
            sent += 1
        message.save(update_fields=["status", "attempts", "next_attempt_at", "last_error", "sent_at"])
    return {"sent": sent, "failed": failed}
