from datetime import timedelta

from frontline.checkpoints.services import self_registrations_expire
from frontline.core.jobs import scheduled


@scheduled("checkpoints.expire_self_registrations", every=timedelta(minutes=30))
def expire_self_registrations() -> dict[str, int]:
    """Expire QR self-registrations nobody confirmed within a day."""
    return {"expired": self_registrations_expire()}
