"""Bidirectional controls (U+202A to U+202E, U+2066 to U+2069, U+200E, U+200F, U+061C): refused in names,
codes and subjects; shown as "[U+202E]" in pages, letters, e-mails and exports; stripped from file names
(ADR 0010)."""

from __future__ import annotations

import importlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tutela.cases.models import JournalEntry
from tutela.core.admin import BidiSafeAdminMixin
from tutela.core.bidi import BIDI_CONTROLS, bidi_escape, bidi_strip, validate_no_bidi_controls
from tutela.core.demo.territory import DemoTerritory
from tutela.core.exports import csv_response, spreadsheet_safe, xlsx_response
from tutela.core.forms import StyledForm, refuses_bidi_controls
from tutela.core.middleware import BidiControlMiddleware
from tutela.testing.html import page_text

RLO = "\u202e"
MESSAGE = "contiene caratteri di controllo della direzione del testo (es. {}), non ammessi"
ITALIAN_NAMES = [
    "D'Àngelo",
    "Niccolò",
    "Dell'Acqua",
    "Gioè",
    "Müller-Lüdenscheidt",
    "Ñañez Pérez",
    "Zoë O'Brien",
]
CODEPOINTS = ["U+061C", "U+200E", "U+200F", *(f"U+202{c}" for c in "ABCDE"), *(f"U+206{c}" for c in "6789")]


# --- the validator -----------------------------------------------------------------------------------------


def test_the_list_is_every_embedding_override_isolate_and_mark() -> None:
    assert sorted(f"U+{ord(c):04X}" for c in BIDI_CONTROLS) == sorted(CODEPOINTS)


@pytest.mark.parametrize("char", list(BIDI_CONTROLS), ids=[f"U+{ord(c):04X}" for c in BIDI_CONTROLS])
def test_each_control_is_refused_with_an_italian_message_naming_it(char: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_no_bidi_controls(f"Rossi{char}odnaM")
    [message] = refused.value.messages
    assert MESSAGE.format(f"U+{ord(char):04X}") in message
    assert message.startswith("Il testo contiene")
    assert refused.value.error_list[0].code == "bidi_control"


@pytest.mark.parametrize("name", ITALIAN_NAMES)
def test_accented_italian_names_are_accepted(name: str) -> None:
    validate_no_bidi_controls(name)


def test_escape_and_strip() -> None:
    assert bidi_escape(f"x{RLO}fdp.exe\u2066a\u2069") == "x[U+202E]fdp.exe[U+2066]a[U+2069]"
    assert bidi_strip(f"x{RLO}fdp.exe\u200f") == "xfdp.exe"
    assert bidi_escape("Niccolò <b>") == "Niccolò <b>"


# --- every form --------------------------------------------------------------------------------------------

FORM_MODULES = [
    *(
        "tutela." + ".".join(p.with_suffix("").parts[-2:])
        for p in sorted(Path(__file__).resolve().parents[2].glob("*/forms*.py"))
    ),
    "tutela.accounts.views_break_glass",
    "tutela.accounts.reauth",
]
# A name, a code or a subject must be a single-line field, so that StyledForm refuses the controls in it.
NAME_LIKE = re.compile(
    r"(^|_)(surname|given_name|name|fiscal_code|code|subject|title|role_label|address|relationship|reference"
    r"|number|profession|citizenship|country|who|responsible|director)$"
)


def _styled_forms() -> Iterator[type[StyledForm]]:
    for module in FORM_MODULES:
        importlib.import_module(module)
    todo: list[type[StyledForm]] = [StyledForm]
    while todo:
        form = todo.pop()
        todo += form.__subclasses__()
        yield form


def test_every_name_code_and_subject_of_every_form_refuses_the_controls() -> None:
    checked, wrong = [], []
    for form in _styled_forms():
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField) and NAME_LIKE.search(name):
                checked.append(f"{form.__name__}.{name}")
                if not refuses_bidi_controls(field):
                    wrong.append(f"{form.__name__}.{name}")
    assert not wrong, wrong
    for expected in (
        "ChildFields.surname",
        "ChildFields.fiscal_code",
        "ReferralFields.subject",
        "DirectReferralForm.applicant_name",
        "MemberForm.role_label",
        "MeetingForm.title",
        "ServiceTypeForm.code",
        "ProviderForm.name",
        "FacilityForm.name",
        "FosterCarerForm.name",
        "PersonForm.surname",
    ):
        assert expected in checked


