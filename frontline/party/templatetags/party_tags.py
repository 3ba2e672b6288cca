"""Template helpers of party work."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def yuan(value: Any) -> str:
    """Format an amount of yuan with thousands separators and two decimals, e.g. 6,600.00."""
    try:
        return f"{Decimal(value or 0):,.2f}"
    except (ArithmeticError, ValueError, TypeError):
        return ""
