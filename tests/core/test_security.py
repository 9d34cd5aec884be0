from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def test_pages_send_a_strict_content_security_policy(db, client) -> None:
    response = client.get(reverse("account_login"))
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_send_security_headers(db, client) -> None:
    response = client.get(reverse("account_login"))
    assert (
        response.headers["X-Frame-Options"],
        response.headers["X-Content-Type-Options"],
        response.headers["Referrer-Policy"],
    ) == (
        "DENY",
        "nosniff",
        "same-origin",
    )


def test_templates_contain_no_inline_scripts_or_handlers() -> None:
    offenders = []
    for template in (ROOT / "samspil" / "templates").rglob("*.html"):
        text = template.read_text()
        if (
            "<script>" in text
            or " onclick=" in text
            or " onchange=" in text
            or "<style" in text
            or ' style="' in text
        ):
            offenders.append(template.name)
    assert offenders == []


def test_anonymous_user_is_sent_to_login(db, client) -> None:
    response = client.get(reverse("families:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_forms_are_csrf_protected(world) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.consultant_a)
    response = client.post(reverse("families:edit", args=[world.family_a.uuid]), {"name": "x"})
    assert response.status_code == 403


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAMSPIL_", "DJANGO_", "PYTEST"))
        and key not in {"DEBUG", "DATABASE_URL"}
    }
    env.update(
        SECRET_KEY="x" * 20 + "-production-secret-key-with-enough-entropy-8f3a9c2e7b1d",
        SAMSPIL_CPR_KEY="c2Ftc3BpbC1wcm9kLWNwci1rZXktMzItYnl0ZXMhISE=",
        ALLOWED_HOSTS="samspil.example.dk",
        SAMSPIL_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_secret_key(tmp_path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAMSPIL_", "SECRET_KEY", "PYTEST"))
    }
    env["SAMSPIL_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "SECRET_KEY must be set" in result.stderr
