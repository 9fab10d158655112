"""Case search by indexed keys and the keyset list (issue on scale): what a social worker types finds the child."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tutela.audit.models import AuditEvent
from tutela.cases import selectors
from tutela.cases.models import Case
from tutela.cases.selectors import case_list, case_list_page
from tutela.core.demo.territory import DemoTerritory
from tutela.people.models import Person
from tutela.people.search import search_key
from tutela.testing import factories


def test_a_search_key_folds_case_accents_and_signs() -> None:
    assert search_key("D'Àngelo") == search_key("d angelo") == search_key("DANGELO") == "DANGELO"
    assert search_key("Niccolò") == "NICCOLO"
    assert search_key("  --  ") == ""


def test_people_are_stored_with_their_keys(demo: DemoTerritory) -> None:
    child = factories.referred_case(demo).child
    assert (child.surname_key, child.given_name_key) == (
        search_key(child.surname),
        search_key(child.given_name),
    )


def _renamed(case: Case, surname: str, given_name: str) -> Case:
    Person.objects.filter(pk=case.child_id).update(
        surname=surname,
        given_name=given_name,
        surname_key=search_key(surname),
        given_name_key=search_key(given_name),
    )
    return case


def _found(demo: DemoTerritory, query: str) -> set[int]:
    return set(case_list(demo.users["coordinatore"], query=query).values_list("pk", flat=True))


def test_the_child_is_found_by_prefix_exact_codes_and_every_word(demo: DemoTerritory) -> None:
    dangelo = _renamed(factories.referred_case(demo), "D'Àngelo", "Niccolò")
    other = _renamed(factories.referred_case(demo), "Angeli", "Nicola")
    child = Person.objects.get(pk=dangelo.child_id)

    assert _found(demo, "dang") == {dangelo.pk}
    assert _found(demo, "d'angelo") == {dangelo.pk}
    assert _found(demo, "nicco") == {dangelo.pk}
    assert _found(demo, "nic") == {dangelo.pk, other.pk}
    assert _found(demo, "angel nicola") == {other.pk}
    assert _found(demo, dangelo.code.lower()) == {dangelo.pk}
    assert child.fiscal_code  # every demo child has one
    assert _found(demo, child.fiscal_code.lower()) == {dangelo.pk}
    # A word inside a name is not a prefix: the search uses indexes, not a scan of every name.
    assert _found(demo, "ngelo") == set()
    assert _found(demo, "zzz") == set()


def test_the_list_pages_by_keyset_without_gaps_or_repeats(
    demo: DemoTerritory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(7):
        factories.referred_case(demo)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 3)
    user = demo.users["coordinatore"]
    expected = list(case_list(user).values_list("pk", flat=True))
    assert len(expected) >= 7

    seen: list[int] = []
    page = case_list_page(user)
    assert page.first and page.total == len(expected)
    while True:
        seen += [c.pk for c in page.rows]
        if not page.next_cursor:
            break
        page = case_list_page(user, after=page.next_cursor)
        assert not page.first
    assert seen == expected


def test_a_big_list_says_more_than_the_limit_instead_of_counting(
    demo: DemoTerritory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(4):
        factories.referred_case(demo)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    assert case_list_page(demo.users["coordinatore"]).total is None


def test_a_cursor_that_does_not_read_starts_from_the_newest(demo: DemoTerritory) -> None:
    factories.referred_case(demo)
    user = demo.users["coordinatore"]
    for cursor in ("garbage", "2026-01-01T00:00:00~x", "2026-01-01T00:00:00~3"):  # the last is naive
        page = case_list_page(user, after=cursor)
        assert page.first


def test_the_list_page_links_the_next_cases(
    client: Client, demo: DemoTerritory, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(4):
        factories.referred_case(demo)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    client.force_login(demo.users["coordinatore"])
    first = client.get(reverse("cases:list"))
    assert "Pratiche successive" in first.content.decode()
    cursor = first.context["page"].next_cursor
    second = client.get(reverse("cases:list"), {"dopo": cursor})
    assert second.status_code == 200
    assert "Dalle più recenti" in second.content.decode()
    assert {c.pk for c in second.context["page"].rows}.isdisjoint({c.pk for c in first.context["page"].rows})


def test_a_search_that_finds_nothing_offers_near_surnames(client: Client, demo: DemoTerritory) -> None:
    rossi = _renamed(factories.referred_case(demo), "Rossi", "Giulia")
    esposito = _renamed(factories.referred_case(demo), "Esposito", "Marco")
    coordinator = demo.users["coordinatore"]

    assert not _found(demo, "Rosi")  # no surname starts with ROSI
    assert [c.pk for c in selectors.case_near_matches(coordinator, query="Rosi")] == [rossi.pk]
    assert [c.pk for c in selectors.case_near_matches(coordinator, query="esposto")] == [esposito.pk]
    assert selectors.case_near_matches(coordinator, query="Ro") == []  # too short to mean anything
    assert selectors.case_near_matches(coordinator, query=rossi.code) == []  # codes are exact, never near

    client.force_login(coordinator)
    page = client.get(reverse("cases:list"), {"q": "Rosi"}).content.decode()
    assert "Nessuna pratica trovata." in page and "Cognomi simili a quello cercato" in page
    assert rossi.code in page and esposito.code not in page
    event = AuditEvent.objects.filter(action="cases.case.searched", actor=coordinator).latest("sequence")
    assert event.data["near"] == [rossi.pk] and event.data["shown"] == []


def test_near_matches_stay_within_the_scope(client: Client, demo: DemoTerritory) -> None:
    theirs = _renamed(factories.in_care_case(demo, worker="assistente2"), "Rossi", "Anna")
    mine = _renamed(factories.in_care_case(demo), "Russo", "Luca")
    social_worker = demo.users["assistente"]

    near = selectors.case_near_matches(social_worker, query="Rosso")
    assert mine in near and theirs not in near
    assert theirs in selectors.case_near_matches(demo.users["coordinatore"], query="Rosso")
