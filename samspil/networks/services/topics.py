"""Writes of network-group topics: set by those who manage the group in the facilitated phase
(chosen at once), later suggested and supported by the member families, chosen for a meeting
and marked covered by whoever runs the meetings.

Each function is one use case: keyword-only, atomic, permission-checked (raising
`PermissionDeniedError`), validated (raising `ValidationError` with every problem at once) and
audited with `log_action("networks.topic.<verb>", …)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from samspil.accounts.models import User
from samspil.audit.services import log_action
from samspil.core.exceptions import PermissionDeniedError
from samspil.networks import rules
from samspil.networks.enums import TopicStatus
from samspil.networks.models import Meeting, NetworkGroup, Topic
from samspil.networks.services.groups import FieldErrors, require_active, require_manager


def _log_topic(
    verb: str, *, actor: User, topic: Topic, data: Mapping[str, Any] | None = None
) -> None:
    log_action(
        f"networks.topic.{verb}",
        actor=actor,
        obj=topic,
        municipality_id=topic.group.municipality_id,
        data={"group": str(topic.group.uuid), "status": topic.status, **(data or {})},
    )


def _check_topic(errors: FieldErrors, title: str) -> None:
    if not title.strip():
        errors.add("title", _("Give the topic a title."))
    elif len(title.strip()) > 200:
        errors.add("title", _("Keep the title under 200 characters."))


def _check_topic_meeting(errors: FieldErrors, group: NetworkGroup, meeting: Meeting | None) -> None:
    if meeting is not None and (
        meeting.group_id != group.pk or meeting.cancelled or meeting.attendance_recorded
    ):
        errors.add("meeting", _("Choose a planned meeting of the group."))


@transaction.atomic
def add_topic(
    *,
    actor: User,
    group: NetworkGroup,
    title: str,
    description: str = "",
    meeting: Meeting | None = None,
) -> Topic:
    """Staff who manage the group set a topic (chosen at once), optionally for a planned
    meeting: how topics start in the facilitated phase. Audit "networks.topic.create"."""
    require_manager(actor, group)
    require_active(group)
    errors = FieldErrors()
    _check_topic(errors, title)
    _check_topic_meeting(errors, group, meeting)
    errors.raise_if_any()
    topic = Topic.objects.create(
        group=group,
        title=title.strip(),
        description=description.strip(),
        status=TopicStatus.CHOSEN,
        suggested_by=actor,
        meeting=meeting,
    )
    _log_topic("create", actor=actor, topic=topic, data={"title": topic.title})
    return topic


@transaction.atomic
def suggest_topic(*, actor: User, group: NetworkGroup, title: str, description: str = "") -> Topic:
    """A member family suggests a topic once the group runs itself (rules.can_suggest_topics).
    Audit "networks.topic.suggest"."""
    if not rules.can_suggest_topics(actor, group):
        raise PermissionDeniedError
    family_id = rules.member_family_id(actor, group)
    errors = FieldErrors()
    _check_topic(errors, title)
    errors.raise_if_any()
    topic = Topic.objects.create(
        group=group,
        title=title.strip(),
        description=description.strip(),
        status=TopicStatus.SUGGESTED,
        suggested_by=actor,
        suggested_by_family_id=family_id,
    )
    _log_topic("suggest", actor=actor, topic=topic, data={"title": topic.title})
    return topic


@transaction.atomic
def support_topic(*, actor: User, topic: Topic, supports: bool = True) -> Topic:
    """A member family supports another family's suggestion (or withdraws its support).
    Audit "networks.topic.support"."""
    group = topic.group
    if not rules.can_suggest_topics(actor, group):
        raise PermissionDeniedError
    family_id = rules.member_family_id(actor, group)
    if topic.status != TopicStatus.SUGGESTED:
        raise ValidationError(_("Only suggestions can be supported."))
    if topic.suggested_by_family_id == family_id:
        raise ValidationError(_("Your family suggested this topic."))
    if supports:
        topic.supporters.add(family_id)  # type: ignore[arg-type]
    else:
        topic.supporters.remove(family_id)  # type: ignore[arg-type]
    _log_topic("support", actor=actor, topic=topic, data={"supports": supports})
    return topic


@transaction.atomic
def choose_topic(*, actor: User, topic: Topic, meeting: Meeting | None = None) -> Topic:
    """Choose a topic (optionally for a planned meeting): staff who manage the group, or the
    contact family in the self-running phase. Audit "networks.topic.choose"."""
    group = topic.group
    if not rules.can_run_meetings(actor, group):
        raise PermissionDeniedError
    require_active(group)
    errors = FieldErrors()
    if topic.status == TopicStatus.COVERED:
        errors.add("topic", _("The topic was covered already."))
    _check_topic_meeting(errors, group, meeting)
    errors.raise_if_any()
    topic.status = TopicStatus.CHOSEN
    topic.meeting = meeting
    topic.save(update_fields=["status", "meeting", "updated_at"])
    _log_topic(
        "choose",
        actor=actor,
        topic=topic,
        data={"meeting": str(meeting.uuid) if meeting else None},
    )
    return topic


@transaction.atomic
def cover_topic(*, actor: User, topic: Topic) -> Topic:
    """Mark a chosen topic covered. Audit "networks.topic.cover"."""
    if not rules.can_run_meetings(actor, topic.group):
        raise PermissionDeniedError
    if topic.status != TopicStatus.CHOSEN:
        raise ValidationError(_("Choose the topic before marking it covered."))
    topic.status = TopicStatus.COVERED
    topic.save(update_fields=["status", "updated_at"])
    _log_topic("cover", actor=actor, topic=topic)
    return topic
