"""DESIGN.md section 4: apply_transition is the only code that changes a state; nothing sets `.state` elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

import tutela

ROOT = Path(tutela.__file__).resolve().parent
EXCLUDED_DIRS = {"tests", "migrations", "workflow"}

# `obj.state = ...`, `obj.status = ...`, `setattr(obj, "state", ...)` and bulk writes `.update(state=...)`.
ASSIGNMENT = re.compile(r"\.(?:state|status)\s*(?:[-+*/|&]?=)(?!=)")
BULK_UPDATE = re.compile(r"\.update\([^)]*\b(?:state|status)\s*=(?!=)")
SETATTR = re.compile(r"setattr\([^,]+,\s*[\"'](?:state|status)[\"']")


def _sources() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not EXCLUDED_DIRS & set(path.relative_to(ROOT).parts[:-1]) and not path.name.startswith("test_")
    ]


def _offences(text: str) -> list[str]:
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if ASSIGNMENT.search(code) or BULK_UPDATE.search(code) or SETATTR.search(code):
            lines.append(f"{number}: {line.strip()}")
    return lines


def test_the_patterns_catch_what_they_should():
    assert _offences("case.state = CaseState.CLOSED")
    assert _offences("    intervention.status= 'ACTIVE'")
    assert _offences("Case.objects.filter(pk=1).update(state='CLOSED')")
    assert _offences('setattr(case, "state", "CLOSED")')
    assert not _offences("if case.state == CaseState.CLOSED:")
    assert not _offences("Case.objects.filter(state=CaseState.REFERRED)")
    assert not _offences("from_state = locked.state")
    assert not _offences("# case.state = X is forbidden")


def test_nothing_outside_the_workflow_engine_assigns_a_state():
    sources = _sources()
    assert ROOT / "cases" / "services" / "closure.py" in sources
    assert ROOT / "workflow" / "engine.py" not in sources
    offences = {
        str(path.relative_to(ROOT.parent)): found
        for path in sources
        if (found := _offences(path.read_text(encoding="utf-8")))
    }
    assert offences == {}, f"State assigned outside tutela/workflow/: {offences}"
