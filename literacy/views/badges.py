"""Badge pages: the badge list, public achievement and verification pages, downloads, awarding."""

from __future__ import annotations

import json
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from literacy.credentials import (
    VerificationResult,
    badge_svg,
    baked_credential_extract,
    credential_json,
    credential_verify,
)
from literacy.forms import AwardForm, RevokeForm, VerifyForm
from literacy.models import Badge, BadgeAward, BadgeCriterion
from literacy.services.badges import BadgeError, badge_award_by_hand, badge_award_revoke
from literacy.views.learning import LEARN, _user
from workbench.core.permissions import require_permission

MAX_BADGE_UPLOAD_BYTES = 512 * 1024


@require_GET
@require_permission(LEARN)
def badge_list_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    badges = Badge.objects.filter(is_active=True).prefetch_related(
        "criteria__course", "criteria__quiz", "criteria__required_badge"
    )
    awards = {a.badge_id: a for a in BadgeAward.objects.filter(user=user).select_related("badge")}
    may_award = user.has_perm("literacy.award_badge") or user.reports.exists()
    context = {"rows": [(b, awards.get(b.pk)) for b in badges], "may_award": may_award}
    return render(request, "literacy/badge_list.html", context)


@require_GET
def badge_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the achievement a credential points to (no sign-in needed)."""
    badge = get_object_or_404(Badge, slug=slug)
    criteria = BadgeCriterion.objects.filter(badge=badge).select_related(
        "course", "quiz", "required_badge"
    )
    context = {"badge": badge, "criteria": criteria, "issuer_name": settings.LITERACY_ISSUER_NAME}
    return render(request, "literacy/badge_detail.html", context)


@require_GET
def badge_image_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Public: the badge's image (not baked)."""
    badge = get_object_or_404(Badge, slug=slug)
    return HttpResponse(badge_svg(badge), content_type="image/svg+xml")


def _own_award(request: HttpRequest, award_id: int) -> BadgeAward:
    award = get_object_or_404(BadgeAward.objects.select_related("badge", "user"), pk=award_id)
    user = _user(request)
    # The holder downloads their own; HR may too. Anyone else gets a 404, not a hint it exists.
    if award.user_id != user.pk and not user.has_perm("literacy.award_badge"):
        raise Http404("No such award.")
    return award


@require_GET
@require_permission(LEARN)
def award_download_view(request: HttpRequest, award_id: int) -> HttpResponse:
    award = _own_award(request, award_id)
    svg = badge_svg(
        award.badge, credential_jwt=award.credential_jwt, holder=award.user.display_name
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Content-Disposition"] = f'attachment; filename="{award.badge.slug}-credential.svg"'
    return response


@require_GET
@require_permission(LEARN)
def award_jwt_view(request: HttpRequest, award_id: int) -> HttpResponse:
    award = _own_award(request, award_id)
    response = HttpResponse(award.credential_jwt, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{award.badge.slug}-credential.jwt"'
    return response


@require_GET
def credential_view(request: HttpRequest, credential_id: UUID) -> HttpResponse:
    """Public verification page of one issued credential."""
    award = get_object_or_404(
        BadgeAward.objects.select_related("badge", "user"), credential_id=credential_id
    )
    result = credential_verify(award.credential_jwt)
    return render(request, "literacy/verify.html", _verify_context(result, award.credential_jwt))


def _verify_context(result: VerificationResult, token: str) -> dict[str, object]:
    try:
        payload = credential_json(token) if token else None
    except (ValueError, IndexError):
        payload = None
    pretty = json.dumps(payload, indent=2, ensure_ascii=False) if payload else ""
    return {"result": result, "payload": pretty, "form": VerifyForm()}


@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """Public: check a credential someone presents (pasted, or baked into a badge image)."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = _presented_token(form)
        if token:
            context = _verify_context(credential_verify(token), token)
            context["form"] = form
            return render(request, "literacy/verify.html", context)
        form.add_error(None, "No credential found in that badge image.")
    status = 400 if form.errors else 200
    return render(request, "literacy/verify.html", {"form": form, "result": None}, status=status)


def _presented_token(form: VerifyForm) -> str:
    upload = form.cleaned_data.get("badge_file")
    if upload is not None:
        if upload.size > MAX_BADGE_UPLOAD_BYTES:
            return ""
        return baked_credential_extract(upload.read().decode("utf-8", errors="replace"))
    return str(form.cleaned_data.get("credential") or "").strip()


@require_http_methods(["GET", "POST"])
@require_permission(LEARN)
def award_create_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (user.has_perm("literacy.award_badge") or user.reports.exists()):
        raise PermissionDenied(
            "Awarding badges by hand is for HR, platform admins and managers (to their own "
            "reports). Ask HR if someone deserves a badge."
        )
    form = AwardForm(request.POST or None, actor=user)
    if request.method == "POST" and form.is_valid():
        try:
            award = badge_award_by_hand(
                actor=user,
                badge=form.cleaned_data["badge"],
                recipient=form.cleaned_data["recipient"],
                citation=form.cleaned_data["citation"],
            )
        except BadgeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{award.badge.name}” awarded to {award.user.display_name}.")
            return redirect("literacy:award_create")
    recent = BadgeAward.objects.select_related("badge", "user", "awarded_by")
    if not user.has_perm("literacy.award_badge"):
        recent = recent.filter(awarded_by=user)
    context = {
        "form": form,
        "recent": recent[:50],
        "may_revoke": user.has_perm("literacy.award_badge"),
        "revoke_form": RevokeForm(),
    }
    return render(request, "literacy/award_form.html", context, status=400 if form.errors else 200)


@require_POST
@require_permission("literacy.award_badge", audit_action="literacy.badge.revoke")
def award_revoke_view(request: HttpRequest, award_id: int) -> HttpResponse:
    award = get_object_or_404(BadgeAward.objects.select_related("badge", "user"), pk=award_id)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the badge is revoked; nothing was changed.")
        return redirect("literacy:award_create")
    try:
        badge_award_revoke(actor=_user(request), award=award, reason=form.cleaned_data["reason"])
    except BadgeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Revoked “{award.badge.name}” of {award.user.display_name}.")
    return redirect("literacy:award_create")
