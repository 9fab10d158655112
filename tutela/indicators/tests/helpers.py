"""Another territory with its own manager, for the tests that cross territories (indicators and surveys)."""

from __future__ import annotations

from tutela.accounts.models import Membership, Municipality, Organisation, Territory, User
from tutela.accounts.roles import Role
from tutela.conftest import TEST_PASSWORD


def other_territory_manager() -> User:
    """The manager (MANAGER, and so coordinator of surveys and indicators) of SdS Fiorentina."""
    firenze = Municipality.objects.get(name="Firenze", province_abbr="FI")
    body = Organisation.objects.create(
        name="SdS Fiorentina", kind=Organisation.Kind.CONSORTIUM, municipality=firenze
    )
    territory = Territory.objects.create(
        name="SdS Fiorentina", managing_body=body, lead_municipality=firenze, case_code_prefix="FI"
    )
    territory.municipalities.set([firenze])
    body.territory = territory
    body.save(update_fields=["territory"])
    manager = User.objects.create_user(username="dirigente.firenze", password=TEST_PASSWORD)
    Membership.objects.create(user=manager, organisation=body, role=Role.MANAGER)
    return manager
