"""Forms of the literacy pages (authoring, awards, buddies); services do the checks that matter."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from literacy.models import Badge, LearningPath, QuestionKind
from workbench.accounts.models import User

CHOICE_ROWS = 5


class CourseForm(forms.Form):
    title = forms.CharField(max_length=160)
    slug = forms.SlugField(max_length=80, help_text="The course's address, e.g. data-101.")
    path = forms.ModelChoiceField(queryset=LearningPath.objects.all(), label="Learning path")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    estimated_minutes = forms.IntegerField(min_value=1, max_value=600, initial=15)
    position = forms.IntegerField(min_value=0, max_value=999, initial=0, label="Order on the path")
    is_published = forms.TypedChoiceField(
        choices=[("0", "Draft (only authors see it)"), ("1", "Published")],
        coerce=lambda v: v == "1",
        initial="0",
        label="Status",
    )


class LessonForm(forms.Form):
    title = forms.CharField(max_length=160)
    body_markdown = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 16, "class": "font-monospace"}),
        label="Text (Markdown)",
        help_text="Headings with #, lists with -, **bold**, `code`, tables. HTML is shown as text.",
    )


class QuizForm(forms.Form):
    title = forms.CharField(max_length=160)
    pass_mark_percent = forms.IntegerField(
        min_value=1, max_value=100, initial=70, label="Pass mark (%)"
    )
    max_attempts = forms.IntegerField(
        min_value=1, max_value=50, required=False, help_text="Leave empty for unlimited attempts."
    )


class QuestionForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Question")
    kind = forms.ChoiceField(choices=QuestionKind.choices)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for i in range(1, CHOICE_ROWS + 1):
            self.fields[f"choice_{i}"] = forms.CharField(
                max_length=300, required=False, label=f"Answer {i}"
            )
            self.fields[f"correct_{i}"] = forms.BooleanField(required=False, label="Correct")
            self.fields[f"feedback_{i}"] = forms.CharField(
                max_length=500, required=False, label="Feedback"
            )

    def choice_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"choice_{i}"], self[f"correct_{i}"], self[f"feedback_{i}"])
            for i in range(1, CHOICE_ROWS + 1)
        ]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name} ({obj.username})"


class AwardForm(forms.Form):
    badge = forms.ModelChoiceField(queryset=Badge.objects.none())
    recipient = PersonChoiceField(queryset=User.objects.none(), to_field_name="username")
    citation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the person did to earn it; published in the credential.",
    )

    def __init__(self, *args: object, actor: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        badges = Badge.objects.filter(is_active=True)
        if not actor.has_perm("literacy.award_badge"):
            badges = badges.filter(criteria__kind="manual").distinct()
        self.fields["badge"].queryset = badges  # type: ignore[attr-defined]
        people = User.objects.filter(is_active=True).exclude(pk=actor.pk)
        if not actor.has_perm("literacy.award_badge"):
            people = people.filter(manager=actor)
        self.fields["recipient"].queryset = people.order_by("last_name", "first_name")  # type: ignore[attr-defined]


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class BuddyForm(forms.Form):
    mentor = PersonChoiceField(queryset=User.objects.none(), to_field_name="username")
    newcomer = PersonChoiceField(queryset=User.objects.none(), to_field_name="username")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        active = User.objects.filter(is_active=True, groups__isnull=False).distinct()
        proficient = active.filter(
            Q(
                badge_awards__badge__tier__in=["silver", "gold"],
                badge_awards__revoked_at__isnull=True,
            )
        ).distinct()
        self.fields["mentor"].queryset = proficient.order_by("last_name", "first_name")  # type: ignore[attr-defined]
        self.fields["newcomer"].queryset = active.order_by("last_name", "first_name")  # type: ignore[attr-defined]
        self.fields["mentor"].help_text = "Only people at Silver or above can mentor."


class VerifyForm(forms.Form):
    credential = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
        required=False,
        help_text="Paste the credential (the text starting eyJ…), or upload the badge image below.",
    )
    badge_file = forms.FileField(required=False, label="Badge image (SVG)")

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if not data.get("credential") and not data.get("badge_file"):
            raise forms.ValidationError("Paste a credential or choose a badge image to check.")
        return data
