"""Forms of mentor families: finding a mentor, consent, recording a mentorship, its end and the
contact log. Families are uuids the views look up through the policy; the services validate
again (the forms only shape the input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DateInput
from samspil.networks.enums import MentorReason
from samspil.networks.models import MentorContact, Mentorship


class FamilySearchForm(forms.Form):
    """ "Find a mentor family": a family by name, city or postcode (GET ?q=)."""

    q = forms.CharField(
        label=_("Search by name, city or postcode"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "find_%s")
        super().__init__(*args, **kwargs)


class FindMentorForm(forms.Form):
    """The family that needs a mentor, and why (GET: the suggestions page's query). The family
    is a uuid the page offers (a search result or the family shown); the suggestions view looks
    it up through the policy."""

    family = forms.UUIDField(label=_("Family that needs a mentor"), widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Reason"), choices=MentorReason.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "find_%s")
        super().__init__(*args, **kwargs)


class ConsentForm(forms.Form):
    """Give or withdraw a family's consent to be a mentor family. The family is a uuid the page
    names (the view looks it up through the policy)."""

    family = forms.UUIDField(label=_("Family"), widget=forms.HiddenInput)
    consents = forms.TypedChoiceField(
        label=_("Willing to be a mentor family"),
        choices=[("yes", _("Yes, the family consents")), ("no", _("No, consent withdrawn"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("E.g. how and when the family gave its consent."),
    )

    def __init__(self, *args: Any, own: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "consent_%s")
        super().__init__(*args, **kwargs)
        if own:
            # A foster parent answers for their own family only: a toggle.
            self.fields["consents"].widget = forms.HiddenInput()
            del self.fields["note"]


class MentorshipForm(forms.Form):
    """Record a mentorship from the suggestions page: the chosen mentor (ranked first by
    default), the period and a note. The mentee and the reason come from the page."""

    mentee = forms.UUIDField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(choices=MentorReason.choices, widget=forms.HiddenInput)
    mentor = forms.UUIDField(
        label=_("Mentor family"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the mentor family.")},
    )
    starts_on = forms.DateField(label=_("Start date"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Planned end"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional; you can set or move the end later."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. what the families agreed on for the first contact."),
    )

    def __init__(self, *args: Any, mentors: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "mentorship_%s")
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("starts_on", timezone.localdate())
        if mentors:
            initial.setdefault("mentor", mentors[0][0])
        super().__init__(*args, **kwargs)
        self.fields["mentor"].widget.choices = mentors

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return cleaned


class EndForm(forms.Form):
    """Set, move or clear the end of a mentorship; the "end today" button ends it now."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    ends_on = forms.DateField(
        label=_("End"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty while the mentorship has no planned end."),
    )

    def __init__(self, *args: Any, mentorship: Mentorship, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", mentorship.version)
        initial.setdefault("ends_on", mentorship.ends_on)
        kwargs.setdefault("auto_id", "end_%s")
        super().__init__(*args, **kwargs)


class ContactForm(forms.ModelForm):  # type: ignore[type-arg]
    """One contact between the two families."""

    class Meta:
        model = MentorContact
        fields = ["happened_on", "kind", "minutes", "note"]
        widgets = {"happened_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("Short; both families and the consultant can read the log.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("happened_on", timezone.localdate())
        initial.setdefault("minutes", 30)
        kwargs.setdefault("auto_id", "contact_%s")
        super().__init__(*args, **kwargs)
