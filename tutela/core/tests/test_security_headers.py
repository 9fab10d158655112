"""Production settings pass `check --deploy`; every page carries the security headers (ADR 0010).

Production is the settings module read with TUTELA_DEBUG unset and outside the tests: it runs in a subprocess,
with the environment an operator gives it behind a TLS reverse proxy. The header tests then apply the very
values that subprocess reports to this process's settings and ask for pages over HTTPS.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from tutela.conftest import TEST_PASSWORD
from tutela.testing import factories
from tutela.testing.html import active_content

BASE_DIR = Path(django_settings.BASE_DIR)
ONE_YEAR = 365 * 24 * 60 * 60
# What settings.py derives for production, read back from the subprocess and applied to the header tests.
HTTPS_SETTINGS = (
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
)
REPORTED = (
    *HTTPS_SETTINGS,
    "DEBUG",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "MIDDLEWARE",
)
PERMISSIONS_OFF = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")


def production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    """The environment of a production server: no TUTELA_* of the developer's shell leaks in."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TUTELA_", "DJANGO_")) and k not in {"DATABASE_URL", "PYTEST_CURRENT_TEST"}
    }
    env.update(
        TUTELA_TESTING="false",
        TUTELA_SECRET_KEY=secrets.token_urlsafe(50),
        TUTELA_FIELD_KEYS=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        TUTELA_RETURNS_KEY=base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        TUTELA_ALLOWED_HOSTS="tutela.sds-pratese.example.it",
        TUTELA_CSRF_TRUSTED_ORIGINS="https://tutela.sds-pratese.example.it",
        TUTELA_PROXY_SSL_HEADER="X-Forwarded-Proto",
        TUTELA_SMTP_HOST="smtp.sds-pratese.example.it",
        TUTELA_SQLITE_PATH=str(tmp_path / "production.sqlite3"),
        TUTELA_MEDIA_ROOT=str(tmp_path / "media"),
    )
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


_SETTINGS_DUMP = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    f"print(json.dumps({{n: getattr(s, n) for n in {list(REPORTED)!r}}}, default=str))"
)


