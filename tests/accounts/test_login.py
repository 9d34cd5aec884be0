from __future__ import annotations

import importlib

from allauth.mfa.models import Authenticator
from django.urls import reverse

from samspil.audit.models import AuditEntry
from tests.factories import UserFactory


def test_login_page_is_danish_by_default(db, client) -> None:
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "da"
    assert '<html lang="da">' in response.content.decode()


def test_login_page_in_english_when_chosen(db, client) -> None:
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("account_login"))
    assert response.headers["Content-Language"] == "en"


def test_staff_without_two_factor_is_sent_to_set_it_up(world, client) -> None:
    Authenticator.objects.filter(user=world.consultant_a).delete()
    client.force_login(world.consultant_a)
    response = client.get(reverse("families:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_staff_with_two_factor_is_asked_for_code_after_password(world, client) -> None:
    response = client.post(
        reverse("account_login"), {"login": "consultant_a", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_foster_parent_may_log_in_without_two_factor(world, client) -> None:
    response = client.post(
        reverse("account_login"),
        {"login": "foster_parent_a", "password": "correct-horse-battery"},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("families:detail", args=[world.family_a.uuid])


def test_demo_user_skips_two_factor_only_in_demo_mode(world, client, settings) -> None:
    Authenticator.objects.filter(user=world.consultant_a).delete()
    world.consultant_a.is_demo = True
    world.consultant_a.save()
    client.force_login(world.consultant_a)
    settings.DEMO_MODE = False
    assert client.get(reverse("families:list")).status_code == 302
    settings.DEMO_MODE = True
    assert client.get(reverse("families:list")).status_code == 200


def test_non_demo_user_needs_two_factor_even_in_demo_mode(world, client, settings) -> None:
    Authenticator.objects.filter(user=world.consultant_a).delete()
    settings.DEMO_MODE = True
    client.force_login(world.consultant_a)
    assert client.get(reverse("families:list")).status_code == 302


def test_failed_logins_are_throttled(db, client) -> None:
    UserFactory(username="parent", password="correct-horse-battery")
    for n in range(5):
        client.post(reverse("account_login"), {"login": "parent", "password": f"wrong-{n}"})
    response = client.post(
        reverse("account_login"), {"login": "parent", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_login_and_failed_login_are_audited(db, client) -> None:
    UserFactory(username="parent", password="correct-horse-battery")
    client.post(
        reverse("account_login"), {"login": "parent", "password": "nope"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(reverse("account_login"), {"login": "parent", "password": "correct-horse-battery"})
    failed = AuditEntry.objects.get(action="accounts.login_failed")
    assert (failed.actor_label, failed.ip_address) == ("parent", "10.1.2.3")
    assert AuditEntry.objects.filter(action="accounts.login", actor__username="parent").count() == 1


def test_passwords_are_hashed_with_argon2_outside_tests() -> None:
    from samspil import settings as production_settings

    importlib.reload(production_settings)
    assert (
        production_settings.PASSWORD_HASHERS[0]
        == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_sessions_expire_when_idle_and_at_browser_close(settings) -> None:
    assert settings.SESSION_COOKIE_AGE <= 60 * 60 * 8
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_sign_up_is_closed(db, client) -> None:
    from samspil.accounts.models import User

    client.post(
        reverse("account_signup"),
        {
            "username": "intruder",
            "password1": "a-long-password-1",
            "password2": "a-long-password-1",
        },
    )
    assert not User.objects.filter(username="intruder").exists()
