"""Reading a run folder's own files, and saying exactly what is wrong with a damaged one.

A run folder's ``settings.json``, ``metrics.csv`` and a model file's metrics may have been edited by
hand, cut short, or written by another program. Each reader here checks the shape and the type of
every value and raises a :class:`~.errors.UserError` of one line that names the file and what is wrong
("settings.json: wrong type of 'epochs': it must be a whole number, not the text 'ten'"), so that
neither the command line nor the window ever fails later with a Python error. Free of torch: the
window's Runs step reads every run folder with it.
"""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

from .errors import UserError

# The files of a run folder, by name (core/training.py writes them; the Runs step and --resume read them).
SETTINGS_FILE = "settings.json"
METRICS_FILE = "metrics.csv"  # one row per epoch
BEST_MODEL = "best.safetensors"  # the model of the best epoch so far
LAST_MODEL = "last.safetensors"  # the model of the last epoch
# Kept only while the run is unfinished (stopped or interrupted): it is what ``--resume`` and the window's
# "Continue" start from, and it is removed when the run ends normally.
CHECKPOINT = "checkpoint.pt"

# The fields of recipes.Settings and preprocessing.Augmentation with their annotations, as the dataclasses
# declare them (tests/test_damaged_runs.py checks that they agree): what settings.json may hold.
SETTINGS_TYPES = {
    "data": "str", "strategy": "str", "backbone": "str", "weights_file": "str | None", "epochs": "int",
    "head_epochs": "int", "batch_size": "int", "lr": "float", "fine_tune_lr": "float | None", "image_size": "int",
    "augmentation": "Augmentation", "early_stopping": "int", "seed": "int", "device": "str", "precision": "str",
    "pixel_cache_gb": "float", "steps_per_epoch": "int", "subset": "str", "preset": "str", "optimizer": "str",
    "weight_decay": "float", "label_smoothing": "float", "schedule": "str", "monitor": "str",
    "class_weights": "str", "start_from": "str | None", "start_from_run": "str | None",
}
REQUIRED_SETTINGS = ("data",)  # the fields of Settings without a default
AUGMENTATION_TYPES = {
    "rotation": "float", "width_shift": "float", "height_shift": "float", "shear": "float", "zoom": "float",
    "horizontal_flip": "bool", "vertical_flip": "bool", "fill_mode": "str", "brightness": "float",
    "contrast": "float", "saturation": "float",
}
# What each annotation asks for, for people.
KINDS = {"str": "a text", "int": "a whole number", "float": "a number", "bool": "true or false", "None": "null",
         "Augmentation": "an object of augmentation settings"}

# metrics.csv: the columns the curves and the best epoch need, and those that must hold numbers when present.
METRICS_NEEDED = ("loss", "accuracy", "val_loss", "val_accuracy")
METRICS_NUMBERS = ("epoch", *METRICS_NEEDED, "seconds", "train_images_per_second")

# A model file's metrics: at most this many, under names of at most MAX_NAME characters.
MAX_METRICS = 32
MAX_NAME = 255


# ---- settings.json -----------------------------------------------------------------------------

def settings_values(text: str, source: str | Path) -> dict:
    """The values of a settings.json text, checked: a JSON object whose every key is a setting and
    whose every value has that setting's type (``augmentation`` stays a plain object).

    Parameters
    ----------
    text : str
        The file's contents.
    source : str or Path
        How to name the file in a message, e.g. its path.

    Returns
    -------
    dict
        The values as they are in the file.

    Raises
    ------
    UserError
        ``"SOURCE: what is wrong"``: not JSON, not an object, an unknown setting, a required one
        missing, or a value of the wrong type.
    """
    values = _json_object(text, source, "the settings of a run")
    _check_types(values, SETTINGS_TYPES, source, "setting")
    missing = [name for name in REQUIRED_SETTINGS if name not in values]
    if missing:
        raise UserError(f"{source}: not the settings of a run: '{missing[0]}' is missing")
    if "augmentation" in values:
        _check_types(values["augmentation"], AUGMENTATION_TYPES, source, "augmentation setting", "augmentation.")
    return values


def read_settings_values(path: str | Path) -> dict:
    """:func:`settings_values` of the file at ``path``; a UserError naming it if it cannot be read."""
    return settings_values(read_text(path), path)


