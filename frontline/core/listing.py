"""List pages: search, filters, sort and pagination, described once and rendered by one template."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Column:
    label: Any
    value: str | Callable[[Any], Any]  # attribute path ("community.name") or a function of the row
    sort: str = ""  # ORM ordering key; empty: not sortable
    link: bool = False  # the cell links to the row's detail page
    css: str = ""


@dataclass(frozen=True)
class Filter:
    name: str
    label: Any
    choices: Sequence[tuple[Any, Any]]
    lookup: str = ""  # ORM lookup; default: the name
    apply: Callable[[QuerySet[Any], str], QuerySet[Any]] | None = None


@dataclass
class ListPage:
    title: Any
    columns: Sequence[Column]
    search: Sequence[str] = ()
    filters: Sequence[Filter] = ()
    default_sort: str = ""
    per_page: int = 25
    actions: list[tuple[Any, str, str]] = field(default_factory=list)  # (label, url, icon)
    detail_url: Callable[[Any], str] | None = None
    search_placeholder: Any = ""


def cell(row: Any, value: str | Callable[[Any], Any]) -> Any:
    if callable(value):
        return value(row)
    obj = row
    for part in value.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return ""
        if callable(obj) and part.startswith("get_"):
            obj = obj()
    return obj


def apply_list_params(request: HttpRequest, qs: QuerySet[Any], page: ListPage) -> tuple[QuerySet[Any], dict[str, Any]]:
    """Filter, search and sort a queryset by the request's query string."""
    q = request.GET.get("q", "").strip()
    if q and page.search:
        qs = qs.filter(reduce(or_, (Q(**{f"{f}__icontains": q}) for f in page.search)))
    active_filters = {}
    for flt in page.filters:
        value = request.GET.get(flt.name, "")
        if value == "":
            continue
        valid = {str(k) for k, _ in flt.choices}
        if value not in valid:
            continue
        active_filters[flt.name] = value
        if flt.apply:
            qs = flt.apply(qs, value)
        else:
            qs = qs.filter(**{flt.lookup or flt.name: value})
    sort = request.GET.get("sort", page.default_sort)
    sortable = {c.sort for c in page.columns if c.sort}
    if sort.lstrip("-") in sortable:
        qs = qs.order_by(sort, "pk")
    elif page.default_sort:
        sort = page.default_sort
        qs = qs.order_by(sort, "pk")
    return qs, {"q": q, "sort": sort, "filters": active_filters}


def render_list(
    request: HttpRequest,
    qs: QuerySet[Any],
    page: ListPage,
    *,
    template: str = "core/list.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """Render a list page with search, filters, sort and pagination."""
    qs, state = apply_list_params(request, qs, page)
    paginator = Paginator(qs, page.per_page)
    current = paginator.get_page(request.GET.get("page"))
    rows = [
        {
            "obj": obj,
            "url": page.detail_url(obj) if page.detail_url else "",
            "cells": [{"value": cell(obj, c.value), "link": c.link, "css": c.css} for c in page.columns],
        }
        for obj in current.object_list
    ]
    params = request.GET.copy()
    params.pop("page", None)
    sort_params = request.GET.copy()
    sort_params.pop("sort", None)
    sort_params.pop("page", None)
    context = {
        "page": page,
        "page_obj": current,
        "rows": rows,
        "state": state,
        "querystring": params.urlencode(),
        "sort_querystring": sort_params.urlencode(),
        "total": paginator.count,
    }
    context.update(extra or {})
    return render(request, template, context)
