"""Where each dashboard figure leads: the module list it counts, with the filters that give that count."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

# figure key -> (url name, query parameters); "{day}" is replaced by the figures' date.
LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "people": ("checkpoints:passage_list", {"day": "{day}"}),
    "vehicles": ("checkpoints:vehicle_list", {"day": "{day}"}),
    "turned_back": ("checkpoints:passage_list", {"day": "{day}", "turned_back": "1"}),
    "vehicles_turned_back": ("checkpoints:vehicle_list", {"day": "{day}", "outcome": "turned_back"}),
    "fever_events": ("checkpoints:passage_list", {"day": "{day}", "fever": "1"}),
    "high_risk": ("checkpoints:passage_list", {"day": "{day}", "high_risk": "1", "direction": "in"}),
    "to_date": ("checkpoints:tallies", {"from": "{start}", "to": "{day}"}),
    "checkpoint": ("checkpoints:passage_list", {"day": "{day}", "checkpoint": "{checkpoint}"}),
    "measures_open": ("health:measure_list", {"status": "open"}),
    "missed_today": ("health:missed_today", {}),
    "escalations_open": ("health:escalation_board", {}),
    "escalations_overdue": ("health:escalation_board", {}),
    "on_duty": ("roster:attendance_day", {"day": "{day}"}),
    "supplies": ("supplies:cover", {}),
    "tips_open": ("desk:tip_list", {"open": "1"}),
    "legal_aid_open": ("desk:legalaid_list", {"open": "1"}),
}


def figure_link(key: str, *, day: date, **values: object) -> str:
    """Return the address of the list behind a figure, or "" when that list does not exist (yet)."""
    name, params = LINKS[key]
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    query = {k: v.format(day=day.isoformat(), **{k2: str(v2) for k2, v2 in values.items()}) for k, v in params.items()}
    return f"{url}?{urlencode(query)}" if query else url
