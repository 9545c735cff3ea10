"""Admin for organisation chat webhooks (the URL is typed here once, stored encrypted) and a
read-only view of deliveries. People manage their own webhooks on the preferences page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from workbench.accounts.models import User
from workbench.notifications import services
from workbench.notifications.models import ChatWebhook, Delivery, NotificationKind


class OrganisationWebhookForm(forms.ModelForm[ChatWebhook]):
    url = forms.CharField(
        required=False,
        max_length=500,
        label="Webhook address",
        help_text="Leave empty to keep the stored address. Never shown again in full.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "size": 80}),
    )
    kinds = forms.MultipleChoiceField(
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Posted to this channel as title and link only.",
    )

    class Meta:
        model = ChatWebhook
        fields = ["name", "flavour", "kinds"]

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url", "")
        if not url and self.instance.pk is None:
            raise forms.ValidationError("Give the webhook's address.")
        if url:
            try:
                return services.webhook_url_check(url)
            except services.NotificationError as error:
                raise forms.ValidationError(str(error)) from error
        return url


@admin.register(ChatWebhook)
class ChatWebhookAdmin(admin.ModelAdmin[ChatWebhook]):
    form = OrganisationWebhookForm
    list_display = ("name", "owner", "flavour", "url_hint", "consecutive_failures", "disabled_at")
    list_filter = ("flavour",)
    search_fields = ("name", "owner__username")
    readonly_fields = ("url_hint", "consecutive_failures", "disabled_at", "last_error")

    def get_queryset(self, request: HttpRequest) -> Any:
        # People's own webhooks are theirs; admins see them on the failing-webhooks page only.
        return super().get_queryset(request).filter(owner__isnull=True)

    def save_model(self, request: HttpRequest, obj: ChatWebhook, form: Any, change: bool) -> None:
        data = form.cleaned_data
        actor = cast(User, request.user)
        if not change:
            created = services.webhook_create(
                actor=actor,
                owner=None,
                name=data["name"],
                url=data["url"],
                flavour=data["flavour"],
                kinds=data["kinds"],
            )
            obj.pk = created.pk
            return
        changes: dict[str, Any] = {"name": data["name"], "flavour": data["flavour"]}
        if data.get("url"):
            changes["url"] = data["url"]
        services.webhook_update(actor=actor, hook=obj, changes=changes)
        ChatWebhook.objects.filter(pk=obj.pk).update(kinds=list(data["kinds"]))


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin[Delivery]):
    list_display = ("created_at", "channel", "kind", "subject", "status", "attempts", "last_error")
    list_filter = ("status", "channel", "kind")
    fields = ("channel", "kind", "subject", "status", "attempts", "last_error", "sent_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
