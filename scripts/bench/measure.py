"""Time the pages as their users open them: a logged-in requests.Session per persona, the real login form.

Each round asks every page once, in an order shuffled per round (pages interleave, so a slow page does not
warm or cool the cache for itself only); one round before the timed ones warms the server. Every answer must be
200 (anything else stops the bench). A request that gets no answer within the timeout counts as a timeout; after
MAX_TIMEOUTS of them a page is not asked again at that scale (the server keeps computing each one).
"""

from __future__ import annotations

import math
import random
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import requests

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MAX_TIMEOUTS = 3
SURNAME_PREFIXES = ["Ross", "Bian", "Ferr", "Espo", "Ricc", "Mar", "Gall", "Cont", "Colom", "Lomb"]
# Misspelt common surnames that no surname of the population starts with: the search finds nothing by prefix
# and offers the near surnames (trigram similarity).
SURNAME_TYPOS = [
    "Rosi",
    "Esposto",
    "Bianci",
    "Feraris",
    "Romanno",
    "Colomo",
    "Marrino",
    "Grecco",
    "Brunno",
    "Manchini",
]


class BenchError(RuntimeError):
    pass


@dataclass
class Page:
    name: str
    persona: str
    paths: list[str]
    times: list[float] = field(default_factory=list)  # seconds; math.inf for a timeout
    skipped: int = 0

    @property
    def timeouts(self) -> int:
        return sum(1 for t in self.times if t == math.inf)

    def percentile(self, share: float) -> float:
        """Nearest rank: the smallest time with at least `share` of the requests at or below it."""
        ordered = sorted(self.times + [math.inf] * self.skipped)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else math.nan


def pages_build(targets: dict[str, Any]) -> list[Page]:
    """The pages of the bench, each with the addresses it rotates through (targets.py picks them)."""
    return [
        Page("worklist_coordinatore", "coordinatore", ["/"]),
        Page("worklist_assistente", "assistente", ["/"]),
        Page("worklist_sds", "sds", ["/"]),
        Page("worklist_comune", "comune", ["/"]),
        Page("search_surname", "coordinatore", [f"/pratiche/?q={p}" for p in SURNAME_PREFIXES]),
        Page("search_near", "coordinatore", [f"/pratiche/?q={p}" for p in SURNAME_TYPOS]),
        Page("search_fiscal_code", "coordinatore", [f"/pratiche/?q={c}" for c in targets["fiscal_codes"]]),
        Page("search_case_code", "coordinatore", [f"/pratiche/?q={c}" for c in targets["case_codes"]]),
        Page("case_page", "assistente", [f"/pratiche/{pk}/" for pk in targets["own_cases"]]),
        Page("calendar_assistente", "assistente", ["/scadenze/calendario/"]),
        Page("calendar_coordinatore", "coordinatore", ["/scadenze/calendario/"]),
        Page("indicators_dirigente", "dirigente", ["/indicatori/"]),
        Page(
            "audit_file_dpo", "dpo", [f"/registro-accessi/fascicolo/?q={q}" for q in targets["audit_queries"]]
        ),
    ]


def login(base_url: str, username: str, password: str, timeout: float) -> requests.Session:
    """The login form as a browser posts it (CSRF cookie and field); fails loudly unless it logs in."""
    session = requests.Session()
    form = session.get(f"{base_url}/accesso/", timeout=timeout)
    match = CSRF_INPUT.search(form.text)
    if form.status_code != 200 or match is None:
        raise BenchError(
            f"login page for {username}: HTTP {form.status_code}, CSRF field found: {bool(match)}"
        )
    answer = session.post(
        f"{base_url}/accesso/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)},
        headers={"Referer": f"{base_url}/accesso/"},
        allow_redirects=False,
        timeout=timeout,
    )
    target = answer.headers.get("Location", "")
    if answer.status_code != 302 or "/accesso/" in target or "sessionid" not in session.cookies:
        raise BenchError(f"login as {username} failed: HTTP {answer.status_code} -> {target!r}")
    return session


def measure(
    base_url: str, pages: list[Page], *, password: str, rounds: int, timeout: float, seed: int
) -> None:
    """Fill each page's times: a warm-up round, then `rounds` timed rounds in shuffled order."""
    sessions = {p.persona: login(base_url, p.persona, password, timeout) for p in pages}
    rng = random.Random(seed)
    for page in pages:
        _get(base_url, sessions[page.persona], page, page.paths[0], timeout)
    for round_number in range(rounds):
        order = pages[:]
        rng.shuffle(order)
        for page in order:
            if page.timeouts >= MAX_TIMEOUTS:
                page.skipped += 1
                continue
            path = page.paths[round_number % len(page.paths)]
            page.times.append(_get(base_url, sessions[page.persona], page, path, timeout))
        if (round_number + 1) % 10 == 0:
            print(f"  {round_number + 1}/{rounds} rounds", file=sys.stderr)


def _get(base_url: str, session: requests.Session, page: Page, path: str, timeout: float) -> float:
    started = time.perf_counter()
    try:
        answer = session.get(f"{base_url}{path}", timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        print(f"  {page.name}: no answer within {timeout:.0f} s ({path})", file=sys.stderr)
        return math.inf
    elapsed = time.perf_counter() - started
    if answer.status_code != 200:
        where = answer.headers.get("Location", "")
        raise BenchError(f"{page.name} as {page.persona}: GET {path} answered {answer.status_code} {where}")
    return elapsed
