"""The family search of the call page: folding Danish letters, tolerance of typos, phone
numbers and addresses, ranking, the policy's families only, and the audit entry."""

from __future__ import annotations

import pytest

from samspil.audit.models import AuditEntry
from samspil.hotline.selectors import calls as selectors
from tests import factories


def names(hits: list[selectors.FamilyHit]) -> list[str]:
    return [hit.name for hit in hits]


def test_fold_turns_danish_letters_into_their_spellings() -> None:
    assert selectors.fold("Østergård-Bæk") == "oestergaard baek"


def test_fold_strips_accents_and_case() -> None:
    assert selectors.fold("  Bjørn Éclair, 2. th.  ") == "bjoern eclair 2 th"


def test_phone_digits_ignores_spaces_and_the_danish_prefix() -> None:
    assert selectors.phone_digits("+45 20 30 40 50") == "20304050"


def test_phone_digits_of_a_name_is_empty() -> None:
    assert selectors.phone_digits("Hansen") == ""


@pytest.fixture
def families(world):  # type: ignore[no-untyped-def]
    """Three more families in København besides Andersen and Østergaard from the world."""
    hansen = factories.FamilyFactory(
        municipality=world.a, name="Familien Hansen", address="Bøgevej 12", phone="20304050"
    )
    factories.ParentFactory(family=hansen, first_name="Mette", last_name="Hansen")
    jensen = factories.FamilyFactory(
        municipality=world.a, name="Familien Jensen", address="Åboulevarden 3", postcode="2200"
    )
    factories.ParentFactory(
        family=jensen, first_name="Søren", last_name="Jensen", phone="+45 61 62 63 64"
    )
    larsen = factories.FamilyFactory(municipality=world.a, name="Familien Larsen", city="Valby")
    return {"hansen": hansen, "jensen": jensen, "larsen": larsen}


def search(world, hotline, query):  # type: ignore[no-untyped-def]
    return names(selectors.search_families(world.leader_a, hotline, query))


def top(world, hotline, query):  # type: ignore[no-untyped-def]
    """The best hit's name ("" when none)."""
    return (search(world, hotline, query) or [""])[0]


def test_search_finds_the_family_by_exact_name(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    # Familien Andersen's foster mother is Mette Hansen (the world's foster parent).
    assert search(world, hotline, "Hansen") == ["Familien Hansen", "Familien Andersen"]


def test_search_tolerates_swapped_letters(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "Hnasen") == "Familien Hansen"


def test_search_tolerates_a_missing_letter(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "Jensn") == "Familien Jensen"


def test_search_tolerates_a_misspelt_name_without_matching_similar_ones(
    world, hotline, families
) -> None:  # type: ignore[no-untyped-def]
    assert search(world, hotline, "Andersson") == ["Familien Andersen"]


def test_search_does_not_take_a_different_name_for_a_typo(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert search(world, hotline, "Jensen") == ["Familien Jensen"]


def test_search_finds_oe_typed_as_o(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "Ostergard") == "Familien Østergaard"


def test_search_finds_oe_typed_as_the_danish_letter(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "Østergård") == "Familien Østergaard"


def test_search_finds_aa_written_as_the_danish_letter(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "aaboulevarden") == "Familien Jensen"


def test_search_finds_a_street_with_a_typo_and_number(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "Bogevej 12") == "Familien Hansen"


def test_search_finds_a_foster_parents_last_name(world, hotline) -> None:  # type: ignore[no-untyped-def]
    assert search(world, hotline, "Hansen") == ["Familien Andersen"]


def test_search_finds_a_foster_parents_first_name(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "Soren") == "Familien Jensen"


def test_search_finds_the_familys_phone_number_with_spaces(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert search(world, hotline, "20 30 40 50") == ["Familien Hansen"]


def test_search_finds_a_parents_phone_number_with_the_country_prefix(
    world, hotline, families
) -> None:  # type: ignore[no-untyped-def]
    assert search(world, hotline, "+4561626364") == ["Familien Jensen"]


def test_search_tolerates_one_wrong_digit_in_a_phone_number(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert search(world, hotline, "20304059") == ["Familien Hansen"]


def test_search_ranks_the_exact_match_before_the_typo(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    factories.FamilyFactory(municipality=world.a, name="Familien Hanssen")
    assert search(world, hotline, "Hansen") == [
        "Familien Hansen",
        "Familien Andersen",  # the foster mother is Mette Hansen
        "Familien Hanssen",
    ]


def test_search_matches_the_beginning_of_a_word(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert top(world, hotline, "Lars") == "Familien Larsen"


def test_search_caps_the_results_at_ten(world, hotline) -> None:  # type: ignore[no-untyped-def]
    factories.FamilyFactory.create_batch(12, municipality=world.a)  # "Familien Hansen <n>"
    assert len(search(world, hotline, "Hansen")) == 10


def test_search_of_one_letter_searches_nothing(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert (
        search(world, hotline, "H"),
        AuditEntry.objects.filter(action="hotline.family.search").count(),
    ) == ([], 0)


def test_search_finds_only_the_hotlines_municipalities(world, hotline) -> None:  # type: ignore[no-untyped-def]
    assert search(world, hotline, "Bæk") == []


def test_search_finds_nothing_for_someone_not_answering(world, hotline, families) -> None:  # type: ignore[no-untyped-def]
    assert names(selectors.search_families(world.specialist_a, hotline, "Hansen")) == []


def test_search_is_audited_with_the_count_and_length_not_the_query(
    world, hotline, families
) -> None:  # type: ignore[no-untyped-def]
    search(world, hotline, "Hansen")
    entry = AuditEntry.objects.get(action="hotline.family.search")
    assert (
        entry.actor,
        entry.object_uuid,
        entry.data["results"],
        entry.data["query_length"],
        "Hansen" in str(entry.data),
    ) == (
        world.leader_a,
        hotline.uuid,
        2,
        6,
        False,
    )
