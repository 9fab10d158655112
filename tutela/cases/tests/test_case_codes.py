"""Case codes number on within the year, past 99,999 cases too (the sixth digit sorts before the fifth as text)."""

from __future__ import annotations

from django.utils import timezone

from tutela.cases.models import Case
from tutela.core.demo.territory import DemoTerritory
from tutela.testing import factories


def test_the_next_code_follows_the_highest_number_not_the_greatest_text(demo: DemoTerritory) -> None:
    prefix = f"{demo.territory.case_code_prefix}-{timezone.localtime().year}-"
    first, second = factories.referred_case(demo), factories.referred_case(demo)
    Case.objects.filter(pk=first.pk).update(code=f"{prefix}99999")  # test data: a year's 99,999th case
    Case.objects.filter(pk=second.pk).update(code=f"{prefix}100000")

    assert factories.referred_case(demo).code == f"{prefix}100001"


def test_the_numbering_starts_again_each_year(demo: DemoTerritory) -> None:
    year = timezone.localtime().year
    case = factories.referred_case(demo)
    Case.objects.filter(pk=case.pk).update(code=f"{demo.territory.case_code_prefix}-{year - 1}-100000")

    code = factories.referred_case(demo).code
    assert code.startswith(f"{demo.territory.case_code_prefix}-{year}-")
    assert int(code.rsplit("-", 1)[1]) < 100000
