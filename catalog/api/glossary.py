"""The business glossary in the REST API: everyone who may discover reads; stewards write."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.api.assets import CanDiscover, raise_api_error
from catalog.models import Domain, GlossaryTerm
from catalog.selectors import assets as selectors
from catalog.services import glossary as services
from catalog.services.curation import CurationError
from catalog.services.glossary import TermData
from workbench.accounts.models import User

PERMISSIONS = {
    "create": "catalog.add_glossaryterm",
    "update": "catalog.change_glossaryterm",
    "partial_update": "catalog.change_glossaryterm",
    "destroy": "catalog.delete_glossaryterm",
}


class GlossaryTermSerializer(serializers.ModelSerializer[GlossaryTerm]):
    synonyms = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=30
    )
    domain: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", queryset=Domain.objects.all(), required=False, allow_null=True
    )
    owners: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        many=True,
        required=False,
    )
    related: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        queryset=GlossaryTerm.objects.all(), many=True, required=False
    )

    class Meta:
        model = GlossaryTerm
        fields = [
            "id",
            "name",
            "definition",
            "synonyms",
            "domain",
            "owners",
            "related",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        # Uniqueness is the service's to check (case-insensitively), with the same message.
        extra_kwargs: dict[str, Any] = {"name": {"validators": []}}

    def to_data(self, instance: GlossaryTerm | None = None) -> TermData:
        data = self.validated_data

        def pick(key: str, current: Any) -> Any:
            return data[key] if key in data else current

        return TermData(
            name=pick("name", instance.name if instance else ""),
            definition=pick("definition", instance.definition if instance else ""),
            synonyms=pick("synonyms", instance.synonyms if instance else []),
            domain=pick("domain", instance.domain if instance else None),
            owners=list(pick("owners", instance.owners.all() if instance else [])),
            related=list(pick("related", instance.related.all() if instance else [])),
        )


@extend_schema(
    tags=["catalog"],
    parameters=[OpenApiParameter("q", str, description="Name, synonym or definition contains")],
)
class GlossaryTermViewSet(viewsets.ModelViewSet[GlossaryTerm]):
    serializer_class = GlossaryTermSerializer
    permission_classes = [CanDiscover]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[GlossaryTerm]:
        text = (self.request.query_params.get("q") or "")[:120]
        return selectors.glossary_term_list(text=text).prefetch_related("related")

    def _require(self, term: GlossaryTerm | None) -> None:
        permission = PERMISSIONS[self.action]
        if not services.glossary_term_may_edit(
            user=self.request.user,  # type: ignore[arg-type]
            term=term,
            permission=permission,
        ):
            raise PermissionDenied(f"You need “{permission}” for this term's domain.")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._require(None)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            term = services.glossary_term_create(
                actor=request.user,  # type: ignore[arg-type]
                data=serializer.to_data(),  # type: ignore[attr-defined]
            )
        except CurationError as error:
            raise_api_error(error)
        return Response(self.get_serializer(term).data, status=201)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        term = self.get_object()
        self._require(term)
        partial = kwargs.get("partial", False)
        serializer = self.get_serializer(term, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            services.glossary_term_update(
                term=term,
                actor=request.user,  # type: ignore[arg-type]
                data=serializer.to_data(term),  # type: ignore[attr-defined]
            )
        except CurationError as error:
            raise_api_error(error)
        return Response(self.get_serializer(selectors.glossary_term_get(term_id=term.pk)).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        term = self.get_object()
        self._require(term)
        services.glossary_term_delete(term=term, actor=request.user)  # type: ignore[arg-type]
        return Response(status=204)
