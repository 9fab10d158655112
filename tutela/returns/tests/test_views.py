"""The returns pages as their users meet them: start an export, follow its progress, see what could not be
produced and fix it, verify, mark as sent, download after re-authenticating; the SINBA data form of a case."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tutela.accounts.reauth import SESSION_KEY
from tutela.accounts.tests.conftest import login
from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.returns.models import BatchState, ReportingBody, ReturnBatch, ReturnKind, SinbaChildData
from tutela.returns.services import return_batch_create, return_batch_run
from tutela.returns.tests.conftest import code, sinba_complete
from tutela.testing import factories


def _batch(demo: DemoTerritory, comune: str = "Montemurlo", *, run: bool = True) -> ReturnBatch:
    batch = return_batch_create(
        actor=demo.users["sds"],
        kind=ReturnKind.SINBA,
        municipality=demo.municipalities[comune],
        reference_date=timezone.localdate(),
    )
    return return_batch_run(batch_id=batch.pk) if run else batch


def _text(response: Any) -> str:
    return response.content.decode()


def test_the_managing_body_starts_an_export_and_follows_it(
    client: Client, demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    login(client, demo.users["sds"])
    home = _text(client.get(reverse("returns:home")))
    assert "Nuova esportazione SINBA" in home and "Nessuna esportazione." in home
    url = reverse("returns:start") + "?tipo=sinba"
    form = _text(client.get(url))
    assert all(f">{name} (PO)<" in form for name in ("Prato", "Montemurlo", "Vernio"))
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    refused = client.post(url, {"municipality": demo.municipalities["Prato"].pk, "reference_date": future})
    assert refused.status_code == 200 and "La data di riferimento non può essere futura." in _text(refused)
    assert not ReturnBatch.objects.exists()
    response = client.post(
        url,
        {"municipality": demo.municipalities["Prato"].pk, "reference_date": timezone.localdate().isoformat()},
    )
    batch = ReturnBatch.objects.get()
    assert response["Location"] == reverse("returns:batch_detail", kwargs={"pk": batch.pk})
    page = _text(client.get(response["Location"]))
    status_url = reverse("returns:batch_status", kwargs={"pk": batch.pk})
    # Queued: the status fragment polls itself every 2 seconds (htmx, no script of ours).
    assert f'hx-get="{status_url}?polling=1" hx-trigger="every 2s"' in page
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main and "style=" not in main and "hx-on" not in main
    return_batch_run(batch_id=batch.pk)
    polled = client.get(status_url + "?polling=1", headers={"HX-Request": "true"})
    assert polled["HX-Refresh"] == "true"  # finished: the page reloads to show the outcome
    assert "hx-trigger" not in _text(polled)
    assert "HX-Refresh" not in client.get(status_url)  # a plain read of the fragment does not reload anything


def test_the_progress_bar_shows_how_far_the_export_is(
    client: Client, demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    batch = _batch(demo, run=False)
    ReturnBatch.objects.filter(pk=batch.pk).update(progress_done=200, progress_total=800)
    from tutela.returns.lifecycle import batch_step

    batch_step(batch.pk, "start", actor=demo.users["sds"])
    login(client, demo.users["comune"])
    fragment = _text(client.get(reverse("returns:batch_status", kwargs={"pk": batch.pk})))
    assert '<progress id="batch-progress" class="w-100" max="800" value="200">25%</progress>' in fragment
    assert "Elaborati 200 di 800" in fragment


def test_the_records_that_could_not_be_produced_link_to_where_they_are_fixed(
    client: Client, demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    incomplete = factories.in_care_case(demo, residence="Montemurlo", worker="assistente2")
    batch = _batch(demo)
    login(client, demo.users["comune"])
    page = _text(client.get(reverse("returns:batch_detail", kwargs={"pk": batch.pk})))
    sinba_form = reverse("returns:sinba_data", kwargs={"pk": incomplete.pk})
    assert incomplete.code in page and "Bartolini" in page  # the case and its lead social worker
    assert f'<a href="{sinba_form}">scuola frequentata</a>' in page
    assert f'<a href="{sinba_form}">disabilità (sì/no)</a>' in page
    viewed = AuditEvent.objects.get(action="returns.batch.viewed")
    assert viewed.data == {"issues_shown": [incomplete.pk], "page": 1}
    # The lead social worker follows the link, fills the data in; the next export produces the record.
    login(client, demo.users["assistente2"])
    response = client.post(
        sinba_form,
        {
            "orphan_status": code("CondizioneMinoreType", "1").pk,
            "living_place": code("LuogoVitaType", "1").pk,
            "school": code("ScuolaFrequentataType", "6").pk,
            "work_condition": code("CondizioneLavoroType", "1").pk,
            "disability": code("DisabilitaType", "2").pk,
            "reported_to_court": code("SegnalazioneAutoritaGiudiziariaType", "2").pk,
            "court_order": code("ProvvedimentoGiudiziarioType", "2").pk,
        },
    )
    assert response["Location"] == reverse("cases:detail", kwargs={"pk": incomplete.pk})
    again = _batch(demo)
    assert (again.records_count, again.issues_count) == (1, 0)


def test_the_sinba_data_form_is_the_lead_social_workers(
    client: Client, demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    case = factories.in_care_case(demo)
    url = reverse("returns:sinba_data", kwargs={"pk": case.pk})
    login(client, demo.users["assistente"])
    detail = _text(client.get(reverse("cases:detail", kwargs={"pk": case.pk})))
    assert f'href="{url}"' in detail
    form = _text(client.get(url))
    for section in ("Il minore", "Disabilità", "La famiglia", "Autorità giudiziaria"):
        assert f'<legend class="h5">{section}</legend>' in form
    refused = client.post(
        url,
        {"disability": code("DisabilitaType", "2").pk, "disability_kind": code("TipoDisabilitaType", "1").pk},
    )
    assert "Si indica solo se «disabilità» è «sì»." in _text(refused)
    assert not SinbaChildData.objects.exists()
    saved = client.post(
        url,
        {
            "school": code("ScuolaFrequentataType", "5").pk,
            "family_composition": [
                code("ComposizioneFamigliaType", "1").pk,
                code("ComposizioneFamigliaType", "3").pk,
            ],
            "court_order": code("ProvvedimentoGiudiziarioType", "1").pk,
            "court_order_on": "2025-05-20",
        },
    )
    assert saved.status_code == 302
    data = SinbaChildData.objects.get(case=case)
    assert data.school.code == "5" and data.court_order_on == dt.date(2025, 5, 20)
    assert sorted(c.code for c in data.family_composition.all()) == ["1", "3"]
    assert case.events.filter(code="returns.sinba_data.saved").exists()
    audit = AuditEvent.objects.get(action="returns.sinba_data.saved")
    assert audit.case_id == case.pk
    assert sorted(audit.data["changed"]) == ["court_order", "court_order_on", "family_composition", "school"]
    # The coordinator sees the case but the data are the lead social worker's; elsewhere the case is not found.
    login(client, demo.users["coordinatore"])
    assert f'href="{url}"' not in _text(client.get(reverse("cases:detail", kwargs={"pk": case.pk})))
    response = client.get(url, follow=True)
    assert "Solo l&#x27;assistente sociale referente può aggiornare i dati SINBA del minore." in _text(
        response
    )
    login(client, demo.users["assistente2"])
    assert client.get(url).status_code == 404


def _reauthenticated(client: Client, user: Any) -> None:
    session = client.session
    session[SESSION_KEY] = {"user": user.pk, "at": timezone.now().timestamp()}
    session.save()


def test_the_download_asks_for_the_identity_again_and_is_recorded(
    client: Client, demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    case = factories.in_care_case(demo, residence="Montemurlo", worker="assistente2")
    sinba_complete(case, demo.users["assistente2"])
    batch = _batch(demo)
    url = reverse("returns:batch_download", kwargs={"pk": batch.pk})
    login(client, demo.users["comune"])
    assert client.get(url)["Location"].startswith(reverse("accounts:reauth"))
    assert not AuditEvent.objects.filter(action="returns.batch.downloaded").exists()
    _reauthenticated(client, demo.users["comune"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{batch.file_name}"'
    assert b"".join(response.streaming_content) == Path(batch.file.path).read_bytes()
    downloaded = AuditEvent.objects.get(action="returns.batch.downloaded")
    assert downloaded.actor == demo.users["comune"] and downloaded.data["records"] == 1
    login(client, demo.users["dirigente"])  # reads the exports, does not take the file
    _reauthenticated(client, demo.users["dirigente"])
    assert client.get(url).status_code == 404


def test_verify_and_mark_as_sent_through_the_pages(
    client: Client, demo: DemoTerritory, reporting_body: ReportingBody
) -> None:
    case = factories.in_care_case(demo, residence="Montemurlo", worker="assistente2")
    sinba_complete(case, demo.users["assistente2"])
    batch = _batch(demo)
    detail = reverse("returns:batch_detail", kwargs={"pk": batch.pk})
    verify = reverse("returns:batch_verify", kwargs={"pk": batch.pk})
    sent = reverse("returns:batch_mark_sent", kwargs={"pk": batch.pk})
    login(client, demo.users["sds"])
    page = _text(client.get(detail))
    assert f'href="{verify}"' in page and f'href="{sent}"' not in page
    unconfirmed = client.post(verify, {})
    assert "Per registrare la verifica occorre confermarla." in _text(unconfirmed)
    assert ReturnBatch.objects.get(pk=batch.pk).body_verified_at is None
    assert client.post(verify, {"confirm": "on"})["Location"] == detail
    refused = client.get(sent, follow=True)
    assert "va verificata da entrambi gli enti" in _text(refused)
    login(client, demo.users["comune"])
    client.post(verify, {"confirm": "on"})
    page = _text(client.get(detail))
    assert "verificata da Roberto Vannucci" in page and "verificata da Elena Franchi" in page
    assert client.post(sent, {"confirm": "on"})["Location"] == detail
    fresh = ReturnBatch.objects.get(pk=batch.pk)
    assert fresh.sent_by == demo.users["comune"] and fresh.state == BatchState.DONE
    login(client, demo.users["dirigente"])
    page = _text(client.get(detail))
    assert f'href="{verify}"' not in page and "segnato da Elena Franchi" in page
