"""Catalog search in the REST API: the same query, facets and permission filter as the page."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.assets import AssetSerializer, CanDiscover
from catalog.forms_curation import SearchForm
from catalog.search import SearchError, asset_search

MAX_PAGE_SIZE = 100


class SearchView(APIView):
    """Assets the caller may discover that match `q`, best first, with facet counts."""

    permission_classes = [CanDiscover]

    @extend_schema(
        tags=["catalog"],
        parameters=[
            OpenApiParameter("q", str, description="Free text; typos tolerated"),
            OpenApiParameter("source", int, many=True, description="Source ids"),
            OpenApiParameter("domain", str, many=True, description="Domain codes"),
            OpenApiParameter("tag", str, many=True, description="Tag names (all must match)"),
            OpenApiParameter(
                "classification", int, many=True, enum=[0, 1, 2, 3], description="0 to 3"
            ),
            OpenApiParameter("owner", str, many=True, description="Owner usernames"),
            OpenApiParameter("certified", str, enum=["true", "false"]),
            OpenApiParameter("page", {"type": "integer", "minimum": 1, "maximum": 10_000}),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                description=f"1 to {MAX_PAGE_SIZE}, default 20",
            ),
        ],
        responses={
            200: inline_serializer(
                "CatalogSearchResults",
                {
                    "count": serializers.IntegerField(),
                    "is_fuzzy": serializers.BooleanField(),
                    "results": AssetSerializer(many=True),
                    "facets": serializers.DictField(),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        form = SearchForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        page, size = form.cleaned_data.get("page") or 1, _page_size(request)
        try:
            query = form.to_query()
        except SearchError as error:
            raise ValidationError({"q": [str(error)]}) from None
        results = asset_search(user=request.user, query=query, limit=size, offset=(page - 1) * size)
        return Response(
            {
                "count": results.total,
                "is_fuzzy": results.is_fuzzy,
                "results": AssetSerializer(results.assets, many=True).data,
                "facets": {
                    key: [vars(value) for value in values] for key, values in results.facets.items()
                },
            }
        )


def _page_size(request: Request) -> int:
    text: Any = request.query_params.get("page_size", "20")
    if not str(text).isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"A whole number from 1 to {MAX_PAGE_SIZE}."]})
    return int(text)
