from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from samspil.accounts.services import create_api_token
from samspil.audit.models import AppendOnlyError, AuditEntry
from samspil.audit.services import log_action


def test_family_page_read_is_audited_with_address(world, client) -> None:
    client.force_login(world.consultant_a)
    client.get(reverse("families:detail", args=[world.family_a.uuid]), REMOTE_ADDR="192.0.2.7")
    entry = AuditEntry.objects.get(action="families.family.read")
    assert (entry.actor, entry.object_uuid, entry.ip_address, entry.municipality) == (
        world.consultant_a,
        world.family_a.uuid,
        "192.0.2.7",
        world.a,
    )
    assert entry.data["channel"] == "ui"


def test_child_read_through_api_is_audited(world, client) -> None:
    _record, token = create_api_token(user=world.case_worker_a, name="t")
    client.get(
        f"/api/v1/children/{world.child_a.uuid}", headers={"Authorization": f"Bearer {token}"}
    )
    entry = AuditEntry.objects.get(action="families.child.read")
    assert (entry.actor, entry.object_uuid, entry.data["channel"]) == (
        world.case_worker_a,
        world.child_a.uuid,
        "api",
    )


def test_denied_read_is_not_logged_as_a_read(world, client) -> None:
    client.force_login(world.consultant_b)
    client.get(reverse("families:detail", args=[world.family_a.uuid]))
    assert not AuditEntry.objects.filter(action="families.family.read").exists()


def test_family_change_records_before_and_after(world, client) -> None:
    client.force_login(world.consultant_a)
    url = reverse("families:edit", args=[world.family_a.uuid])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(address="Nyvej 2", version=world.family_a.version)
    client.post(url, data)
    entry = AuditEntry.objects.get(action="families.family.update")
    assert entry.changes == {"address": {"before": "Skovvej 1", "after": "Nyvej 2"}}


def test_audit_entry_cannot_be_changed_or_deleted_through_the_orm(db) -> None:
    entry = log_action("test.thing.happen", actor=None)
    entry.action = "test.thing.other"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_refuses_update_and_delete_of_audit_entries() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL; CI runs this on PostgreSQL")
    from django.db import DatabaseError, transaction

    entry = log_action("test.thing.happen", actor=None)
    for sql in (
        "UPDATE audit_auditentry SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [entry.pk])
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.thing.happen"


def test_leader_sees_audit_entries_of_own_municipality_only(world, client) -> None:
    client.force_login(world.consultant_a)
    client.get(reverse("families:detail", args=[world.family_a.uuid]))
    client.force_login(world.consultant_b)
    client.get(reverse("families:detail", args=[world.family_b.uuid]))
    client.force_login(world.leader_a)
    response = client.get(reverse("audit:list"), {"action": "families.family.read"})
    labels = [entry.object_label for entry in response.context["page"].object_list]
    assert labels == [world.family_a.name]


def test_audit_log_searchable_by_person_record_and_period(world, client) -> None:
    client.force_login(world.consultant_a)
    client.get(reverse("families:detail", args=[world.family_a.uuid]))
    client.get(reverse("families:detail", args=[world.family_a_other.uuid]))
    client.force_login(world.leader_a)
    by_record = (
        client.get(reverse("audit:list"), {"record": "Østergaard"}).context["page"].object_list
    )
    assert [e.object_uuid for e in by_record] == [world.family_a_other.uuid]
    by_person = (
        client.get(
            reverse("audit:list"), {"person": "consultant_a", "action": "families.family.read"}
        )
        .context["page"]
        .object_list
    )
    assert len(by_person) == 2
    by_period = (
        client.get(reverse("audit:list"), {"since": "2001-01-01", "until": "2001-12-31"})
        .context["page"]
        .object_list
    )
    assert list(by_period) == []


def test_audit_entries_are_not_in_the_admin(world, client) -> None:
    from django.contrib import admin

    assert AuditEntry not in admin.site._registry


def test_leader_sees_failed_logins_of_own_staff_only(world, client) -> None:
    client.post(reverse("account_login"), {"login": "consultant_a", "password": "wrong"})
    client.post(reverse("account_login"), {"login": "consultant_b", "password": "wrong"})
    client.force_login(world.leader_a)
    entries = (
        client.get(reverse("audit:list"), {"action": "accounts.login"}).context["page"].object_list
    )
    failed = [(e.action, e.actor_label) for e in entries if e.action == "accounts.login_failed"]
    assert failed == [("accounts.login_failed", "consultant_a")]


def test_institution_change_is_in_the_municipality_audit_log(world) -> None:
    from samspil.organisations.services import save_institution

    save_institution(
        actor=world.leader_a,
        institution=world.institution_a,
        values={"name": "Nyt navn"},
        expected_version=1,
    )
    entry = AuditEntry.objects.get(action="organisations.institution.update")
    assert (entry.municipality, entry.changes["name"]["after"]) == (world.a, "Nyt navn")
