"""The window's modules load without torch, import core at their top only, and name core's constants
instead of re-typing them (docs/ARCHITECTURE.md, the house rules)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from catdog_gui import core
from catdog_gui.core import names, runfiles, runs

ROOT = Path(__file__).resolve().parent.parent
GUI = ROOT / "catdog_gui" / "gui"
GUI_FILES = sorted(GUI.glob("*.py"))
# Core's names that mean one thing only: a literal equal to one of them in the window is a re-typed constant.
VOCABULARY = {*names.BACKBONE_NAMES, *names.RECIPE_NAMES, names.SCRATCH, runfiles.SETTINGS_FILE,
              runfiles.METRICS_FILE, runfiles.BEST_MODEL, runfiles.LAST_MODEL, runfiles.CHECKPOINT}
# Calls whose text is shown to people (and translated), not a name that core reads.
TEXT_CALLS = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}


def imported_modules(code: str) -> set[str]:
    """The modules that ``python -X importtime -c code`` imports."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}


def test_the_main_window_and_every_panel_load_without_torch():
    modules = ", ".join(f"catdog_gui.gui.{path.stem}" for path in GUI_FILES if path.stem != "__init__")
    loaded = imported_modules(f"import catdog_gui.gui.main_window, {modules}")
    assert "catdog_gui.gui.main_window" in loaded
    assert not {name for name in loaded if name.split(".")[0] in ("torch", "torchvision", "timm")}


def test_the_torch_free_core_vocabulary_loads_without_torch():
    loaded = imported_modules("import catdog_gui.core.names, catdog_gui.core.records, catdog_gui.core.runfiles, "
                              "catdog_gui.core.runs, catdog_gui.core.paths, catdog_gui.core.datasets")
    assert "catdog_gui.core.runs" in loaded and "torch" not in loaded


def function_local_core_imports(path: Path) -> list[str]:
    """``file:line`` of each import of catdog_gui.core inside a function of ``path``."""
    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.ImportFrom) and _is_core(node.module or "", node.level):
                found.append(f"{path.name}:{node.lineno}")
            elif isinstance(node, ast.Import) and any(alias.name.startswith("catdog_gui.core") for alias in node.names):
                found.append(f"{path.name}:{node.lineno}")
    return found


def _is_core(module: str, level: int) -> bool:
    if level == 0:
        return module == "catdog_gui.core" or module.startswith("catdog_gui.core.")
    return level == 2 and (module == "core" or module.startswith("core."))


@pytest.mark.parametrize("path", GUI_FILES, ids=lambda path: path.name)
def test_the_window_imports_core_at_module_top_only(path):
    assert function_local_core_imports(path) == []


def retyped_constants(path: Path) -> list[str]:
    """``file:line 'text'`` of each string literal in ``path`` that spells one of core's names (docstrings
    and texts for people left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    shown = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                shown.add(id(first.value))
        if isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in TEXT_CALLS:
                shown.update(id(argument) for argument in node.args)
    return [f"{path.name}:{node.lineno} {node.value!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and node.value in VOCABULARY and id(node) not in shown]


@pytest.mark.parametrize("path", GUI_FILES, ids=lambda path: path.name)
def test_the_window_names_core_constants_instead_of_retyping_them(path):
    assert retyped_constants(path) == []


def test_the_runs_step_translates_what_core_says_of_a_damaged_model():
    from catdog_gui.gui.runs_panel import MODEL_PROBLEMS

    assert set(MODEL_PROBLEMS) == {runs.NOT_A_MODEL, runs.INVALID_METADATA}


def test_core_modules_load_on_first_use_and_unknown_names_are_attribute_errors():
    assert core.records.Finished.__module__ == "catdog_gui.core.records"
    assert not hasattr(core, "no_such_module")
    with pytest.raises(AttributeError):
        core._private
