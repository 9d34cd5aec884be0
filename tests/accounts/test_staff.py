from __future__ import annotations

from django.core import mail
from django.urls import reverse

from samspil.accounts.enums import Role
from samspil.accounts.models import Membership, User
from samspil.audit.models import AuditEntry


def test_leader_invites_staff_member_who_gets_a_password_link(
    world, client, django_capture_on_commit_callbacks
) -> None:
    client.force_login(world.leader_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:staff_create"),
            {
                "municipality": world.a.pk,
                "role": "consultant",
                "username": "ny.konsulent",
                "first_name": "Nina",
                "last_name": "Ny",
                "email": "nina@example.dk",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(username="ny.konsulent")
    assert [(m.role, m.municipality) for m in user.memberships.all()] == [
        (Role.CONSULTANT, world.a)
    ]
    assert not user.has_usable_password()
    assert [message.to for message in mail.outbox] == [["nina@example.dk"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert (
        AuditEntry.objects.filter(action="accounts.staff.create", municipality=world.a).count() == 1
    )


def test_leader_cannot_invite_into_other_municipality(world, client) -> None:
    client.force_login(world.leader_a)
    response = client.post(
        reverse("accounts:staff_create"),
        {
            "municipality": world.b.pk,
            "role": "consultant",
            "username": "x",
            "first_name": "X",
            "last_name": "Y",
            "email": "x@example.dk",
        },
    )
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert not User.objects.filter(username="x").exists()


def test_leader_grants_and_revokes_a_role(world, client) -> None:
    client.force_login(world.leader_a)
    url = reverse("accounts:staff_detail", args=[world.case_worker_a.uuid])
    client.post(url, {"municipality": world.a.pk, "role": "consultant"})
    membership = Membership.objects.get(user=world.case_worker_a, role=Role.CONSULTANT)
    client.post(
        reverse("accounts:revoke_membership", args=[world.case_worker_a.uuid, membership.pk])
    )
    assert list(world.case_worker_a.memberships.values_list("role", flat=True)) == ["case_worker"]
    assert [
        e.action
        for e in AuditEntry.objects.filter(action__startswith="accounts.role").order_by("id")
    ] == ["accounts.role.grant", "accounts.role.revoke"]


def test_consultant_role_with_families_cannot_be_revoked(world, client) -> None:
    client.force_login(world.leader_a)
    membership = Membership.objects.get(user=world.consultant_a, role=Role.CONSULTANT)
    client.post(
        reverse("accounts:revoke_membership", args=[world.consultant_a.uuid, membership.pk])
    )
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_leader_does_not_see_staff_of_other_municipality(world, client) -> None:
    client.force_login(world.leader_a)
    response = client.get(reverse("accounts:staff_list"))
    usernames = {u.username for u in response.context["page"].object_list}
    assert usernames == {"consultant_a", "consultant_a2", "leader_a", "case_worker_a"}
    assert (
        client.get(reverse("accounts:staff_detail", args=[world.consultant_b.uuid])).status_code
        == 404
    )


def test_leader_deactivates_staff_member_who_then_cannot_use_the_api(world, client) -> None:
    from samspil.accounts.services import create_api_token

    _record, token = create_api_token(user=world.case_worker_a, name="t")
    client.force_login(world.leader_a)
    client.post(
        reverse("accounts:staff_set_active", args=[world.case_worker_a.uuid]), {"active": "0"}
    )
    world.case_worker_a.refresh_from_db()
    assert world.case_worker_a.is_active is False
    client.logout()
    assert (
        client.get("/api/v1/families", headers={"Authorization": f"Bearer {token}"}).status_code
        == 401
    )


def test_consultant_with_families_cannot_be_deactivated(world, client) -> None:
    client.force_login(world.leader_a)
    client.post(
        reverse("accounts:staff_set_active", args=[world.consultant_a.uuid]), {"active": "0"}
    )
    world.consultant_a.refresh_from_db()
    assert world.consultant_a.is_active is True


def test_leader_cannot_deactivate_staff_of_other_municipality(world, client) -> None:
    client.force_login(world.leader_a)
    response = client.post(
        reverse("accounts:staff_set_active", args=[world.leader_b.uuid]), {"active": "0"}
    )
    assert response.status_code == 404
    world.leader_b.refresh_from_db()
    assert world.leader_b.is_active is True
