"""Glossary pages: the term list, a term with its linked tables and columns, create/edit/delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalog.forms_curation import GlossaryTermForm
from catalog.selectors import assets as selectors
from catalog.services import glossary as services
from catalog.services.curation import CurationDenied, CurationError
from catalog.views.assets import _form_errors, _user
from workbench.core.permissions import require_permission

DISCOVER = "catalog.view_asset"


@require_GET
@require_permission(DISCOVER)
def glossary_list_view(request: HttpRequest) -> HttpResponse:
    text = (request.GET.get("q") or "")[:120]
    terms = selectors.glossary_term_list(text=text)
    may_add = services.glossary_term_may_edit(
        user=_user(request), term=None, permission="catalog.add_glossaryterm"
    )
    return render(
        request, "catalog/glossary_list.html", {"terms": terms, "q": text, "may_add": may_add}
    )


@require_GET
@require_permission(DISCOVER)
def glossary_detail_view(request: HttpRequest, term_id: int) -> HttpResponse:
    term = selectors.glossary_term_get(term_id=term_id)
    assets, columns = selectors.glossary_term_links(term=term, user=request.user)
    user = _user(request)
    context = {
        "term": term,
        "assets": assets,
        "columns": columns,
        "may_edit": services.glossary_term_may_edit(
            user=user, term=term, permission="catalog.change_glossaryterm"
        ),
        "may_delete": services.glossary_term_may_edit(
            user=user, term=term, permission="catalog.delete_glossaryterm"
        ),
    }
    return render(request, "catalog/glossary_detail.html", context)


@require_http_methods(["GET", "POST"])
@require_permission("catalog.add_glossaryterm", audit_action="catalog.glossary.create")
def glossary_create_view(request: HttpRequest) -> HttpResponse:
    form = GlossaryTermForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            term = services.glossary_term_create(actor=_user(request), data=form.to_data())
        except CurationDenied as denied:
            raise PermissionDenied(denied.message) from None
        except CurationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"“{term.name}” added to the glossary.")
            return redirect("catalog:glossary_detail", term_id=term.pk)
    status = 400 if form.errors else 200
    return render(request, "catalog/glossary_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@require_permission("catalog.change_glossaryterm", audit_action="catalog.glossary.update")
def glossary_edit_view(request: HttpRequest, term_id: int) -> HttpResponse:
    term = selectors.glossary_term_get(term_id=term_id)
    user = _user(request)
    if not services.glossary_term_may_edit(
        user=user, term=term, permission="catalog.change_glossaryterm"
    ):
        raise PermissionDenied("Only the term's domain stewards and owners may edit it.")
    form = GlossaryTermForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            services.glossary_term_update(term=term, actor=user, data=form.to_data())
        except CurationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "The term was saved.")
            return redirect("catalog:glossary_detail", term_id=term.pk)
    form = form or GlossaryTermForm.for_term(term)
    status = 400 if form.errors else 200
    return render(
        request, "catalog/glossary_form.html", {"form": form, "term": term}, status=status
    )


@require_POST
@require_permission("catalog.delete_glossaryterm", audit_action="catalog.glossary.delete")
def glossary_delete_view(request: HttpRequest, term_id: int) -> HttpResponse:
    term = selectors.glossary_term_get(term_id=term_id)
    try:
        services.glossary_term_delete(term=term, actor=_user(request))
    except CurationDenied as denied:
        raise PermissionDenied(denied.message) from None
    messages.success(request, f"“{term.name}” was removed from the glossary.")
    return redirect("catalog:glossary_list")
