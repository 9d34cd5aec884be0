from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from samspil.accounts.models import User
from samspil.families.models import FosterFamily


def test_seed_demo_refuses_outside_demo_mode(db, settings) -> None:
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="SAMSPIL_DEMO"):
        call_command("seed_demo")
    assert not User.objects.filter(username="admin").exists()


def test_seed_demo_creates_the_demo_users_once(db, settings) -> None:
    settings.DEMO_MODE = True
    call_command("seed_demo")
    families = FosterFamily.objects.count()
    call_command("seed_demo")
    usernames = set(User.objects.values_list("username", flat=True))
    assert {
        "konsulent.kbh",
        "konsulent.middelfart",
        "konsulent.vejle",
        "konsulent.vesthimmerland",
        "leder.kbh",
        "raadgiver.kbh",
        "specialist.brohuset",
        "plejeforaelder.vejle",
        "evaluator",
        "socialstyrelsen",
        "admin",
    } <= usernames
    assert FosterFamily.objects.count() == families
    assert set(FosterFamily.objects.values_list("municipality__code", flat=True)) == {
        "101",
        "410",
        "630",
        "820",
    }


def test_demo_foster_parent_sees_only_own_family(db, settings) -> None:
    from samspil.families.selectors import families_for

    settings.DEMO_MODE = True
    call_command("seed_demo")
    parent = User.objects.get(username="plejeforaelder.vejle")
    assert families_for(parent).count() == 1
