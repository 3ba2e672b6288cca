"""Where each dashboard figure leads: the module list it counts, with the filters that give that count."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

# figure key -> (url name, query parameters); "{day}" is replaced by the figures' date.
LINKS: dict[str, tuple[str, dict[str, str]]] = {
    "people": ("checkpoints:passage_list", {"day": "{day}"}),
    "people_to_date": ("checkpoints:tallies", {}),
    "vehicles": ("checkpoints:vehicle_list", {"day": "{day}"}),
    "vehicles_to_date": ("checkpoints:tallies", {}),
    "turned_back": ("checkpoints:passage_list", {"day": "{day}", "outcome": "turned_back"}),
    "vehicles_turned_back": ("checkpoints:vehicle_list", {"day": "{day}", "outcome": "turned_back"}),
    "fever_events": ("checkpoints:fever_today", {}),
    "high_risk": ("checkpoints:passage_list", {"day": "{day}", "high_risk": "1"}),
    "measures_open": ("health:measure_list", {}),
    "missed_today": ("health:missed_today", {}),
    "escalations_open": ("health:escalation_board", {}),
    "escalations_overdue": ("health:escalation_board", {"overdue": "1"}),
    "on_duty": ("roster:today", {}),
    "supplies": ("supplies:cover", {}),
    "tips_open": ("desk:tip_list", {"open": "1"}),
    "legal_aid_open": ("desk:legalaid_list", {"open": "1"}),
    "tally_checkpoint": ("checkpoints:tallies", {"checkpoint": "{checkpoint}"}),
}


def figure_link(key: str, *, day: date, **values: object) -> str:
    """Return the address of the list behind a figure, or "" when that list does not exist (yet)."""
    name, params = LINKS[key]
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    query = {k: v.format(day=day.isoformat(), **values) for k, v in params.items()}
    return f"{url}?{urlencode(query)}" if query else url
