"""Masked display of sensitive values."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """Show the region prefix and the last four characters only."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """Show the first three and last four digits."""
    if not value:
        return ""
    if len(value) < 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the district-level start of an address, hide the rest."""
    if not value:
        return ""
    keep = min(6, max(len(value) // 3, 1))
    return value[:keep] + "****"


def mask_name(value: str) -> str:
    """Keep the family name."""
    if not value:
        return ""
    return value[0] + "*" * min(len(value) - 1, 2) if len(value) > 1 else value


MASKERS = {"id_number": mask_id_number, "phone": mask_phone, "address": mask_address, "name": mask_name}


def mask(kind: str, value: str) -> str:
    """Mask a value by its kind."""
    return MASKERS.get(kind, mask_address)(value or "")
