"""`make bench`: the demo territory plus BASE_CASES synthetic cases, pages timed; up to CASES, timed again.

Runs inside pg_virtualenv (the Makefile starts it), which gives a throwaway PostgreSQL 15 through the PG*
variables and drops it when this process ends; gunicorn is stopped here, on success, failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parents[2]
# As `make run` serves the demo on 127.0.0.1 (plain HTTP, no second factor); the login lockout never counts
# the bench's own address (a wrong password stops the bench anyway).
SERVER_ENVIRONMENT = {
    "TUTELA_DEBUG": "false",
    "TUTELA_TESTING": "false",
    "TUTELA_REQUIRE_2FA": "false",
    "TUTELA_SECURE_SSL_REDIRECT": "false",
    "TUTELA_SECURE_COOKIES": "false",
    "TUTELA_HSTS_SECONDS": "0",
    "TUTELA_LOCKOUT_TRUSTED_NETWORKS": "127.0.0.1/32",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
KEYS = ("TUTELA_SECRET_KEY", "TUTELA_FIELD_KEYS", "TUTELA_RETURNS_KEY")


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--cases", type=int, default=200_000, help="cases at the second scale (CASES)")
    parser.add_argument(
        "--base-cases", type=int, default=20_000, help="cases at the first scale (BASE_CASES)"
    )
    parser.add_argument("--rounds", type=int, default=30, help="timed requests per page and scale (ROUNDS)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for an answer")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if not 0 < args.base_cases < args.cases:
        parser.error("need 0 < BASE_CASES < CASES")
    if args.rounds < 30:
        print("warning: fewer than 30 requests per page: p95 is the worst or second worst", file=sys.stderr)
    return args


def environment() -> None:
    pg = [os.environ.get(name, "") for name in ("PGUSER", "PGPASSWORD", "PGHOST", "PGPORT", "PGDATABASE")]
    if not all(pg):
        raise SystemExit("No PG* variables: run it through `make bench`, which starts pg_virtualenv.")
    missing = [name for name in KEYS if not os.environ.get(name)]
    if missing:
        raise SystemExit(
            f"Missing {', '.join(missing)}: run it through `make bench` (var/ keys, as make run)."
        )
    user, password, host, port, database = pg
    os.environ["DATABASE_URL"] = f"postgres://{quote(user)}:{quote(password)}@{host}:{port}/{database}"
    os.environ.update(SERVER_ENVIRONMENT)


def manage(*command: str) -> None:
    subprocess.run([sys.executable, "manage.py", *command], cwd=BASE_DIR, check=True)


def stop_on_signals() -> None:
    """SIGTERM and SIGHUP end the bench like Ctrl-C does: through the `finally` that stops gunicorn."""

    def leave(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    environment()
    stop_on_signals()
    started = time.perf_counter()
    print("bench: migrate, seed_demo, collectstatic (as make run)", file=sys.stderr)
    manage("migrate", "--no-input", "-v", "0")
    manage("seed_demo")
    manage("collectstatic", "--no-input", "-v", "0")
    import django

    django.setup()
    for line in context_lines():
        print(line)
    results = scales_run(args)
    for line in report(results[args.base_cases], results[args.cases]):
        print(line)
    print(f"bench: done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


def scales_run(args: argparse.Namespace) -> dict[int, list[Any]]:
    """Load and time each scale in turn; one server for both, stopped whatever happens."""
    from scripts.bench.fiscal import FiscalCodes
    from scripts.bench.load import Loader, fiscal_codes_taken
    from scripts.bench.measure import BenchError
    from scripts.bench.server import Server
    from scripts.bench.world import world_load

    rng = random.Random(args.seed)
    world = world_load(rng)
    loader = Loader(world=world, rng=rng, fiscal=FiscalCodes(fiscal_codes_taken()))
    server: Server | None = None
    results: dict[int, list[Any]] = {}
    loaded = 0
    try:
        for scale in (args.base_cases, args.cases):
            load_to(loader, scale, loaded)
            loaded = scale
            server = server or Server()
            results[scale] = time_pages(args, server.url, rng, world)
            for line in scale_lines(scale, results[scale]):
                print(line)
            sys.stdout.flush()
    except BenchError:
        if server is not None:
            print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        if server is not None:
            server.stop()
    return results


def load_to(loader: Any, scale: int, loaded: int) -> None:
    """Add the cases up to `scale`, vacuum and analyse, and describe what the database now holds."""
    from django.db import connection
    from django.utils import timezone

    from scripts.bench.targets import stats_lines

    count = scale - loaded
    print(f"bench: loading {count} cases (to {scale})", file=sys.stderr)
    seconds = loader.load(count, now=timezone.now())
    print(f"# load to {scale}: {count} cases in {seconds:.1f} s, {count / seconds:.0f} cases/s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    print(f"# VACUUM (ANALYZE) in {time.perf_counter() - started:.1f} s")
    for line in stats_lines():
        print(f"#{line}")


def time_pages(args: argparse.Namespace, url: str, rng: random.Random, world: Any) -> list[Any]:
    from django.conf import settings

    from scripts.bench.measure import measure, pages_build
    from scripts.bench.targets import targets_pick

    pages = pages_build(targets_pick(rng, world))
    print(f"bench: timing {len(pages)} pages x {args.rounds}", file=sys.stderr)
    password = settings.TUTELA_DEMO_PASSWORD
    measure(url, pages, password=password, rounds=args.rounds, timeout=args.timeout, seed=args.seed)
    return pages


def context_lines() -> list[str]:
    """What the numbers depend on: the code, the machine, the database server."""
    from django.db import connection

    git = ["git", "-C", str(BASE_DIR), "describe", "--always", "--dirty"]
    commit = subprocess.run(git, capture_output=True, text=True, check=False).stdout.strip() or "unknown"
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), current_setting('shared_buffers')")
        version, buffers = cursor.fetchone()
    load = os.getloadavg()[0]
    return [
        f"# code {commit}; {os.cpu_count()} CPUs, {int(memory) // 1024} MB RAM, load average {load:.1f} at start",
        f"# PostgreSQL {version}, shared_buffers {buffers}; gunicorn --threads 4 (as make run)",
    ]


def milliseconds(seconds: float) -> str:
    return "timeout" if seconds == math.inf else f"{seconds * 1000:.0f}"


def scale_lines(scale: int, pages: list[Any]) -> list[str]:
    lines = [f"# {scale} cases: PAGE  p50_ms  p95_ms  max_ms  timeouts"]
    for page in pages:
        worst = max(page.times) if page.times else math.nan
        lines.append(
            f"#   {page.name:<24} {milliseconds(page.percentile(0.5)):>8} {milliseconds(page.percentile(0.95)):>8}"
            f" {milliseconds(worst):>8} {page.timeouts + page.skipped:>4}"
        )
    return lines


def report(base: list[Any], top: list[Any]) -> list[str]:
    """One line per page at the larger scale, growth = its p95 over the p95 at the smaller; then the summary."""
    lines = [f"{'PAGE':<24} {'p50_ms':>8} {'p95_ms':>8} {'growth':>8}"]
    worst_p95, worst_growth = 0.0, 0.0
    for small, large in zip(base, top, strict=True):
        p95_small, p95_large = small.percentile(0.95), large.percentile(0.95)
        growth = p95_large / p95_small if p95_small not in (0, math.inf) else math.nan
        if p95_small == math.inf and p95_large == math.inf:
            growth = math.nan
        worst_p95 = max(worst_p95, p95_large)
        worst_growth = max(worst_growth, growth) if not math.isnan(growth) else worst_growth
        shown = "n/a" if math.isnan(growth) else ("inf" if growth == math.inf else f"{growth:.2f}")
        lines.append(
            f"{large.name:<24} {milliseconds(large.percentile(0.5)):>8} {milliseconds(p95_large):>8} {shown:>8}"
        )
    growth_text = "inf" if worst_growth == math.inf else f"{worst_growth:.2f}"
    lines.append(
        f"bench: {len(top)} pages, worst p95 {milliseconds(worst_p95)} ms, worst growth {growth_text}"
    )
    return lines


def entry() -> int:
    try:
        return main()
    except KeyboardInterrupt:
        print("bench: interrupted (server stopped; pg_virtualenv drops the cluster)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(entry())
