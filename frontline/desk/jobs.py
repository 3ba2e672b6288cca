from datetime import timedelta

from frontline.core.jobs import scheduled
from frontline.desk import services


@scheduled("desk_overdue", every=timedelta(minutes=5))
def desk_overdue() -> dict[str, int]:
    """Flag legal-aid requests without a first reply and tips past their target; notify once."""
    return services.desk_overdue_check()


@scheduled("desk_watch_queue", every=timedelta(minutes=10))
def desk_watch_queue() -> dict[str, int]:
    """Create the persons to watch that were queued while the health module was missing."""
    return services.tip_watch_retry()
