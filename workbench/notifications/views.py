"""Notification pages: the centre (mark read with htmx), preferences and webhooks, and the admins'
list of failing webhooks. Each person sees only their own; another's id is a 404."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from workbench.accounts.models import User
from workbench.core.permissions import require_permission
from workbench.notifications import selectors, services
from workbench.notifications.forms import PreferencesForm, WebhookForm
from workbench.notifications.models import ChatWebhook, Notification

PAGE_SIZE = 30
ADMIN_PERMISSION = "notifications.manage_organisation_webhooks"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _own_notification(request: HttpRequest, notification_id: int) -> Notification:
    notification = selectors.access_notification(_user(request), notification_id)
    if notification is None:
        raise Http404("No such notification")
    return notification


def _own_webhook(request: HttpRequest, webhook_id: int) -> ChatWebhook:
    hook = selectors.access_webhook(_user(request), webhook_id)
    if hook is None:
        raise Http404("No such webhook")
    return hook


@require_GET
@login_required
def notification_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.notification_list(user=_user(request)), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "unread": selectors.notification_unread_count(user=_user(request))}
    return render(request, "notifications/list.html", context)


@require_GET
@login_required
def notification_open_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = services.notification_mark_read(
        notification=_own_notification(request, notification_id)
    )
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_view(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_mark_read(
        notification=_own_notification(request, notification_id)
    )
    if request.htmx:  # type: ignore[attr-defined]
        context = {"notification": notification, "unread": _unread(request), "oob": True}
        return render(request, "notifications/_item.html", context)
    return redirect("notifications:list")


@require_POST
@login_required
def notification_read_all_view(request: HttpRequest) -> HttpResponse:
    marked = services.notifications_mark_all_read(user=_user(request))
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("notifications:list")


def _unread(request: HttpRequest) -> int:
    return selectors.notification_unread_count(user=_user(request))


@require_http_methods(["GET", "POST"])
@login_required
def preferences_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = selectors.preferences_for(users=[user])[user.pk]
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        services.preferences_save(user=user, choices=form.to_choices())
        messages.success(request, "Your notification choices are saved.")
        return redirect("notifications:preferences")
    return _preferences_page(request, form=form, webhook_form=WebhookForm())


def _preferences_page(
    request: HttpRequest, *, form: PreferencesForm, webhook_form: WebhookForm, status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "webhook_form": webhook_form,
        "webhooks": selectors.webhook_list(user=_user(request)),
    }
    return render(request, "notifications/preferences.html", context, status=status)


@require_POST
@login_required
def webhook_add_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    webhook_form = WebhookForm(request.POST)
    if webhook_form.is_valid():
        if selectors.webhook_list(user=user).count() >= 10:
            webhook_form.add_error(None, "You have 10 webhooks already; remove one first.")
        else:
            try:
                services.webhook_create(
                    actor=user,
                    owner=user,
                    name=webhook_form.cleaned_data["name"],
                    url=webhook_form.cleaned_data["url"],
                    flavour=webhook_form.cleaned_data["flavour"],
                )
            except services.NotificationError as error:
                webhook_form.add_error("url", str(error))
            else:
                messages.success(request, "Webhook added. Send a test message to check it.")
                return redirect("notifications:preferences")
    current = selectors.preferences_for(users=[user])[user.pk]
    return _preferences_page(
        request, form=PreferencesForm(current=current), webhook_form=webhook_form, status=400
    )


@require_POST
@login_required
def webhook_test_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = _own_webhook(request, webhook_id)
    services.webhook_test(actor=_user(request), hook=hook)
    messages.info(
        request, f"A test message to “{hook.name}” is on its way; reload to see whether it arrived."
    )
    return redirect("notifications:preferences")


@require_POST
@login_required
def webhook_delete_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    hook = _own_webhook(request, webhook_id)
    name = hook.name
    services.webhook_delete(actor=_user(request), hook=hook)
    messages.success(request, f"Webhook “{name}” removed.")
    return redirect("notifications:preferences")


@require_GET
@require_permission(ADMIN_PERMISSION, audit_action="notifications.failing_webhooks.view")
def failing_webhook_list_view(request: HttpRequest) -> HttpResponse:
    context = {
        "failing": selectors.failing_webhook_list(),
        "organisation": selectors.organisation_webhook_list(),
        "max_failures": settings.NOTIFICATIONS_WEBHOOK_MAX_FAILURES,
    }
    return render(request, "notifications/failing_webhooks.html", context)
