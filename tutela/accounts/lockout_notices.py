"""E-mails about a new login lock (ADR 0006): to the user whose name is delayed and to the system administrators.

Sent once per lock, after the failure that started it has committed (lockout.login_failure_record). A lock on a
name that belongs to no active user tells nobody: only an address lock says that someone is trying names.
There is no in-app channel: the user cannot log in to read it, and the project has no notice list for
administrators (the deadline reminders and art. 403 notices are tied to a case).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from tutela.accounts.models import LoginLockout, User
from tutela.accounts.roles import Role

if TYPE_CHECKING:
    from tutela.accounts.lockout import Lock

logger = logging.getLogger(__name__)

# Subjects and bodies name the user and the address, never a case or a child.
USER_SUBJECT = gettext_lazy("Tutela: tentativi di accesso con il tuo nome utente")
USER_BODY = gettext_lazy(
    "Il %(day)s alle %(time)s qualcuno ha sbagliato %(failures)d volte la password entrando in Tutela con "
    "il tuo nome utente (%(username)s), l'ultima volta dall'indirizzo %(address)s.\n\n"
    "Per proteggere i dati dei minori l'accesso con il tuo nome utente è sospeso per %(delay)s, "
    "fino alle %(until)s.\n\n"
    "Se eri tu, attendi e riprova; se non ricordi la password chiedi all'amministratore di sistema.\n"
    "Se non eri tu, avvisa subito l'amministratore di sistema: qualcuno sta provando a indovinare la "
    "tua password.\n\n"
    "Messaggio inviato automaticamente da Tutela."
)
USERNAME_ADMIN_SUBJECT = gettext_lazy("Tutela: nome utente %(username)s bloccato per troppi tentativi")
USERNAME_ADMIN_BODY = gettext_lazy(
    "Il %(day)s alle %(time)s, dopo %(failures)d tentativi di accesso non riusciti (l'ultimo "
    "dall'indirizzo %(address)s), il nome utente %(username)s (%(name)s) è bloccato per %(delay)s, "
    "fino alle %(until)s. È il blocco n. %(lockouts)d di fila: ogni nuovo blocco raddoppia "
    "l'attesa, fino a %(max_minutes)d minuti.\n\n"
    "L'utente è avvisato per e-mail, se ne ha una. Se i tentativi non sono suoi, controllare da dove "
    "vengono; per sbloccare prima: manage.py axes_reset_username %(username)s\n\n"
    "Messaggio inviato automaticamente da Tutela."
)
ADDRESS_ADMIN_SUBJECT = gettext_lazy("Tutela: accessi bloccati da un indirizzo per troppi tentativi")
ADDRESS_ADMIN_BODY = gettext_lazy(
    "Il %(day)s alle %(time)s, dopo %(failures)d tentativi di accesso non riusciti in meno di "
    "%(max_minutes)d minuti dall'indirizzo %(address)s, con uno o più nomi utente, ogni accesso da "
    "quell'indirizzo è bloccato per %(delay)s, fino alle %(until)s.\n\n"
    "Se è l'indirizzo di un ufficio, aggiungerne la rete a TUTELA_LOCKOUT_TRUSTED_NETWORKS (i nomi "
    "utente restano protetti uno per uno); per sbloccare prima: manage.py axes_reset_ip %(address)s\n\n"
    "Messaggio inviato automaticamente da Tutela."
)


def administrator_emails() -> list[str]:
    """Where the system administrators are told: active users with an active SYSADMIN membership, and
    settings.ADMINS."""
    emails = set(
        User.objects.filter(
            is_active=True, memberships__role=Role.SYSADMIN, memberships__active=True
        ).values_list("email", flat=True)
    )
    emails.update(admin if isinstance(admin, str) else admin[1] for admin in settings.ADMINS)
    return sorted(email for email in emails if email)


def _when(moment: dt.datetime) -> tuple[str, str]:
    local = timezone.localtime(moment)
    return f"{local:%d/%m/%Y}", f"{local:%H:%M}"


def _minutes(delay: dt.timedelta) -> int:
    return max(1, round(delay.total_seconds() / 60))


def _duration(delay: dt.timedelta) -> str:
    minutes = _minutes(delay)
    return ngettext("%(count)d minuto", "%(count)d minuti", minutes) % {"count": minutes}


def _values(lock: Lock, at: dt.datetime) -> dict[str, object]:
    day, time = _when(at)
    return {
        "day": day,
        "time": time,
        "until": _when(lock.until)[1],
        "delay": _duration(lock.delay),
        "lockouts": lock.lockouts,
        "max_minutes": _minutes(settings.TUTELA_LOCKOUT_MAX_DELAY),
    }


def _send(subject: str, body: str, to: str) -> bool:
    try:
        EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to]).send()
    except Exception:  # the lock holds anyway; the failure is in the log, the audit has the lock
        logger.exception("Lockout notice to %s failed", to)
        return False
    return True


def lockout_notices_send(*, lock: Lock, address: str | None, at: dt.datetime) -> int:
    """E-mail a new lock to its user (when the name is an active user's) and to the system administrators, one
    message each; returns how many left."""
    values = _values(lock, at)
    if lock.scope == LoginLockout.Scope.ADDRESS:
        values |= {"failures": settings.TUTELA_LOCKOUT_ADDRESS_FAILURES, "address": lock.key}
        return sum(
            _send(ADDRESS_ADMIN_SUBJECT % values, ADDRESS_ADMIN_BODY % values, to)
            for to in administrator_emails()
        )
    user = User.objects.filter(username=lock.key, is_active=True).first()
    if user is None:
        return 0
    values |= {
        "failures": settings.TUTELA_LOCKOUT_FAILURES,
        "username": user.get_username(),
        "name": user.get_full_name() or user.get_username(),
        "address": address or "?",
    }
    sent = _send(str(USER_SUBJECT), USER_BODY % values, user.email) if user.email else False
    admins = [
        _send(USERNAME_ADMIN_SUBJECT % values, USERNAME_ADMIN_BODY % values, to)
        for to in administrator_emails()
    ]
    return sent + sum(admins)
