"""The single door to case data (tutela.accounts.access): each scope of DESIGN.md section 5, unions of roles,
inactive memberships, and the 404 for what is out of scope."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tutela.accounts.access import can_view_confidential, cases_visible_to, get_case_for_user
from tutela.accounts.models import Membership, User
from tutela.accounts.roles import Cap, Role
from tutela.accounts.tests.conftest import World
from tutela.cases.models import Case
from tutela.cases.services.assignment import case_assign
from tutela.core.demo.territory import DemoTerritory

DEMO_TERRITORY = {"mine", "other", "indirect", "direct", "direct_mm", "assigned", "closing", "closed"}
VISIBLE = {
    # territory: every case of the territory, whatever its state, and nothing of another territory
    "coordinatore": DEMO_TERRITORY,
    "amministrativo": DEMO_TERRITORY,
    "sds": DEMO_TERRITORY,
    "dirigente": DEMO_TERRITORY,
    # assigned: led by them, or in the case team
    "assistente": {"mine", "closing", "closed"},
    "assistente2": {"other", "assigned"},
    "educatore": {"mine"},
    "psicologa": {"mine"},
    # provider: cases with an intervention of its organisation (the home support of "mine")
    "cooperativa": {"mine"},
    # residence: children resident in Montemurlo
    "comune": {"other", "direct_mm"},
    # queue: REFERRED requests recorded by their own desk
    "segretariato": {"direct"},
    "segretariato.montemurlo": {"direct_mm"},
    # nothing
    "protocollo": set(),
    "dpo": set(),
    "admin": set(),
}
CONFIDENTIAL = {"coordinatore", "assistente", "assistente2", "psicologa"}


def _fresh(user: User) -> User:
    """The user as a new request would load it: grants are cached on the instance."""
    return User.objects.get(pk=user.pk)


def _keys(world: World, cases: object) -> set[str]:
    by_pk = {case.pk: key for key, case in world.cases.items()}
    return {by_pk[case.pk] for case in cases}  # type: ignore[attr-defined]


def test_each_role_sees_exactly_its_scope(demo: DemoTerritory, world: World) -> None:
    seen = {username: _keys(world, cases_visible_to(_fresh(demo.users[username]))) for username in VISIBLE}
    assert seen == VISIBLE
    assert (
        _keys(world, cases_visible_to(User.objects.get(username="segretariato.firenze"))) == set()
    )  # assigned
    assert _keys(world, cases_visible_to(User.objects.get(username="assistente.firenze"))) == {"foreign"}


def test_nobody_without_a_role_sees_a_case(outsider: User, world: World) -> None:
    assert not cases_visible_to(outsider).exists()
    assert not cases_visible_to(AnonymousUser()).exists()


def test_the_queue_ends_with_the_assignment(demo: DemoTerritory, world: World) -> None:
    case = world.cases["direct"]
    assert get_case_for_user(_fresh(demo.users["segretariato"]), case.pk) == case
    case_assign(case=case, actor=demo.users["segretariato"], social_worker=demo.users["assistente"])
    with pytest.raises(Http404):
        get_case_for_user(_fresh(demo.users["segretariato"]), case.pk)
    assert get_case_for_user(_fresh(demo.users["assistente"]), case.pk) == case


def test_get_case_for_user_answers_404_out_of_scope_as_for_a_missing_case(
    demo: DemoTerritory, world: World
) -> None:
    missing = Case.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]
    for username, visible in VISIBLE.items():
        user = _fresh(demo.users[username])
        for key, case in world.cases.items():
            if key in visible:
                assert get_case_for_user(user, case.pk) == case, (username, key)
            else:
                with pytest.raises(Http404):
                    get_case_for_user(user, case.pk)
        with pytest.raises(Http404):
            get_case_for_user(user, missing)


def test_get_case_for_user_checks_the_capability_in_scope(demo: DemoTerritory, world: World) -> None:
    mine = world.cases["mine"].pk
    assert get_case_for_user(_fresh(demo.users["educatore"]), mine, capability=Cap.JOURNAL_WRITE).pk == mine
    assert get_case_for_user(_fresh(demo.users["assistente"]), mine, capability=Cap.FAMILY_EDIT).pk == mine
    for username in ("sds", "dirigente", "amministrativo"):  # in scope, but the role cannot write the journal
        with pytest.raises(Http404):
            get_case_for_user(_fresh(demo.users[username]), mine, capability=Cap.JOURNAL_WRITE)


def test_confidential_sections_need_the_capability_on_top_of_the_scope(
    demo: DemoTerritory, world: World
) -> None:
    for username, visible in VISIBLE.items():
        user = _fresh(demo.users[username])
        for key in visible:
            expected = username in CONFIDENTIAL
            assert can_view_confidential(user, world.cases[key]) is expected, (username, key)


def test_two_roles_see_the_union_of_their_scopes(demo: DemoTerritory, world: World) -> None:
    """A social worker who is also the Comune's officer: their own cases plus Montemurlo's residents; the
    confidential sections and the journal only where the social-worker role itself reaches."""
    user = User.objects.create_user(username="assistente.montemurlo")
    Membership.objects.create(user=user, organisation=demo.organisations["sds"], role=Role.SOCIAL_WORKER)
    Membership.objects.create(
        user=user, organisation=demo.organisations["comune_montemurlo"], role=Role.MUNICIPALITY_OFFICER
    )
    led = case_assign(case=world.cases["indirect"], actor=demo.users["coordinatore"], social_worker=user)
    user = _fresh(user)
    assert _keys(world, cases_visible_to(user)) == {"indirect", "other", "direct_mm"}
    assert can_view_confidential(user, led) is True
    assert get_case_for_user(user, led.pk, capability=Cap.JOURNAL_WRITE) == led
    resident = world.cases["other"]  # led by assistente2: reached only as the Comune
    assert get_case_for_user(user, resident.pk) == resident
    assert can_view_confidential(user, resident) is False
    with pytest.raises(Http404):
        get_case_for_user(user, resident.pk, capability=Cap.JOURNAL_WRITE)


def test_an_inactive_membership_grants_nothing(demo: DemoTerritory, world: World) -> None:
    mine = world.cases["mine"]
    Membership.objects.filter(user=demo.users["assistente"]).update(active=False)
    user = _fresh(demo.users["assistente"])
    assert not cases_visible_to(user).exists()
    with pytest.raises(Http404):
        get_case_for_user(user, mine.pk)
    assert can_view_confidential(user, mine) is False


def test_an_inactive_organisation_or_user_grants_nothing(demo: DemoTerritory, world: World) -> None:
    comune = demo.organisations["comune_montemurlo"]
    comune.active = False
    comune.save(update_fields=["active"])
    assert not cases_visible_to(_fresh(demo.users["comune"])).exists()
    coordinator = _fresh(demo.users["coordinatore"])
    coordinator.is_active = False
    assert not cases_visible_to(coordinator).exists()


def test_a_second_active_role_survives_the_loss_of_the_first(demo: DemoTerritory, world: World) -> None:
    """Deactivating one membership removes its scope only."""
    user = demo.users["educatore"]
    Membership.objects.create(
        user=user, organisation=demo.organisations["comune_montemurlo"], role=Role.MUNICIPALITY_OFFICER
    )
    assert _keys(world, cases_visible_to(_fresh(user))) == {"mine", "other", "direct_mm"}
    Membership.objects.filter(user=user, role=Role.EDUCATOR).update(active=False)
    assert _keys(world, cases_visible_to(_fresh(user))) == {"other", "direct_mm"}
