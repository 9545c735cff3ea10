"""Page-number pagination that answers a malformed `page` or `page_size` with a 400 error.

DRF's default silently ignores a bad `page_size` and answers a bad `page` with 404; a client that
typed `page_size=ten` deserves to be told.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.paginator import InvalidPage
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.views import APIView


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    last_page_strings = ()

    def paginate_queryset(
        self,
        queryset: QuerySet[Any] | Sequence[Any],
        request: Request,
        view: APIView | None = None,
    ) -> list[Any] | None:
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = self._query_int(request, self.page_query_param, default=1, maximum=None)
        try:
            self.page = paginator.page(number)
        except InvalidPage:
            pages = paginator.num_pages
            raise NotFound(
                f"Page {number} does not exist; there {'is' if pages == 1 else 'are'} "
                f"{pages} page{'' if pages == 1 else 's'}."
            ) from None
        return list(self.page)

    def get_page_size(self, request: Request) -> int:
        return self._query_int(
            request, self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def _query_int(self, request: Request, name: str, *, default: int, maximum: int | None) -> int:
        raw = request.query_params.get(name)
        if raw is None:
            return default
        limit = f" and at most {maximum}" if maximum else ""
        problem = f"Must be a whole number of at least 1{limit}."
        if not raw.isascii() or not raw.isdigit():
            raise ValidationError({name: [problem]})
        value = int(raw)
        if value < 1 or (maximum is not None and value > maximum):
            raise ValidationError({name: [problem]})
        return value

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "Page number, from 1.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Results per page (default {self.page_size}).",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]
