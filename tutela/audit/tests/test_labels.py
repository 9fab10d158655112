"""Every audit action code the code base can write has its words for the DPO (tutela/audit/labels.py).

Codes come from two places: literals given to `audit_record(action=...)` (directly, through a conditional, or
through a local helper that passes its `action` parameter on), and the table-driven engines, which build the
code from their tables: `<audit_entity>.<past>` for every `Workflow` (tutela/workflow/engine.py) and
`returns.batch.<past>` for every export batch step (tutela/returns/lifecycle.py). The engines are read from the
workflow objects themselves, so a transition added tomorrow is checked too.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

from tutela.audit.labels import ACTION_LABELS, action_label
from tutela.workflow.engine import Workflow

TUTELA = Path(__file__).resolve().parents[2]
ROOT = TUTELA.parent
CODE = re.compile(r"[a-z0-9_]+\.[a-z0-9_]+\.[a-z0-9_]+")


def _source_files() -> Iterator[Path]:
    for path in sorted(TUTELA.rglob("*.py")):
        parts = path.relative_to(TUTELA).parts
        if (
            {"tests", "migrations", "e2e"} & set(parts)
            or path.name.startswith("test_")
            or path.name == "conftest.py"
        ):
            continue
        yield path


def _catalogue_codes() -> set[str]:
    """`services.{entity}.created/updated` of the catalogue's `_save(..., entity="...")`."""
    tree = ast.parse((TUTELA / "services" / "catalogue.py").read_text())
    entities = {
        kw.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_save"
        for kw in node.keywords
        if kw.arg == "entity" and isinstance(kw.value, ast.Constant)
    }
    assert entities, "the catalogue no longer saves through _save(entity=...): update this test"
    return {f"services.{entity}.{verb}" for entity in entities for verb in ("created", "updated")}


def workflow_codes() -> set[str]:
    """The codes the transition engine writes, from every module-level `Workflow` in the source."""
    workflows: list[Workflow] = []
    for path in _source_files():
        if "Workflow(" not in path.read_text() or path.name == "engine.py":
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        workflows += [value for value in vars(module).values() if isinstance(value, Workflow)]
    assert len(workflows) >= 7, "the workflows were not found"
    return {
        f"{workflow.audit_entity}.{transition.past}"
        for workflow in workflows
        for transition in workflow.transitions
    }


def batch_codes() -> set[str]:
    from tutela.returns.lifecycle import STEPS

    return {f"returns.batch.{step.past}" for step in STEPS.values()}


# f-string codes: each is enumerated by the function beside it (a new f-string must be added here).
DYNAMIC = {
    "f'{self.audit_entity}.{transition.past}'": workflow_codes,
    "f'returns.batch.{step.past}'": batch_codes,
    "f'services.{entity}.created'": _catalogue_codes,
    "f'services.{entity}.updated'": _catalogue_codes,
}


def _strings(node: ast.expr, where: str) -> Iterator[str]:
    """The codes an `action` argument can take: literals, both arms of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body, where)
        yield from _strings(node.orelse, where)
    elif isinstance(node, ast.JoinedStr):
        unparsed = ast.unparse(node)
        assert unparsed in DYNAMIC, f"{where}: list the codes of {unparsed} in DYNAMIC"
        yield from DYNAMIC[unparsed]()
    else:
        raise AssertionError(f"{where}: cannot tell which audit codes {ast.unparse(node)} writes")


def _argument(call: ast.Call, name: str, index: int) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return call.args[index] if index < len(call.args) else None


def literal_codes() -> dict[str, str]:
    """Every code given to audit_record in the source, with where it was found."""
    codes: dict[str, str] = {}
    class_attributes: dict[str, set[str]] = {}  # e.g. `audit_action = "returns.sinba.exported"` on a command
    pending_attributes: list[tuple[str, str]] = []
    for path in _source_files():
        tree = ast.parse(path.read_text())
        functions = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        helpers: dict[str, int] = {}  # local functions passing their `action` parameter on to audit_record
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
                for target in node.targets:
                    if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                        class_attributes.setdefault(target.id, set()).add(node.value.value)
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "audit_record"
            ):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            action = _argument(node, "action", 1)
            assert action is not None, f"{where}: audit_record without an action"
            if isinstance(action, ast.Name):
                enclosing = [f for f in functions.values() if f.lineno <= node.lineno <= (f.end_lineno or 0)]
                owner = max(enclosing, key=lambda f: f.lineno, default=None)
                params = [a.arg for a in owner.args.args] if owner is not None else []
                assert action.id in params, f"{where}: cannot tell which audit codes {action.id} writes"
                helpers[owner.name] = params.index(action.id)  # type: ignore[union-attr]
            elif (
                isinstance(action, ast.Attribute)
                and isinstance(action.value, ast.Name)
                and action.value.id == "self"
            ):
                pending_attributes.append((action.attr, where))
            else:
                codes.update(dict.fromkeys(_strings(action, where), where))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in helpers:
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                action = _argument(node, "action", helpers[node.func.id])
                assert action is not None, f"{where}: {node.func.id} without an action"
                codes.update(dict.fromkeys(_strings(action, where), where))
    for attribute, where in pending_attributes:
        values = {v for v in class_attributes.get(attribute, set()) if CODE.fullmatch(v)}
        assert values, f'{where}: no `{attribute} = "..."` found'
        codes.update(dict.fromkeys(values, where))
    return codes


def test_every_code_written_by_a_service_or_a_view_has_a_label() -> None:
    codes = literal_codes()
    # The scan sees the codes written in the usual ways.
    assert {
        "cases.case.viewed",  # action="..."
        "meetings.room.deactivated",  # the else of a conditional
        "court.report.viewed",  # through the court views' _read helper
        "services.costs.exported",  # through the costs page's _audit helper
        "returns.sinba.exported",  # a command's audit_action
        "services.facility.updated",  # the catalogue's f-string
        "returns.batch.restarted",  # the batch lifecycle's f-string
    } <= set(codes)
    missing = sorted(f"{code} ({where})" for code, where in codes.items() if code not in ACTION_LABELS)
    assert not missing, "audit codes without a label in tutela/audit/labels.py:\n" + "\n".join(missing)


def test_every_code_written_by_the_transition_engine_has_a_label() -> None:
    codes = workflow_codes()
    assert {
        "cases.case.taken_in_charge",
        "services.intervention.suspended",
        "meetings.visit.recorded",
    } <= codes
    missing = sorted(codes - ACTION_LABELS.keys())
    assert not missing, "transition codes without a label in tutela/audit/labels.py:\n" + "\n".join(missing)


def test_the_labels_are_words_not_codes() -> None:
    for code in ACTION_LABELS:
        assert CODE.fullmatch(code), code
        label = action_label(code)
        assert label and label != code and label[0].isupper(), (code, label)
    assert action_label("unknown.thing.done") == "unknown.thing.done"
