"""Two-factor authentication (ADR 0006): enrolment on first login, TOTP and backup codes, enforcement."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tutela.accounts import twofactor
from tutela.accounts.models import User
from tutela.accounts.tests.auth_helpers import app_code, enrolled, password_login
from tutela.audit.models import AuditEvent
from tutela.core.demo.territory import DemoTerritory
from tutela.testing import factories

START = dt.datetime(2030, 3, 4, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> Iterator[Any]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def required(settings: Any) -> None:
    settings.TUTELA_REQUIRE_2FA = True


def _actions(user: User) -> list[str]:
    return list(AuditEvent.objects.filter(actor=user).order_by("id").values_list("action", flat=True))


def _verify(client: Client, token: str, next_url: str = "/") -> Any:
    return client.post(reverse("accounts:two_factor_verify"), {"token": token, "next": next_url})


@pytest.mark.usefixtures("required")
def test_first_login_enrols_with_qr_and_secret_then_shows_ten_backup_codes_once(
    client: Client, social_worker: User, clock: Any
) -> None:
    assert password_login(client, "assistente")["Location"] == "/"
    response = client.get("/")
    enrol = reverse("accounts:two_factor_enrol")
    assert response["Location"] == f"{enrol}?next=%2F"

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert '<svg width="' in html and 'class="tutela-qr"' in html
    device = TOTPDevice.objects.get(user=social_worker)
    assert not device.confirmed
    secret = page.context["secret"].replace(" ", "")
    assert secret in html.replace(" ", "")
    assert f"secret={secret}" in device.config_url

    wrong = client.post(enrol, {"token": "000000" if app_code(device) != "000000" else "111111", "next": "/"})
    assert "Il codice non corrisponde" in wrong.content.decode()
    clock.shift(30)  # django-otp delays the next try after a wrong code
    confirmed = client.post(enrol, {"token": app_code(device), "next": "/"})
    assert confirmed.status_code == 200
    codes = confirmed.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    assert "non saranno più mostrati" in confirmed.content.decode()
    device.refresh_from_db()
    assert device.confirmed and twofactor.has_second_factor(social_worker)
    assert StaticToken.objects.filter(device__user=social_worker).count() == 10
    assert client.get("/").status_code == 200  # this session passed the second factor
    assert _actions(social_worker) == ["accounts.user.logged_in", "accounts.two_factor.enrolled"]
    # The codes are not shown again: the security page only counts them.
    security = client.get(reverse("accounts:security")).content.decode()
    assert codes[0] not in security and "<strong>10</strong>" in security


@pytest.mark.usefixtures("required")
def test_a_user_with_a_device_must_give_the_apps_code_before_any_page(
    client: Client, social_worker: User, clock: Any
) -> None:
    device, _codes = enrolled(social_worker)
    password_login(client, "assistente")
    verify = reverse("accounts:two_factor_verify")
    assert client.get("/")["Location"] == f"{verify}?next=%2F"
    key_before = client.session.session_key

    wrong = _verify(client, "123456" if app_code(device) != "123456" else "654321")
    assert "Codice non valido" in wrong.content.decode()
    clock.shift(30)
    code = app_code(device)
    assert _verify(client, code)["Location"] == "/"
    assert client.session.session_key != key_before  # a new session key with the new privilege
    assert client.get("/").status_code == 200
    assert _actions(social_worker) == [
        "accounts.user.logged_in",
        "accounts.two_factor.failed",
        "accounts.two_factor.verified",
    ]

    # The same code cannot open a second session (a TOTP step is accepted once).
    other = Client()
    password_login(other, "assistente")
    assert "Codice non valido" in _verify(other, code).content.decode()


@pytest.mark.usefixtures("required")
def test_a_backup_code_opens_one_session_only(client: Client, social_worker: User) -> None:
    _device, codes = enrolled(social_worker)
    password_login(client, "assistente")
    typed = twofactor.format_backup_code(codes[3]).upper()  # dash and capitals are forgiven
    response = _verify(client, typed, next_url="/pratiche/")
    assert response["Location"] == "/pratiche/"
    assert client.get("/").status_code == 200
    used = AuditEvent.objects.get(action="accounts.two_factor.backup_code_used")
    assert used.actor == social_worker and used.data == {"left": 9}
    assert twofactor.backup_codes_left(social_worker) == 9

    client.post(reverse("logout"))
    password_login(client, "assistente")
    assert "Codice non valido" in _verify(client, typed).content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.usefixtures("required")
def test_every_protected_page_waits_for_the_second_factor(
    client: Client, demo: DemoTerritory, social_worker: User, clock: Any
) -> None:
    case = factories.in_care_case(demo, worker="assistente")
    device, _codes = enrolled(social_worker)
    client.force_login(social_worker)  # a password login: no device in the session
    verify = reverse("accounts:two_factor_verify")
    urls = ["/", reverse("cases:list"), reverse("cases:detail", kwargs={"pk": case.pk})]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{verify}?next="), url
    htmx = client.get(reverse("cases:list"), headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"].startswith(verify)
    assert client.post(reverse("accounts:password_change"), {})["Location"] == verify
    assert not AuditEvent.objects.filter(action="cases.case.viewed").exists()

    clock.shift(60)
    _verify(client, app_code(device))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


@pytest.mark.usefixtures("required")
def test_without_a_device_every_page_leads_to_enrolment_and_logout_still_works(
    client: Client, social_worker: User
) -> None:
    client.force_login(social_worker)
    enrol = reverse("accounts:two_factor_enrol")
    for url in ("/", reverse("accounts:security"), reverse("accounts:password_change")):
        assert client.get(url)["Location"].startswith(f"{enrol}?next="), url
    assert "Non hai ancora configurato" in client.get(reverse("accounts:two_factor_verify")).content.decode()
    assert client.post(reverse("logout"))["Location"] == reverse("login")
    assert client.get("/")["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(action="accounts.user.logged_out", actor=social_worker).count() == 1


@pytest.mark.usefixtures("required")
def test_a_password_alone_cannot_replace_the_device(client: Client, social_worker: User) -> None:
    device, _codes = enrolled(social_worker)
    client.force_login(social_worker)
    enrol = reverse("accounts:two_factor_enrol")
    assert client.get(enrol)["Location"] == reverse("accounts:two_factor_verify")
    assert client.post(enrol, {"token": "123456"})["Location"] == reverse("accounts:two_factor_verify")
    assert list(TOTPDevice.objects.filter(user=social_worker)) == [device]


@pytest.mark.usefixtures("required")
def test_a_verified_user_may_move_to_a_new_phone(client: Client, social_worker: User, clock: Any) -> None:
    old, old_codes = enrolled(social_worker)
    password_login(client, "assistente")
    _verify(client, app_code(old))
    page = client.get(reverse("accounts:two_factor_enrol"))
    assert "smetterà di funzionare" in page.content.decode()
    new = TOTPDevice.objects.get(user=social_worker, confirmed=False)
    clock.shift(30)
    response = client.post(reverse("accounts:two_factor_enrol"), {"token": app_code(new)})
    assert response.status_code == 200 and len(response.context["codes"]) == 10
    assert list(TOTPDevice.objects.filter(user=social_worker)) == [new]
    assert not twofactor.verify_second_factor(social_worker, old_codes[0])


@pytest.mark.usefixtures("required")
def test_new_backup_codes_need_a_current_code(client: Client, social_worker: User, clock: Any) -> None:
    device, old_codes = enrolled(social_worker)
    password_login(client, "assistente")
    _verify(client, app_code(device))
    security = reverse("accounts:security")
    assert "Codice non valido" in client.post(security, {"token": "99999999"}).content.decode()
    clock.shift(30)
    response = client.post(security, {"token": app_code(device)})
    assert len(response.context["codes"]) == 10
    assert not twofactor.verify_second_factor(social_worker, old_codes[0])
    assert AuditEvent.objects.filter(action="accounts.two_factor.backup_codes_regenerated").count() == 1


@pytest.mark.usefixtures("required")
def test_the_page_after_the_second_factor_stays_on_this_site(client: Client, social_worker: User) -> None:
    _device, codes = enrolled(social_worker)
    client.force_login(social_worker)
    assert _verify(client, codes[0], next_url="https://evil.example/")["Location"] == reverse(
        "worklists:home"
    )


def test_the_api_for_re_authentication(social_worker: User, outsider: User, clock: Any) -> None:
    """has_second_factor / verify_second_factor, which break-the-glass calls to re-ask the second factor."""
    assert not twofactor.has_second_factor(social_worker)
    unconfirmed = twofactor.totp_device_start(social_worker)
    assert not twofactor.has_second_factor(social_worker)
    assert not twofactor.verify_second_factor(social_worker, app_code(unconfirmed))

    device, codes = enrolled(social_worker)
    assert twofactor.has_second_factor(social_worker)
    clock.shift(30)
    code = app_code(device)
    assert not twofactor.verify_second_factor(outsider, code)  # another user's code is nothing
    assert twofactor.verify_second_factor(social_worker, f"{code[:3]} {code[3:]}")
    assert not twofactor.verify_second_factor(social_worker, code)  # used
    assert twofactor.verify_second_factor(social_worker, codes[0])
    assert not twofactor.verify_second_factor(social_worker, codes[0])  # used
    for junk in ("", "abc", "1" * 200, codes[1] + "x"):
        assert not twofactor.verify_second_factor(social_worker, junk)
    social_worker.is_active = False
    assert not twofactor.verify_second_factor(social_worker, codes[2])


def test_with_two_factor_off_the_password_is_enough_and_enrolment_is_optional(
    client: Client, social_worker: User
) -> None:
    """The demo (TUTELA_REQUIRE_2FA=false): the tests' default, see tutela/conftest.py."""
    password_login(client, "assistente")
    assert client.get("/").status_code == 200
    assert "non obbligatoria" in client.get(reverse("accounts:security")).content.decode()
    assert client.get(reverse("accounts:two_factor_enrol")).status_code == 200


@pytest.mark.usefixtures("required")
def test_the_admin_logs_in_through_tutelas_login_and_waits_for_the_second_factor(
    client: Client, demo: DemoTerritory
) -> None:
    login = client.get("/admin/", follow=True)
    assert login.redirect_chain[-1][0] == f"{reverse('login')}?next=%2Fadmin%2F"
    admin = demo.users["admin"]
    enrolled(admin)
    client.force_login(admin)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:two_factor_verify"))


def test_the_admin_can_remove_a_device_but_not_read_its_secret(client: Client, social_worker: User) -> None:
    device, codes = enrolled(social_worker)
    root = User.objects.create_superuser(username="radice", password="x")
    client.force_login(root)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
    assert client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk])).status_code in {403, 404}
    backup = StaticDevice.objects.get(user=social_worker)
    static = client.get(reverse("admin:otp_static_staticdevice_change", args=[backup.pk]))
    assert static.status_code == 200
    assert not any(code in static.content.decode() for code in codes)
