"""Damaged run folders: a settings.json, metrics.csv or model metadata of the wrong shape or type is said in
one line that names the file and what is wrong: exit 2 on the command line, a damaged row in the Runs step
(beside the good runs), never a Python error."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from catdog_gui.cli import main
from catdog_gui.core import runfiles
from catdog_gui.core.errors import ModelFileError, UserError

from conftest import write_lecture_dataset, write_model_file

GOOD_SETTINGS = {"data": "photos", "strategy": "scratch", "epochs": 3, "lr": 0.001,
                 "augmentation": {"rotation": 40, "horizontal_flip": True}}
GOOD_METRICS = ("phase,epoch,loss,accuracy,val_loss,val_accuracy,seconds\n"
                "training,1,0.7,0.5,0.69,0.625,1.0\n"
                "training,2,0.6,0.7,0.61,0.75,1.1\n")

# settings.json: (its text, words of the message)
BAD_SETTINGS = {
    "a list": ("[1, 2]", ["not the settings of a run", "holds a list"]),
    "a text": ('"photos"', ["not the settings of a run", "holds the text 'photos'"]),
    "a number": ("3", ["not the settings of a run", "holds the number 3"]),
    "null": ("null", ["not the settings of a run", "holds null"]),
    "not JSON": ("{epochs: 3", ["not JSON"]),
    "no data": ('{"epochs": 3}', ["'data' is missing"]),
    "unknown setting": ('{"data": "photos", "speed": "fast"}', ["unknown setting 'speed'"]),
    "epochs a text": ('{"data": "photos", "epochs": "ten"}', ["'epochs'", "a whole number", "the text 'ten'"]),
    "epochs a fraction": ('{"data": "photos", "epochs": 2.5}', ["'epochs'", "a whole number", "the number 2.5"]),
    "epochs true": ('{"data": "photos", "epochs": true}', ["'epochs'", "a whole number", "true"]),
    "lr a text": ('{"data": "photos", "lr": "fast"}', ["'lr'", "a number"]),
    "lr NaN": ('{"data": "photos", "lr": NaN}', ["'lr'", "a number"]),
    "data a number": ('{"data": 5}', ["'data'", "a text", "the number 5"]),
    "weights file a list": ('{"data": "photos", "weights_file": []}', ["'weights_file'", "a text or null"]),
    "augmentation a list": ('{"data": "photos", "augmentation": [40]}', ["'augmentation'", "a list"]),
    "augmentation value": ('{"data": "photos", "augmentation": {"horizontal_flip": "yes"}}',
                           ["'augmentation.horizontal_flip'", "true or false"]),
    "augmentation key": ('{"data": "photos", "augmentation": {"spin": 1}}', ["unknown augmentation setting",
                                                                             "'augmentation.spin'"]),
}

# metrics.csv: (its text, words of the message)
BAD_METRICS = {
    "empty": ("", ["empty"]),
    "no val_accuracy column": ("phase,epoch,loss,accuracy,val_loss\ntraining,1,0.7,0.5,0.69\n",
                               ["no 'val_accuracy' column"]),
    "a text for a number": (GOOD_METRICS.replace("0.625", "abc"), ["line 2", "'val_accuracy'", "'abc'", "not a number"]),
    "an empty needed cell": (GOOD_METRICS.replace("0.61,", ","), ["line 3", "'val_loss'", "not a number"]),
    "a cell too many": (GOOD_METRICS + "training,3,0.5,0.8,0.5,0.8,1.0,extra\n", ["line 4", "8 cells", "header has 7"]),
    "a cell too few": (GOOD_METRICS + "training,3,0.5\n", ["line 4", "3 cells", "header has 7"]),
    "JSON instead": ('{"loss": [0.7]}\n', ["no 'loss' column"]),
}


# ---- the readers themselves ----------------------------------------------------------------------------

def test_the_schema_is_the_settings_dataclasses():
    from catdog_gui.core.preprocessing import Augmentation
    from catdog_gui.core.recipes import Settings

    assert runfiles.SETTINGS_TYPES == {f.name: f.type for f in dataclasses.fields(Settings)}
    assert runfiles.AUGMENTATION_TYPES == {f.name: f.type for f in dataclasses.fields(Augmentation)}
    required = tuple(f.name for f in dataclasses.fields(Settings)
                     if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
    assert runfiles.REQUIRED_SETTINGS == required


def test_good_settings_and_metrics_are_read():
    from catdog_gui.core.recipes import Settings, resolve_settings

    settings = resolve_settings("photos", "fine-tuning")
    assert Settings.from_json(settings.to_json()) == settings
    assert runfiles.settings_values(json.dumps(GOOD_SETTINGS), "settings.json") == GOOD_SETTINGS
    rows = runfiles.metrics_rows(GOOD_METRICS, "metrics.csv")
    assert [row["val_accuracy"] for row in rows] == ["0.625", "0.75"]
    # Optional columns may be empty (an older run's), and a NaN loss is a number (a run that diverged).
    assert len(runfiles.metrics_rows("epoch,loss,accuracy,val_loss,val_accuracy,seconds\n,nan,0.5,0.7,0.5,\n", "m")) == 1


@pytest.mark.parametrize("case", list(BAD_SETTINGS))
def test_bad_settings_say_the_file_and_what_is_wrong(tmp_path, case):
    from catdog_gui.core.recipes import Settings

    text, words = BAD_SETTINGS[case]
    path = tmp_path / "settings.json"
    path.write_text(text)
    with pytest.raises(UserError) as caught:
        Settings.read(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    for word in words:
        assert word in message


@pytest.mark.parametrize("case", list(BAD_METRICS))
def test_bad_metrics_say_the_file_the_line_and_what_is_wrong(tmp_path, case):
    text, words = BAD_METRICS[case]
    path = tmp_path / "metrics.csv"
    path.write_text(text)
    with pytest.raises(UserError) as caught:
        runfiles.read_metrics_rows(path)
    message = str(caught.value)
    assert message.startswith(str(path)) and "\n" not in message
    for word in words:
        assert word in message


def test_a_file_that_is_not_text_or_cannot_be_read_is_named(tmp_path):
    binary = tmp_path / "settings.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UserError, match="settings.json: not a text file"):
        runfiles.read_settings_values(binary)
    with pytest.raises(UserError, match="missing.csv: cannot read it"):
        runfiles.read_metrics_rows(tmp_path / "missing.csv")


# ---- model metadata ------------------------------------------------------------------------------------

def rewrite_metadata(model: Path, out: Path, **changes) -> Path:
    """``model`` with metadata entries changed (None: removed) and a valid checksum, as another program
    could write it."""
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    from catdog_gui.core import modelfile

    with safe_open(str(model), framework="pt") as handle:
        metadata = dict(handle.metadata())
    for name, value in changes.items():
        if value is None:
            metadata.pop(name)
        else:
            metadata[name] = value
    tensors = load_file(str(model))
    metadata["sha256"] = modelfile._digest(tensors, metadata)
    save_file(tensors, str(out), metadata=metadata)
    return out


BAD_METADATA = {
    "classes a text": ({"classes": json.dumps("cats")}, ["classes must be"]),
    "head a list": ({"head": json.dumps([16])}, ["'head' must be an object"]),
    "head without hidden": ({"head": json.dumps({"dropout_before": 0.5})}, ["'head' must be an object"]),
    "head dropout a text": ({"head": json.dumps({"hidden": 16, "dropout_before": "half"})}, ["head sizes"]),
    "mean a text": ({"mean": json.dumps("abc")}, ["'mean' must be a list of three finite numbers"]),
    "std an object": ({"std": json.dumps({"r": 1})}, ["'std' must be a list of three finite numbers"]),
    "image size a word": ({"image_size": "large"}, ["'image_size' must be a whole number", "'large'"]),
    "metrics a list": ({"metrics": json.dumps([1, 2])}, ["metrics must map"]),
    "metrics not JSON": ({"metrics": "{oops"}, ["'metrics' is not JSON"]),
    "no head": ({"head": None}, ["no 'head' entry"]),
}


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    return write_model_file(tmp_path_factory.mktemp("model") / "model.safetensors", ["cats", "dogs"], seed=1)


@pytest.mark.parametrize("case", list(BAD_METADATA))
def test_bad_model_metadata_says_the_file_and_what_is_wrong(model_file, tmp_path, case):
    from catdog_gui.core.modelfile import read_info

    changes, words = BAD_METADATA[case]
    bad = rewrite_metadata(model_file, tmp_path / "bad.safetensors", **changes)
    with pytest.raises(ModelFileError) as caught:
        read_info(bad)
    message = str(caught.value)
    assert message.startswith(f"{bad}: invalid metadata (") and "Error:" not in message
    for word in words:
        assert word in message


# ---- the command line ----------------------------------------------------------------------------------

def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and out.strip() == ""
    (line,) = err.strip().splitlines()
    assert line.startswith("catdog-gui: ")
    for word in words:
        assert word in line, line


def damaged_run(runs: Path, settings_text: str, name: str = "20261201-090000-scratch") -> Path:
    run = runs / name
    run.mkdir(parents=True)
    (run / "settings.json").write_text(settings_text)
    (run / "checkpoint.pt").write_bytes(b"")  # unfinished: resume reads its settings first
    return run


@pytest.mark.parametrize("case", ["a list", "no data", "epochs a text", "augmentation value"])
def test_resume_of_a_run_with_damaged_settings_exits_2_naming_the_file(capsys, tmp_path, case):
    text, words = BAD_SETTINGS[case]
    run = damaged_run(tmp_path / "runs", text)
    code, out, err = run_cli(capsys, "train", "--resume", run, "--json")
    assert_refused(code, out, err, str(run / "settings.json"), *words)


@pytest.mark.parametrize("case", ["a list", "data a number", "epochs a fraction", "augmentation a list"])
def test_train_with_a_damaged_settings_file_exits_2_naming_it(capsys, tmp_path, case):
    text, words = BAD_SETTINGS[case]
    file = tmp_path / "mine.json"
    file.write_text(text)
    code, out, err = run_cli(capsys, "train", "--settings", file, "--runs-dir", tmp_path / "runs", "--json")
    assert_refused(code, out, err, f"--settings {file}", *words)
    assert not (tmp_path / "runs").exists()


@pytest.mark.parametrize("command", ["evaluate", "predict", "export"])
@pytest.mark.parametrize("case", ["head a list", "metrics a list", "image size a word"])
def test_commands_given_a_model_with_damaged_metadata_exit_2_naming_it(capsys, model_file, tmp_path, command, case):
    changes, words = BAD_METADATA[case]
    bad = rewrite_metadata(model_file, tmp_path / "bad.safetensors", **changes)
    data = write_lecture_dataset(tmp_path / "data", (1, 1, 1))
    args = {"evaluate": [bad, data], "predict": [bad, data], "export": [bad, "--format", "onnx", tmp_path / "m.onnx"]}
    code, out, err = run_cli(capsys, command, *args[command], "--json")
    assert_refused(code, out, err, str(bad), "invalid metadata", *words)


# ---- the Runs step -------------------------------------------------------------------------------------

def good_run(runs: Path, name: str = "20261201-080000-scratch") -> Path:
    run = runs / name
    run.mkdir(parents=True)
    (run / "settings.json").write_text(json.dumps(GOOD_SETTINGS))
    (run / "metrics.csv").write_text(GOOD_METRICS)
    return run


def test_the_runs_step_lists_damaged_folders_as_damaged_beside_the_good_ones(tmp_path, model_file):
    from catdog_gui.gui.runs_panel import scan_runs

    runs = tmp_path / "runs"
    good_run(runs)
    damaged_run(runs, BAD_SETTINGS["a list"][0], "20261201-090000-scratch")
    (good_run(runs, "20261201-100000-scratch") / "metrics.csv").write_text(BAD_METRICS["a text for a number"][0])
    rewrite_metadata(model_file, good_run(runs, "20261201-110000-scratch") / "best.safetensors",
                     metrics=json.dumps([1, 2]))
    (good_run(runs, "20261201-120000-scratch") / "best.safetensors").write_bytes(b"\x05")

    listed = {run.path.name: run for run in scan_runs(runs)}
    assert len(listed) == 5
    good = listed["20261201-080000-scratch"]
    assert good.damaged == "" and good.epochs == 2 and good.best_val == 0.75 and good.strategy == "scratch"
    assert listed["20261201-090000-scratch"].damaged.startswith("settings.json: not the settings of a run")
    bad_metrics = listed["20261201-100000-scratch"]
    assert bad_metrics.damaged == "metrics.csv line 2: 'val_accuracy' is the text 'abc', not a number"
    assert bad_metrics.epochs == 0 and bad_metrics.strategy == "scratch"  # the good settings still shown
    assert listed["20261201-110000-scratch"].damaged.startswith("best.safetensors: invalid metadata (metrics")
    assert listed["20261201-120000-scratch"].damaged.startswith("best.safetensors: not a model file")


def test_the_runs_table_says_damaged_and_why(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    from catdog_gui.core.paths import default_runs_dir
    from catdog_gui.gui.runs_panel import RunsPanel

    runs = default_runs_dir()  # the test's own (see conftest.private_dirs)
    good_run(runs)
    damaged_run(runs, BAD_SETTINGS["epochs a text"][0], "20261201-090000-scratch")
    panel = RunsPanel()
    qtbot.addWidget(panel)
    panel.refresh()
    rows = {panel.table.item(row, 0).data(Qt.ItemDataRole.UserRole): row for row in range(panel.table.rowCount())}
    damaged, good = rows[str(runs / "20261201-090000-scratch")], rows[str(runs / "20261201-080000-scratch")]
    assert panel.table.item(damaged, 3).text().endswith("(damaged)")
    assert "settings.json: wrong type of 'epochs'" in panel.table.item(damaged, 0).toolTip()
    assert "damaged" not in panel.table.item(good, 3).text() and "Damaged" not in panel.table.item(good, 0).toolTip()


def test_continuing_a_run_with_damaged_settings_says_why_in_the_window(window, tmp_path):
    from catdog_gui.core.paths import default_runs_dir

    run = damaged_run(default_runs_dir(), BAD_SETTINGS["epochs a text"][0])
    panel = window.runs_panel
    panel.refresh()
    panel.select_runs([run])
    assert panel.resume_button.isEnabled()  # it has a checkpoint: only its settings are wrong
    panel.resume_button.click()
    assert window.error_box.isVisible()
    assert f"{run / 'settings.json'}: wrong type of 'epochs'" in window.error_box.text()
    assert not window.training_panel.busy
