"""IDBeneficiario (ADR 0012): stable, short enough, unrelated to the codice fiscale, different under another key."""

from __future__ import annotations

from typing import Any

import pytest

from tutela.returns.pseudonym import LENGTH, beneficiary_pseudonym
from tutela.returns.tests.conftest import OTHER_RETURNS_KEY, TEST_RETURNS_KEY

FISCAL_CODE = "RSSMRA12C41G999Z"


def _substrings(text: str, shortest: int = 4) -> set[str]:
    return {text[i:j] for i in range(len(text)) for j in range(i + shortest, len(text) + 1)}


def test_the_pseudonym_is_stable_and_fits_the_schema() -> None:
    first = beneficiary_pseudonym(42)
    assert first == beneficiary_pseudonym(42) == beneficiary_pseudonym(42, key=TEST_RETURNS_KEY)
    assert 1 <= len(first) <= LENGTH == 20
    assert first.isalnum() and first.isupper()
    # The derivation itself must never change: INPS links a child's yearly records by this code.
    assert first == "ZVFOSWFCOR5NL2UGXYSQ"


def test_it_shares_nothing_with_the_codice_fiscale() -> None:
    pseudonyms = {beneficiary_pseudonym(pk) for pk in range(1, 200)}
    assert len(pseudonyms) == 199  # one per person
    pieces = _substrings(FISCAL_CODE)
    for pseudonym in pseudonyms:
        assert pseudonym not in FISCAL_CODE
        assert not any(piece in pseudonym for piece in pieces if len(piece) >= 5)


def test_another_key_gives_other_pseudonyms(settings: Any) -> None:
    ours = beneficiary_pseudonym(42)
    theirs = beneficiary_pseudonym(42, key=OTHER_RETURNS_KEY)
    assert ours != theirs
    settings.TUTELA_RETURNS_KEY = OTHER_RETURNS_KEY
    assert beneficiary_pseudonym(42) == theirs


def test_without_a_key_the_sinba_export_refuses_and_the_deploy_check_says_so(
    settings: Any, demo: Any, reporting_body: Any, tmp_path: Any
) -> None:
    import datetime as dt

    from tutela.returns.checks import returns_key_check
    from tutela.returns.exports import ExportError, ExportRequest, export_write
    from tutela.returns.models import ReturnKind

    assert returns_key_check() == []
    settings.TUTELA_RETURNS_KEY = ""
    assert [e.id for e in returns_key_check()] == ["returns.E001"]
    request = ExportRequest(
        kind=ReturnKind.SINBA, territory=demo.territory, reference_date=dt.date(2025, 12, 31)
    )
    with pytest.raises(ExportError, match="TUTELA_RETURNS_KEY"):
        export_write(request, tmp_path / "sinba.xml", on_issue=lambda issue: None)
    assert not (tmp_path / "sinba.xml").exists()
