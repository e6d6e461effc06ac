"""The command line answers at once: ``--help`` and ``--version`` load neither torch nor Qt, and every
option says in its help what it does."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from catdog_gui.cli import COMMAND_NAMES, build_parser
from catdog_gui.core import names

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(*args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    """The modules ``python -m catdog_gui ARGS`` imports (from ``-X importtime``), and the finished process."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "catdog_gui", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    modules = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
               if line.startswith("import time:") and line.count("|") == 2}
    return modules, done


@pytest.mark.parametrize("args", [["--help"], ["--version"], *([command, "--help"] for command in COMMAND_NAMES)],
                         ids=" ".join)
def test_help_and_version_import_neither_torch_nor_qt(args):
    modules, done = imported_modules(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "catdog_gui.cli" in modules  # the list is real: the command line itself is in it
    heavy = sorted(m for m in modules if m.split(".")[0] in ("torch", "torchvision", "timm", "PySide6", "numpy"))
    assert heavy == []
    assert "catdog-gui" in done.stdout


def test_the_names_are_the_registries_keys():
    from catdog_gui.core.backbones import BACKBONES
    from catdog_gui.core.recipes import RECIPES

    assert names.BACKBONE_NAMES == tuple(BACKBONES)
    assert names.RECIPE_NAMES == tuple(RECIPES)
    assert names.DEFAULT_BACKBONE in BACKBONES and names.DEFAULT_RECIPE in RECIPES
    assert names.DEFAULT_PRESET in names.PRESETS


def test_the_modules_that_use_the_names_take_them_from_names_py():
    from catdog_gui.core import backbones, datasets, device, recipes

    assert datasets.SUBSETS is names.SUBSETS
    assert device.DEVICE_CHOICES is names.DEVICE_CHOICES and device.PRECISION_CHOICES is names.PRECISION_CHOICES
    assert backbones.DEFAULT_BACKBONE is names.DEFAULT_BACKBONE
    for name in ("DEFAULT_RECIPE", "PRESETS", "DEFAULT_PRESET", "OPTIMIZERS", "SCHEDULES", "MONITORS", "CLASS_WEIGHTS"):
        assert getattr(recipes, name) is getattr(names, name), name


def parsers(parser: argparse.ArgumentParser, name: str = "catdog-gui"):
    """``(name, parser)`` for the parser and each subcommand's."""
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command, sub in action.choices.items():
                yield from parsers(sub, f"{name} {command}")


def test_the_parser_offers_the_names_as_choices():
    train = dict(parsers(build_parser()))["catdog-gui train"]
    choices = {action.dest: tuple(action.choices) for action in train._actions if action.choices}
    assert choices["backbone"] == names.BACKBONE_NAMES
    assert choices["strategy"] == names.RECIPE_NAMES
    assert choices["device"] == names.DEVICE_CHOICES and choices["subset"] == names.SUBSETS


def test_every_option_of_every_command_has_help():
    found = [(name, action.option_strings or action.dest) for name, parser in parsers(build_parser())
             for action in parser._actions
             if not isinstance(action, argparse._HelpAction) and (not action.help or action.help == argparse.SUPPRESS)]
    assert found == []
    commands = dict(parsers(build_parser()))
    assert set(commands) == {"catdog-gui", *(f"catdog-gui {command}" for command in COMMAND_NAMES)}
