from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from samspil.accounts.models import ApiToken
from samspil.accounts.tokens import hash_token
from samspil.audit.models import AuditEntry


def test_issue_api_token_prints_a_token_that_authenticates(world, client) -> None:
    out = StringIO()
    call_command("issue_api_token", "consultant_a", stdout=out)
    token = out.getvalue().strip()
    response = client.get("/api/v1/families", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["count"] == 2


def test_issue_api_token_unknown_user_fails(db) -> None:
    with pytest.raises(CommandError):
        call_command("issue_api_token", "nobody")


def test_api_token_is_stored_only_as_hash(world) -> None:
    out = StringIO()
    call_command("issue_api_token", "consultant_a", stdout=out)
    token = out.getvalue().strip()
    record = ApiToken.objects.get(user=world.consultant_a)
    assert record.token_hash == hash_token(token)
    assert token not in record.prefix + record.name


def test_revoked_token_answers_401(world, client) -> None:
    client.force_login(world.consultant_a)
    response = client.post(reverse("accounts:profile"), {"name": "script"})
    token = response.context["new_token"]
    record = ApiToken.objects.get(user=world.consultant_a)
    client.post(reverse("accounts:revoke_token", args=[record.pk]))
    response = client.get("/api/v1/families", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert (
        AuditEntry.objects.filter(
            action="accounts.api_token.revoke", actor=world.consultant_a
        ).count()
        == 1
    )


def test_api_without_token_answers_401_with_reason(db, client) -> None:
    response = client.get("/api/v1/families")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_users_cannot_revoke_each_others_tokens(world, client) -> None:
    client.force_login(world.consultant_b)
    client.post(reverse("accounts:profile"), {"name": "b's"})
    record = ApiToken.objects.get(user=world.consultant_b)
    client.force_login(world.consultant_a)
    response = client.post(reverse("accounts:revoke_token", args=[record.pk]))
    assert response.status_code == 404
    record.refresh_from_db()
    assert record.revoked_at is None
