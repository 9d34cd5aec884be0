from django import forms
from django.utils.translation import gettext_lazy as _

from samspil.core.forms import DateInput


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Person"), required=False, max_length=150)
    record = forms.CharField(label=_("Record (name or id)"), required=False, max_length=200)
    action = forms.ChoiceField(
        label=_("What"),
        required=False,
        choices=[
            ("", _("Everything")),
            ("families.family.read", _("Family opened")),
            ("families.child.read", _("Child opened")),
            ("families.", _("Families and children (all)")),
            ("accounts.login", _("Logins")),
            ("accounts.", _("Accounts and roles")),
            ("organisations.", _("Organisations")),
        ],
    )
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())