def settings_of(env: dict[str, str]) -> dict[str, Any]:
    done = _run(["-c", _SETTINGS_DUMP], {**env, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return settings_of(production_env(tmp_path_factory.mktemp("production")))


# --- the production settings ------------------------------------------------------------------------------


def test_check_deploy_finds_nothing_in_production(tmp_path: Path) -> None:
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_settings_are_https_only(production: dict[str, Any]) -> None:
    assert production["DEBUG"] is False
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= ONE_YEAR
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["X_FRAME_OPTIONS"] == "DENY"
    assert production["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert production["SECURE_REFERRER_POLICY"] == "same-origin"
    assert production["SECURE_CROSS_ORIGIN_OPENER_POLICY"] == "same-origin"
    assert "tutela.core.middleware.SecurityHeadersMiddleware" in production["MIDDLEWARE"]


def test_the_local_demo_runs_on_plain_http(tmp_path: Path) -> None:
    """`make run` serves http://127.0.0.1 without DEBUG: its Makefile target turns HTTPS-only off explicitly,
    and HSTS preload and subdomains can be turned off too."""
    demo = settings_of(
        production_env(
            tmp_path,
            TUTELA_PROXY_SSL_HEADER="",
            TUTELA_SECURE_SSL_REDIRECT="false",
            TUTELA_SECURE_COOKIES="false",
            TUTELA_HSTS_SECONDS="0",
            TUTELA_HSTS_PRELOAD="false",
        )
    )
    assert demo["DEBUG"] is False
    assert demo["SECURE_SSL_REDIRECT"] is False
    assert demo["SESSION_COOKIE_SECURE"] is False
    assert demo["CSRF_COOKIE_SECURE"] is False
    assert demo["SECURE_HSTS_SECONDS"] == 0
    assert demo["SECURE_HSTS_PRELOAD"] is False
    assert demo["SECURE_PROXY_SSL_HEADER"] is None
    makefile = (BASE_DIR / "Makefile").read_text()
    run_target = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    for name, value in (
        ("TUTELA_SECURE_SSL_REDIRECT", "false"),
        ("TUTELA_SECURE_COOKIES", "false"),
        ("TUTELA_HSTS_SECONDS", "0"),
    ):
        assert f"{name}:-{value}" in run_target, f"`make run` must set {name}={value}"


# --- the headers of a page --------------------------------------------------------------------------------


@pytest.fixture
def https(settings: Any, production: dict[str, Any]) -> Any:
    """This process with the production values of the HTTPS settings (before the first request: the
    middleware reads them when the test client loads it)."""
    for name in HTTPS_SETTINGS:
        value = production[name]
        setattr(settings, name, tuple(value) if isinstance(value, list) else value)
    return settings


def _csp(header: str) -> dict[str, list[str]]:
    directives = (part.split() for part in header.split(";") if part.strip())
    return {d[0]: d[1:] for d in directives}


def test_a_case_page_carries_every_security_header(https: Any, client: Client, demo: Any) -> None:
    case = factories.in_care_case(demo)
    client.force_login(demo.users["assistente"])
    url = reverse("cases:detail", kwargs={"pk": case.pk})

    first = client.get(url, secure=True)
    second = client.get(url, secure=True)

    assert first.status_code == 200
    assert first["Strict-Transport-Security"] == f"max-age={ONE_YEAR}; includeSubDomains; preload"
    assert first["X-Frame-Options"] == "DENY"
    assert first["X-Content-Type-Options"] == "nosniff"
    assert first["Referrer-Policy"] == "same-origin"
    assert first["Cross-Origin-Opener-Policy"] == "same-origin"
    for feature in PERMISSIONS_OFF:
        assert feature in first["Permissions-Policy"]
    assert "no-store" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]

    csp = _csp(first["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert len(csp["script-src"]) == 2 and csp["script-src"][1].startswith("'nonce-")
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["font-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert "unsafe" not in first["Content-Security-Policy"]
    assert _csp(second["Content-Security-Policy"])["script-src"][1] != csp["script-src"][1]  # fresh nonce

    # The page needs none of what the policy forbids: only scripts from /static/, no inline code or style;
    # each script carries this response's nonce.
    html = first.content.decode()
    assert active_content(html) == []
    nonce = csp["script-src"][1].removeprefix("'nonce-").removesuffix("'")
    assert html.count("<script ") == html.count(f'nonce="{nonce}"') > 0


def test_over_plain_http_production_redirects_to_https(https: Any, client: Client, demo: Any) -> None:
    client.force_login(demo.users["assistente"])
    home = reverse("worklists:home")

    plain = client.get(home)
    proxied = client.get(home, headers={"X-Forwarded-Proto": "https"})

    assert plain.status_code == 301
    assert plain["Location"] == f"https://testserver{home}"
    assert "Strict-Transport-Security" not in plain  # HSTS only over HTTPS
    assert proxied.status_code == 200  # the proxy's header says the client came over HTTPS
    assert "max-age=" in proxied["Strict-Transport-Security"]


def test_cookies_are_secure_and_out_of_reach_of_scripts(https: Any, client: Client, demo: Any) -> None:
    login = reverse("login")
    page = client.get(login, secure=True)
    answer = client.post(
        login, {"username": "assistente", "password": TEST_PASSWORD}, secure=True, follow=False
    )

    assert page.status_code == 200
    csrf = page.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    assert answer.status_code == 302, answer.content.decode()[:500]
    session = answer.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert "Permissions-Policy" in page


def test_every_answer_behind_the_login_is_no_store(client: Client, demo: Any) -> None:
    """The login page has Django's own never_cache; every page behind the login gets no-store, htmx
    fragments included."""
    case = factories.in_care_case(demo)
    client.force_login(demo.users["assistente"])
    pages = [
        reverse("worklists:home"),
        reverse("cases:list"),
        reverse("cases:detail", kwargs={"pk": case.pk}),
        reverse("core:municipality_search") + "?q=Prat",
    ]
    for url in pages:
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "Permissions-Policy" in response, url