def _json_object(text: str, source, what: str) -> dict:
    try:
        values = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"{source}: not JSON ({error})") from None
    except RecursionError:
        raise UserError(f"{source}: not JSON that can be read (nested too deep)") from None
    if not isinstance(values, dict):
        raise UserError(f"{source}: not {what}: it holds {_describe(values)} where an object of names and "
                        "values belongs")
    return values


def _check_types(values: dict, types: dict[str, str], source, noun: str, prefix: str = "") -> None:
    for name, value in values.items():
        if name not in types:
            raise UserError(f"{source}: unknown {noun} '{prefix}{name}'")
        kinds = types[name].split(" | ")
        if not any(_is_kind(value, kind) for kind in kinds):
            wanted = " or ".join(KINDS[kind] for kind in kinds)
            raise UserError(f"{source}: wrong type of '{prefix}{name}': it must be {wanted}, not {_describe(value)}")


def _is_kind(value, kind: str) -> bool:
    if kind == "float":  # a whole number is a number too; true and false are not
        return is_finite_number(value)
    return {"str": isinstance(value, str), "int": type(value) is int, "bool": type(value) is bool,
            "None": value is None, "Augmentation": isinstance(value, dict)}[kind]


def _describe(value) -> str:
    """A value as people would say it: ``the text 'ten'``, ``a list``, ``the number 1.5``."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "..."
        return f"the text {shown!r}"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "an object"


# ---- metrics.csv -------------------------------------------------------------------------------

def metrics_rows(text: str, source: str | Path) -> list[dict[str, str]]:
    """The rows of a metrics.csv text (one per epoch, as text), checked.

    Parameters
    ----------
    text : str
        The file's contents.
    source : str or Path
        How to name the file in a message.

    Returns
    -------
    list of dict
        Each row's cells by column name; the columns of :data:`METRICS_NEEDED` hold numbers in every
        row, the others of :data:`METRICS_NUMBERS` a number or nothing.

    Raises
    ------
    UserError
        ``"SOURCE: what is wrong"``: no header, a needed column missing, a row with too many or too few
        cells, or a cell that should be a number and is not.
    """
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames
        if not header:
            raise UserError(f"{source}: empty, without even its header line")
        missing = [column for column in METRICS_NEEDED if column not in header]
        if missing:
            raise UserError(f"{source}: no '{missing[0]}' column")
        return [_checked_row(row, len(header), source, reader.line_num) for row in reader]
    except csv.Error as error:
        raise UserError(f"{source}: not a table of comma-separated values ({error})") from None


def read_metrics_rows(path: str | Path) -> list[dict[str, str]]:
    """:func:`metrics_rows` of the file at ``path``; a UserError naming it if it cannot be read."""
    return metrics_rows(read_text(path), path)


def _checked_row(row: dict, columns: int, source, line: int) -> dict[str, str]:
    if None in row or None in row.values():  # DictReader's marks of extra and of missing cells
        cells = columns + len(row.get(None, ())) - sum(value is None for value in row.values())
        raise UserError(f"{source} line {line}: {cells} cells where the header has {columns}")
    for column in METRICS_NUMBERS:
        value = row.get(column)
        if value is None or (value == "" and column not in METRICS_NEEDED):
            continue
        try:
            float(value)
        except ValueError:
            raise UserError(f"{source} line {line}: '{column}' is {_describe(value)}, not a number") from None
    return row


# ---- a model file's metrics --------------------------------------------------------------------

def model_metrics(text: str) -> dict[str, float]:
    """The metrics in a model file's metadata (its ``metrics`` entry, JSON), checked.

    Raises
    ------
    ValueError
        Not JSON, or not an object of at most :data:`MAX_METRICS` names mapped to finite numbers.
    RecursionError
        JSON nested too deep.
    """
    metrics = json.loads(text)
    if not (isinstance(metrics, dict) and len(metrics) <= MAX_METRICS
            and all(len(k) <= MAX_NAME and is_finite_number(v) for k, v in metrics.items())):
        raise ValueError(f"metrics must map at most {MAX_METRICS} names to numbers")
    return metrics


def is_finite_number(value) -> bool:
    """Whether ``value`` is an int or float (not a bool: True is no number of ours) and finite."""
    return type(value) in (int, float) and math.isfinite(value)


def read_text(path: str | Path, source: str | None = None) -> str:
    """The text of the file at ``path`` (UTF-8); a UserError naming it (as ``source``, default the path)
    if it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{source or path}: not a text file") from None
    except OSError as error:
        raise UserError(f"{source or path}: cannot read it ({error.strerror or error})") from None
