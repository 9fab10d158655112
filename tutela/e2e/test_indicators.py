"""The manager's indicators in a real browser: the charts draw under the strict CSP, and a number of the
dashboard is exactly the length of the list of cases behind it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tutela.core.demo.territory import DemoTerritory
from tutela.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Login = Callable[[str], Page]


def test_a_dashboard_number_is_the_length_of_its_drill_down(
    demo: DemoTerritory, login: Login, page: Page
) -> None:
    factories.in_care_case(demo)
    factories.in_care_case(demo, worker="assistente2", residence="Montemurlo")
    factories.assessment_case(demo, days_ago=12)
    factories.referred_case(demo, channel="direct")

    login("dirigente")
    page.get_by_role("link", name="Indicatori").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicatori")
    expect(page.locator("#chart-new_cases")).to_be_visible()
    page.wait_for_function("() => Boolean(window.Chart && window.Chart.getChart('chart-new_cases'))")
    assert page.problems == []  # type: ignore[attr-defined]  # no script refused by the CSP, no error

    link = page.locator('[data-figure="new_cases:nuove"] a')
    number = int(link.inner_text())
    assert number == 4
    link.click()

    expect(page).to_have_url(re.compile(r"/indicatori/pratiche/\?"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nuove pratiche")
    expect(page.locator("#drilldown-cases tbody tr")).to_have_count(number)
    expect(page.locator('[data-count="drilldown"]')).to_have_text(str(number))
    assert page.problems == []  # type: ignore[attr-defined]
