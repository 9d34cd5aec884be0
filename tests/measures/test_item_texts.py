"""Importing licensed item texts: the system administrator's upload page and the
`import_item_texts` command. Texts in tests are placeholders, never an instrument's wording."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from samspil.audit.models import AuditEntry
from samspil.measures.models import ItemText

pytestmark = pytest.mark.django_db

HEADER = "instrument,version,item,language,text\n"
GOOD = HEADER + (
    "sdq-parent-4-17,1,1,da,TEXT-DA-1\n"
    "sdq-parent-4-17,1,1,en,TEXT-EN-1\n"
    'sdq-teacher-4-17,1,impact_peers,en,"TEXT, WITH A COMMA"\n'
)


def upload(client: Any, content: str | bytes) -> Any:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(
        reverse("measures:item_text_import"),
        {"file": SimpleUploadedFile("texts.csv", data, content_type="text/csv")},
    )


def test_sysadmin_imports_texts(world: Any, login: Any) -> None:
    page = upload(login(world.sysadmin), GOOD)
    assert page.status_code == 302
    texts = ItemText.objects.order_by("version__instrument__code", "item", "language")
    assert [(t.version.instrument.code, t.item, t.language, t.text) for t in texts] == [
        ("sdq-parent-4-17", "1", "da", "TEXT-DA-1"),
        ("sdq-parent-4-17", "1", "en", "TEXT-EN-1"),
        ("sdq-teacher-4-17", "impact_peers", "en", "TEXT, WITH A COMMA"),
    ]
    entry = AuditEntry.objects.get(action="measures.item_texts.import")
    assert entry.data["rows"] == 3


def test_importing_again_replaces_the_texts(world: Any, login: Any) -> None:
    client = login(world.sysadmin)
    upload(client, GOOD)
    upload(client, HEADER + "sdq-parent-4-17,1,1,da,TEXT-DA-NEW\n")
    assert ItemText.objects.get(item="1", language="da").text == "TEXT-DA-NEW"
    assert ItemText.objects.count() == 3


def test_a_byte_order_mark_is_accepted(world: Any, login: Any) -> None:
    upload(login(world.sysadmin), "\ufeff" + GOOD)
    assert ItemText.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "instrument;version;item;language;text\n",
            "The first line must be: instrument,version,item,language,text",
        ),
        (HEADER + "sdq-parent-4-17,1,26,da,X\n", "Line 2: sdq-parent-4-17 has no item 26."),
        (HEADER + "sdq-parent-4-17,1,1,de,X\n", "Line 2: language must be da or en."),
        (
            HEADER + "sdq-parent-4-17,7,1,da,X\n",
            "Line 2: there is no instrument sdq-parent-4-17 version 7.",
        ),
        (HEADER + "sdq-parent-4-17,1,1,da,\n", "Line 2: text is empty."),
        (HEADER, "The file has no texts."),
    ],
)
def test_a_bad_file_shows_the_problem_with_its_line(
    world: Any, login: Any, content: str, problem: str
) -> None:
    page = upload(login(world.sysadmin), content)
    assert page.status_code == 200
    assert problem in page.content.decode()
    assert ItemText.objects.count() == 0


def test_all_or_nothing_every_problem_listed(world: Any, login: Any) -> None:
    content = GOOD + "sdq-parent-4-17,1,99,da,X\nwho-5,1,1,fr,X\n"
    page = upload(login(world.sysadmin), content)
    html = page.content.decode()
    assert "Nothing was imported: 2 problems." in html
    assert "Line 5: sdq-parent-4-17 has no item 99." in html
    assert "Line 6: language must be da or en." in html
    assert ItemText.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(world: Any, login: Any) -> None:
    page = upload(login(world.sysadmin), GOOD.replace("TEXT-DA-1", "Før").encode("latin-1"))
    assert "The file is not UTF-8 text." in page.content.decode()
    assert ItemText.objects.count() == 0


@pytest.mark.parametrize("persona", ["leader_a", "consultant_a"])
def test_only_the_sysadmin_may_import(world: Any, login: Any, persona: str) -> None:
    page = upload(login(getattr(world, persona)), GOOD)
    assert page.status_code == 403
    assert ItemText.objects.count() == 0


def test_the_page_lists_what_is_imported(world: Any, login: Any) -> None:
    client = login(world.sysadmin)
    upload(client, GOOD)
    page = client.get(reverse("measures:item_text_import"))
    assert [(r["code"], r["lang"], r["count"]) for r in page.context["imported"]] == [
        ("sdq-parent-4-17", "da", 1),
        ("sdq-parent-4-17", "en", 1),
        ("sdq-teacher-4-17", "en", 1),
    ]


# -- the command --------------------------------------------------------------------------------


def test_command_imports_a_file(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "texts.csv"
    path.write_text(GOOD, "utf-8")
    out = StringIO()
    call_command("import_item_texts", str(path), user="sysadmin", stdout=out)
    assert "Imported 3 licensed texts." in out.getvalue()
    assert ItemText.objects.count() == 3


def test_command_prints_every_problem_and_imports_nothing(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "texts.csv"
    path.write_text(GOOD + "sdq-parent-4-17,1,99,da,X\n", "utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command("import_item_texts", str(path), user="sysadmin", stderr=err)
    assert "Line 5: sdq-parent-4-17 has no item 99." in err.getvalue()
    assert ItemText.objects.count() == 0


def test_command_refuses_a_user_who_is_not_a_sysadmin(world: Any, tmp_path: Path) -> None:
    path = tmp_path / "texts.csv"
    path.write_text(GOOD, "utf-8")
    with pytest.raises(CommandError, match="not a system administrator"):
        call_command("import_item_texts", str(path), user="leader_a")
    assert ItemText.objects.count() == 0
