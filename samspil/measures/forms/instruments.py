"""Forms of the instrument catalogue: uploading the licensed item texts (a system
administrator) and a leader's configuration of the municipality's burden rating."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.measures.models import localised

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
OWN_ITEMS = 3


class ItemTextImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "UTF-8, with the header instrument,version,item,language,text; language da or en."
        ),
    )

    def clean_file(self) -> str:
        """The file's text (UTF-8, a byte-order mark allowed)."""
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            return str(upload.read().decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None


@dataclass(frozen=True)
class RatingRow:
    key: str
    use: forms.BoundField
    label_da: forms.BoundField
    label_en: forms.BoundField
    scale: str  # how it is answered
    shipped_da: str  # the shipped wording, for reference
    shipped_en: str


class RatingConfigureForm(forms.Form):
    """Which shipped questions to ask, in the municipality's own words, and up to three own
    questions on the 0–4 scale. `version` is the municipality's current version number the
    leader started from (0 for none yet)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    name_da = forms.CharField(label=gettext_lazy("Name (Danish)"), max_length=120, required=False)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=120, required=False)

    def __init__(
        self,
        *args: Any,
        base: Mapping[str, Any],
        current: Mapping[str, Any] | None,
        current_number: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.base_items: list[Mapping[str, Any]] = list(base["items"])
        configured = {str(i["key"]): i for i in (current or {}).get("items", [])}
        own = [i for key, i in configured.items() if key.startswith("own_")]
        self.fields["version"].initial = current_number
        if current is not None:
            name = current.get("name", {})
            self.fields["name_da"].initial = localised(name, "da")
            self.fields["name_en"].initial = localised(name, "en")
        for item in self.base_items:
            key = str(item["key"])
            chosen = configured.get(key)
            source = chosen or item
            self.fields[f"use_{key}"] = forms.BooleanField(
                label=gettext_lazy("Ask"),
                required=False,
                initial=chosen is not None or current is None,
            )
            self.fields[f"da_{key}"] = forms.CharField(
                label=gettext_lazy("Danish"),
                max_length=200,
                required=False,
                initial=localised(source.get("label"), "da"),
            )
            self.fields[f"en_{key}"] = forms.CharField(
                label=gettext_lazy("English"),
                max_length=200,
                required=False,
                initial=localised(source.get("label"), "en"),
            )
        for number in range(1, OWN_ITEMS + 1):
            existing = own[number - 1] if number <= len(own) else None
            self.fields[f"own_da_{number}"] = forms.CharField(
                label=gettext_lazy("Danish"),
                max_length=200,
                required=False,
                initial=localised(existing.get("label"), "da") if existing else "",
            )
            self.fields[f"own_en_{number}"] = forms.CharField(
                label=gettext_lazy("English"),
                max_length=200,
                required=False,
                initial=localised(existing.get("label"), "en") if existing else "",
            )

    def rows(self) -> list[RatingRow]:
        rows = []
        for item in self.base_items:
            key = str(item["key"])
            answer = (
                _("0–4 (not at all … very much)")
                if isinstance(item.get("options"), str)
                else "–".join(str(v) for v in item.get("range", []))
            )
            rows.append(
                RatingRow(
                    key=key,
                    use=self[f"use_{key}"],
                    label_da=self[f"da_{key}"],
                    label_en=self[f"en_{key}"],
                    scale=answer,
                    shipped_da=localised(item.get("label"), "da"),
                    shipped_en=localised(item.get("label"), "en"),
                )
            )
        return rows

    def own_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"own_da_{n}"], self[f"own_en_{n}"]) for n in range(1, OWN_ITEMS + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item in self.base_items:
            key = str(item["key"])
            if data.get(f"use_{key}"):
                for language in ("da", "en"):
                    if not (data.get(f"{language}_{key}") or "").strip():
                        self.add_error(f"{language}_{key}", _("Give the question's wording."))
        for number in range(1, OWN_ITEMS + 1):
            da = (data.get(f"own_da_{number}") or "").strip()
            en = (data.get(f"own_en_{number}") or "").strip()
            if bool(da) != bool(en):
                self.add_error(
                    f"own_en_{number}" if da else f"own_da_{number}",
                    _("Give your own question in both Danish and English."),
                )
        if not self.errors and not self.items() and not self.own_items():
            raise forms.ValidationError(_("Choose at least one question."))
        return data

    def items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "key": str(item["key"]),
                "label": {
                    "da": data[f"da_{item['key']}"].strip(),
                    "en": data[f"en_{item['key']}"].strip(),
                },
            }
            for item in self.base_items
            if data.get(f"use_{item['key']}")
        ]

    def own_items(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        own = []
        for number in range(1, OWN_ITEMS + 1):
            da = (data.get(f"own_da_{number}") or "").strip()
            en = (data.get(f"own_en_{number}") or "").strip()
            if da and en:
                own.append({"label": {"da": da, "en": en}})
        return own

    @property
    def expected_version(self) -> int | None:
        number = self.cleaned_data.get("version") or 0
        return int(number) or None
