"""What a test posts to the pages' forms, complete and valid, to change one thing at a time."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tutela.reference.models import Code, CodeList


def direct_request_data(**changes: Any) -> dict[str, Any]:
    """A complete family request for the Prato desk (intake:record_direct), with `changes` applied."""
    data = {
        "applicant_name": "Anna Verdi",
        "applicant_relationship": "madre",
        "source": Code.objects.get(code_list=CodeList.REFERRAL_SOURCE, code="8").pk,
        "received_on": timezone.localdate().isoformat(),
        "subject": "Richiesta di sostegno alla genitorialità",
        "narrative": "",
        "urgency": "ordinary",
        "surname": "Verdi",
        "given_name": "Luca",
        "birth_date": "2017-03-04",
        "residence_municipality": "Prato (PO)",
    }
    return data | changes
