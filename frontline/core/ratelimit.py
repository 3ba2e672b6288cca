"""Fixed-window rate limits kept in the database, so every worker sees the same count."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from frontline.core.models import RateLimitCounter


def rate_limit_hit(*, key: str, limit: int, window: timedelta = timedelta(hours=1)) -> bool:
    """Count one request under key; return False when the limit for this window is exceeded."""
    now = timezone.now()
    seconds = int(window.total_seconds())
    start = datetime.fromtimestamp(int(now.timestamp()) // seconds * seconds, tz=now.tzinfo)
    with transaction.atomic():
        updated = RateLimitCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:
                RateLimitCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        count = RateLimitCounter.objects.get(key=key, window_start=start).count
    if now.minute == 0 and now.second < 5:
        RateLimitCounter.objects.filter(window_start__lt=now - timedelta(days=1)).delete()
    return count <= limit