class _Sample(StyledForm):
    surname = forms.CharField(max_length=100)
    email = forms.EmailField(required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child_1_surname"] = forms.CharField(required=False)  # added after StyledForm's __init__


def test_single_line_fields_refuse_and_long_texts_keep_the_controls() -> None:
    form = _Sample(
        {
            "surname": f"Ros{RLO}si",
            "child_1_surname": "Bian\u2067chi",
            "notes": f"Scritto {RLO}così\u200f",
            "password": f"segreta{RLO}",
        }
    )
    assert not form.is_valid()
    assert set(form.errors) == {"surname", "child_1_surname"}
    assert MESSAGE.format("U+202E") in form.errors["surname"][0]
    assert MESSAGE.format("U+2067") in form.errors["child_1_surname"][0]
    assert form.cleaned_data["notes"] == f"Scritto {RLO}così\u200f"

    valid = _Sample({"surname": "D'Àngelo", "child_1_surname": "Niccolò"})
    assert valid.is_valid(), valid.errors
    valid.is_valid()  # validated again: the validator is not added twice
    assert valid.fields["surname"].validators.count(validate_no_bidi_controls) == 1


def test_dynamic_name_fields_of_a_real_form_refuse_the_controls(demo: DemoTerritory) -> None:
    from tutela.meetings.forms import PathForm

    territory = demo.organisations["pass_prato"].territory
    form = PathForm(
        {"woman_surname": "Rossi", "woman_given_name": f"An{RLO}na", "child_1_surname": f"Ro{RLO}ssi"},
        territory=territory,
        user=demo.users["assistente"],
    )
    form.is_valid()
    for name in ("woman_given_name", "child_1_surname"):
        assert MESSAGE.format("U+202E") in " ".join(form.errors[name]), name


def test_every_admin_refuses_the_controls_in_names() -> None:
    from tutela.accounts.models import User

    tutela_admins = [a for m, a in admin.site._registry.items() if m.__module__.startswith("tutela.")]
    assert tutela_admins
    assert not [type(a).__name__ for a in tutela_admins if not isinstance(a, BidiSafeAdminMixin)]
    for model_admin in tutela_admins:
        for inline in model_admin.inlines:
            assert issubclass(inline, BidiSafeAdminMixin), inline.__name__

    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True)
    user_form = admin.site._registry[User].get_form(request, obj=User())
    with pytest.raises(ValidationError):
        user_form.base_fields["last_name"].clean(f"Ros{RLO}si")
    assert user_form.base_fields["last_name"].clean("D'Àngelo") == "D'Àngelo"


# --- shown escaped -----------------------------------------------------------------------------------------


def _through_middleware(response: HttpResponse | StreamingHttpResponse) -> Any:
    return BidiControlMiddleware(lambda request: response)(HttpRequest())


def test_the_middleware_escapes_html_answers_only() -> None:
    html = HttpResponse(f'<p title="Ros{RLO}si">Ros{RLO}si</p>')
    html["Content-Length"] = str(len(html.content))
    escaped = _through_middleware(html)
    assert escaped.content.decode() == '<p title="Ros[U+202E]si">Ros[U+202E]si</p>'
    assert escaped["Content-Length"] == str(len(escaped.content))

    plain = _through_middleware(HttpResponse(f"Ros{RLO}si", content_type="text/plain; charset=utf-8"))
    assert plain.content.decode() == f"Ros{RLO}si"
    streamed = _through_middleware(StreamingHttpResponse(iter([f"Ros{RLO}si".encode()])))
    assert b"".join(streamed.streaming_content).decode() == f"Ros{RLO}si"


def test_a_journal_entry_keeps_the_control_and_the_case_page_shows_the_marker(
    client: Client, demo: DemoTerritory
) -> None:
    from tutela.testing import factories

    case = factories.in_care_case(demo)
    client.force_login(demo.users["assistente"])
    text = f"Colloquio con la madre: riferisce {RLO}otnemadnoc"
    response = client.post(
        reverse("cases:journal_add", kwargs={"pk": case.pk}),
        {"kind": "note", "occurred_on": timezone.localdate().isoformat(), "text": text},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert JournalEntry.objects.filter(case=case).order_by("-pk")[0].text == text  # stored as typed

    page = client.get(reverse("cases:detail", kwargs={"pk": case.pk})).content.decode()
    assert "riferisce [U+202E]otnemadnoc" in page_text(page)
    assert not [c for c in BIDI_CONTROLS if c in page]
    assert RLO not in response.content.decode()  # the htmx fragment too


def test_letters_are_printed_with_the_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    from tutela.documents import pdf

    given: list[str] = []

    class FakeHTML:
        def __init__(self, *, string: str, url_fetcher: Any) -> None:
            given.append(string)

        def write_pdf(self) -> bytes:
            return b"%PDF-"

    monkeypatch.setattr(pdf, "render_to_string", lambda name, context: f"<p>Ros{RLO}si</p>")
    monkeypatch.setattr(weasyprint, "HTML", FakeHTML)
    assert pdf.pdf_render("lettera.html", {}) == b"%PDF-"
    assert given == ["<p>Ros[U+202E]si</p>"]


# --- exported escaped --------------------------------------------------------------------------------------


def test_exports_show_the_controls_as_markers_and_still_neutralise_formulas() -> None:
    assert spreadsheet_safe(f"Ros{RLO}si") == "Ros[U+202E]si"
    assert spreadsheet_safe(f"={RLO}1+1") == "'=[U+202E]1+1"
    assert spreadsheet_safe(f"{RLO}=1+1") == "[U+202E]=1+1"  # no longer read as a formula

    rows = [[f"Ros{RLO}si", "\u2066x\u2069"]]
    text = b"".join(
        cast(Iterator[bytes], csv_response("prova", [f"Nome{RLO}", "b"], rows).streaming_content)
    ).decode("utf-8-sig")
    assert text.splitlines() == ["Nome[U+202E];b", "Ros[U+202E]si;[U+2066]x[U+2069]"]

    response = xlsx_response("prova", "Foglio", ["a", "b"], rows)
    sheet = load_workbook(io.BytesIO(b"".join(cast(Iterator[bytes], response.streaming_content)))).active
    [first] = sheet.iter_rows(min_row=2)
    assert [c.value for c in first] == ["Ros[U+202E]si", "[U+2066]x[U+2069]"]
