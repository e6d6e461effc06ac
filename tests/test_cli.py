"""The command line: JSON results, exit statuses, and one-line messages instead of tracebacks."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest

from catdog_gui.cli import main
from catdog_gui.core import datasets
from catdog_gui.core.datasets import load_dataset
from catdog_gui.core.modelfile import read_info

from conftest import lopsided_photo, make_image, write_lecture_dataset, write_model_file

pytestmark = [pytest.mark.filterwarnings("ignore::FutureWarning"),
              pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")]

TRAIN_FAST = ["--strategy", "scratch", "--epochs", "1", "--image-size", "48", "--batch-size", "8", "--device", "cpu",
              "--precision", "fp32"]  # fp32: the run's test accuracy then matches `evaluate` exactly
TRAIN_KEYS = {"run_dir", "model", "best_val_accuracy", "test_accuracy", "seconds", "seconds_per_epoch", "epochs",
              "device", "skipped", "counts", "unused"}
INFO_KEYS = {"layout", "classes", "counts", "unused", "skipped"}
EVALUATE_KEYS = {"accuracy", "per_class", "precision", "recall", "balanced_accuracy", "confusion_matrix", "classes",
                 "misclassified", "skipped", "tta"}


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def last_json(stdout: str) -> dict:
    lines = stdout.strip().splitlines()
    assert lines, "nothing on standard output"
    return json.loads(lines[-1])


def assert_bad_input(code: int, out: str, err: str, *words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("catdog-gui: ")
    for word in words:
        assert word in lines[0], lines[0]
    assert out.strip() == ""


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> SimpleNamespace:
    """One model trained through the CLI (scratch, 1 epoch, 48 px), shared by the tests that need a model."""
    root = tmp_path_factory.mktemp("cli")
    data = write_lecture_dataset(root / "data")
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATDOG_GUI_CACHE", str(root / "cache"))
        patch.setenv("CATDOG_GUI_RUNS", str(root / "runs"))
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["train", str(data), *TRAIN_FAST, "--json", "--runs-dir", str(root / "runs")])
    assert code == 0, err.getvalue()
    result = last_json(out.getvalue())
    return SimpleNamespace(root=root, data=data, result=result, model=Path(result["model"]))


def console_script() -> str:
    script = Path(sys.executable).with_name("catdog-gui")
    if script.exists():
        return str(script)
    found = shutil.which("catdog-gui")
    if not found:
        pytest.skip("the catdog-gui console script is not installed")
    return found


# ---- train -----------------------------------------------------------------------------------------------

def test_train_json_reports_the_run(capsys, tiny_dataset, tmp_path):
    runs = tmp_path / "my-runs"
    code, out, err = run_cli(capsys, "train", tiny_dataset, *TRAIN_FAST, "--json", "--runs-dir", runs)
    assert code == 0, err
    assert "Traceback" not in err
    result = last_json(out)
    assert TRAIN_KEYS <= set(result)
    run_dir = Path(result["run_dir"])
    assert run_dir.parent == runs and run_dir.is_dir()
    assert Path(result["model"]) == run_dir / "best.safetensors"
    info, _ = read_info(result["model"])
    assert info.classes == ["cats", "dogs"] and info.image_size == 48 and info.recipe == "scratch"
    assert result["epochs"] == 1
    assert 0 <= result["best_val_accuracy"] <= 1 and 0 <= result["test_accuracy"] <= 1
    assert result["seconds"] > 0 and result["seconds_per_epoch"] >= 0
    assert isinstance(result["device"], str) and result["device"]
    assert result["skipped"] == []
    assert result["counts"] == {s: {"cats": n, "dogs": n} for s, n in (("train", 8), ("validation", 4), ("test", 4))}
    assert result["unused"] == {"counts": {}, "total": 0, "reason": ""}
    assert json.loads((run_dir / "settings.json").read_text())["subset"] == "all"
    assert "Run folder" in err


def test_train_with_the_lecture_subset_uses_it_and_says_what_is_set_aside(capsys, tiny_dataset, tmp_path,
                                                                          monkeypatch):
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (5, 4, 3))  # tiny_dataset has 8, 4 and 4 per class
    code, out, err = run_cli(capsys, "train", tiny_dataset, *TRAIN_FAST, "--subset", "lecture", "--json",
                             "--runs-dir", tmp_path / "runs")
    assert code == 0, err
    result = last_json(out)
    assert result["counts"] == {s: {"cats": n, "dogs": n} for s, n in (("train", 5), ("validation", 4), ("test", 3))}
    assert result["unused"]["counts"] == {"train": {"cats": 3, "dogs": 3}, "test": {"cats": 1, "dogs": 1}}
    assert result["unused"]["total"] == 8
    assert "lecture's subset uses 5 train" in result["unused"]["reason"]
    settings = json.loads((Path(result["run_dir"]) / "settings.json").read_text())
    assert settings["subset"] == "lecture"
    assert "8 usable photos were set aside" in err


def test_settings_json_without_a_subset_still_loads_and_a_wrong_subset_is_refused():
    from catdog_gui.core.errors import UserError
    from catdog_gui.core.recipes import Settings, resolve_settings

    old = json.loads(Settings(data="photos").to_json())
    del old["subset"]  # as written before the subset existed
    assert Settings.from_json(json.dumps(old)).subset == "all"
    with pytest.raises(UserError, match="subset must be one of all, lecture"):
        resolve_settings("photos", "scratch", subset="half")


# ---- train --settings FILE -------------------------------------------------------------------------------

def write_settings(path: Path, data, **values) -> Path:
    from catdog_gui.core.recipes import resolve_settings

    path.write_text(resolve_settings(str(data), "scratch", **values).to_json())
    return path


def test_train_from_a_settings_file_needs_no_data_and_options_given_override_it(capsys, tiny_dataset, tmp_path):
    import dataclasses

    from catdog_gui.core.recipes import Settings

    file = write_settings(tmp_path / "settings.json", tiny_dataset, epochs=3, image_size=48, batch_size=8, seed=3,
                          lr=1e-3, device="cpu", precision="fp32")
    code, out, err = run_cli(capsys, "train", "--settings", file, "--epochs", 1, "--json", "--runs-dir",
                             tmp_path / "runs")
    assert code == 0, err
    result = last_json(out)
    assert result["epochs"] == 1
    written = Settings.from_json((Path(result["run_dir"]) / "settings.json").read_text())
    # The file's values with the option given on top; the options' defaults (device auto...) override nothing.
    assert written == dataclasses.replace(Settings.from_json(file.read_text()), epochs=1)
    assert (written.device, written.precision, written.seed, written.data) == ("cpu", "fp32", 3, str(tiny_dataset))


def test_data_and_other_options_given_override_the_settings_file(tmp_path):
    import dataclasses

    from catdog_gui.cli import _new_run_settings, build_parser
    from catdog_gui.core.preprocessing import Augmentation
    from catdog_gui.core.recipes import Settings, resolve_settings

    file = write_settings(tmp_path / "settings.json", tmp_path / "photos", epochs=7, device="cpu", subset="lecture",
                          augmentation=Augmentation.lecture())
    in_file = Settings.from_json(file.read_text())

    def settings(*args):
        return _new_run_settings(build_parser().parse_args(["train", *map(str, args)]))

    assert settings("--settings", file) == in_file
    assert settings(tmp_path / "other", "--settings", file, "--epochs", 3, "--no-augmentation", "--device", "auto",
                    "--subset", "all") == dataclasses.replace(in_file, data=str(tmp_path / "other"), epochs=3,
                                                              augmentation=Augmentation(), device="auto", subset="all")
    # Another strategy keeps the file's values and takes the new recipe's (of the file's preset) only for
    # what the file lacks.
    tuned = settings("--settings", file, "--strategy", "fine-tuning", "--backbone", "efficientnet-lite0")
    assert tuned.strategy == "fine-tuning" and tuned.epochs == 7
    assert in_file.preset == "recommended" and tuned.fine_tune_lr == resolve_settings("x", "fine-tuning").fine_tune_lr
    lecture = write_settings(tmp_path / "lecture.json", tmp_path / "photos", preset="lecture")
    lecture_tuned = settings("--settings", lecture, "--strategy", "fine-tuning", "--backbone", "efficientnet-lite0")
    assert lecture_tuned.fine_tune_lr == 1e-5


BAD_SETTINGS = {
    "missing": (None, "cannot read it"),
    "not JSON": ("{epochs: 3", "not JSON"),
    "a list": ("[1, 2]", "not the settings of a run"),
    "no data": ('{"epochs": 3}', "not the settings of a run"),
    "unknown key": ('{"data": "photos", "speed": "fast"}', "speed"),
    "wrong type": ('{"data": "photos", "strategy": "scratch", "epochs": "ten"}', "wrong type"),
    "bad value": ('{"data": "photos", "strategy": "scratch", "epochs": 0}', "epochs must be between"),
}


@pytest.mark.parametrize("gpus", [[], ["--gpus", "2"]], ids=["one process", "--gpus"])
@pytest.mark.parametrize("case", list(BAD_SETTINGS))
def test_a_bad_settings_file_exits_2_with_one_line(capsys, tmp_path, case, gpus):
    text, words = BAD_SETTINGS[case]
    file = tmp_path / "settings.json"
    if text is not None:
        file.write_text(text)
    runs = tmp_path / "runs"
    code, out, err = run_cli(capsys, "train", "--settings", file, *gpus, "--runs-dir", runs, "--json")
    assert_bad_input(code, out, err, "--settings" if case != "bad value" else "epochs", words)
    assert not runs.exists()


class FakeTorchrun:
    """Stands for the torchrun process that ``train --gpus`` starts; gets SIGTERM while it runs."""

    started: list = []

    def __init__(self, command, **_):
        self.started.append(command)
        self.terminated = False

    def __enter__(self):
        return self

    def __exit__(self, *_):
        return False

    def terminate(self):
        self.terminated = True

    def wait(self):
        import signal

        signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)  # the window's Stop, as the handler gets it
        return 143 if self.terminated else 0


def test_gpus_with_a_settings_file_repeats_it_to_torchrun_and_passes_sigterm_on(tmp_path, monkeypatch):
    import signal
    import subprocess as subprocess_module

    import torch

    file = write_settings(tmp_path / "settings.json", tmp_path / "photos")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(subprocess_module, "Popen", FakeTorchrun)
    monkeypatch.setattr(FakeTorchrun, "started", [])
    handler = signal.getsignal(signal.SIGTERM)
    assert main(["train", "--settings", str(file), "--gpus", "2", "--runs-dir", str(tmp_path / "runs")]) == 143
    assert signal.getsignal(signal.SIGTERM) is handler  # put back
    [command] = FakeTorchrun.started
    assert command[:6] == [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc-per-node=2", "-m"]
    assert command[6:] == ["catdog_gui", "train", "--settings", str(file), "--runs-dir", str(tmp_path / "runs")]


def test_gpus_refuses_a_settings_file_that_asks_for_the_cpu(capsys, tmp_path):
    file = write_settings(tmp_path / "settings.json", tmp_path / "photos", device="cpu")
    code, out, err = run_cli(capsys, "train", "--settings", file, "--gpus", "2")
    assert_bad_input(code, out, err, "asks for device 'cpu'")


# ---- info --------------------------------------------------------------------------------------------------

def test_info_json_gives_layout_classes_counts_set_aside_and_skipped(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (4, 2, 2))
    flat = tmp_path / "kaggle"
    for i in range(10):
        make_image(flat / f"cat.{i}.png", 0, seed=i, size=8)
    for i in range(12):
        make_image(flat / f"dog.{i}.png", 1, seed=100 + i, size=8)
    (flat / "notes.txt").write_text("x")

    code, out, err = run_cli(capsys, "info", flat, "--json")
    assert code == 0, err
    result = last_json(out)
    assert set(result) == INFO_KEYS
    assert result["layout"] == "flat" and result["classes"] == ["cat", "dog"]
    assert result["counts"] == {"train": {"cat": 6, "dog": 8}, "validation": {"cat": 2, "dog": 2},
                                "test": {"cat": 2, "dog": 2}}  # every photo, 70/15/15
    assert result["unused"] == {"counts": {}, "total": 0, "reason": ""}
    assert [(Path(s["path"]).name, bool(s["reason"])) for s in result["skipped"]] == [("notes.txt", True)]

    code, out, err = run_cli(capsys, "info", flat, "--subset", "lecture", "--seed", 3, "--json")
    assert code == 0, err
    result = last_json(out)
    assert result["counts"] == {s: {"cat": n, "dog": n} for s, n in (("train", 4), ("validation", 2), ("test", 2))}
    assert result["unused"] == {
        "counts": {"unsplit": {"cat": 2, "dog": 4}},
        "total": 6,
        "reason": "set aside: the lecture's subset uses 4 train, 2 validation and 2 test photos per class",
    }

    code, out, err = run_cli(capsys, "info", flat, "--subset", "lecture")
    assert code == 0, err
    assert "Layout: flat" in out and "train: cat 4, dog 4" in out
    assert "6 photos set aside: the lecture's subset" in out and "notes.txt" in out


def test_train_lists_skipped_files(capsys, tmp_path):
    data = write_lecture_dataset(tmp_path / "data", per_split=(2, 1, 0))
    (data / "train" / "cats" / "notes.txt").write_text("not a photo")
    code, out, err = run_cli(capsys, "train", data, *TRAIN_FAST, "--json", "--runs-dir", tmp_path / "runs")
    assert code == 0, err
    result = last_json(out)
    assert [Path(s["path"]).name for s in result["skipped"]] == ["notes.txt"]
    assert result["skipped"][0]["reason"]
    assert result["test_accuracy"] is None  # no test/ folder
    assert "notes.txt" in err


# ---- evaluate, predict, export -----------------------------------------------------------------------

def test_evaluate_json(capsys, trained):
    code, out, err = run_cli(capsys, "evaluate", trained.model, trained.data, "--device", "cpu", "--json")
    assert code == 0, err
    result = last_json(out)
    assert set(result) == EVALUATE_KEYS
    assert result["classes"] == ["cats", "dogs"]
    matrix = result["confusion_matrix"]
    assert sum(map(sum, matrix)) == 8  # the test split: 4 + 4
    assert result["accuracy"] == pytest.approx((matrix[0][0] + matrix[1][1]) / 8)
    assert result["accuracy"] == pytest.approx(trained.result["test_accuracy"])
    assert set(result["per_class"]) == {"cats", "dogs"}
    assert result["recall"] == result["per_class"]
    assert result["precision"]["cats"] == pytest.approx(matrix[0][0] / (matrix[0][0] + matrix[1][0])
                                                        if matrix[0][0] + matrix[1][0] else 0.0)
    assert result["balanced_accuracy"] == pytest.approx(sum(result["recall"].values()) / 2)
    assert len(result["misclassified"]) == 8 - matrix[0][0] - matrix[1][1]
    assert result["skipped"] == []
    assert result["tta"] is False
    assert "Accuracy:" in err and "Balanced accuracy" in err and "precision" in err


def test_evaluate_without_json_prints_nothing_on_stdout(capsys, trained):
    code, out, err = run_cli(capsys, "evaluate", trained.model, trained.data)
    assert code == 0 and out == ""
    assert "Accuracy:" in err and "cats:" in err


def test_predict_json(capsys, trained, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    missing = tmp_path / "missing.jpg"
    folder = trained.data / "test"
    code, out, err = run_cli(capsys, "predict", trained.model, folder, notes, missing, "--json")
    assert code == 0, err
    result = last_json(out)
    assert set(result) == {"predictions", "skipped", "tta"} and result["tta"] is False
    assert len(result["predictions"]) == 8
    for prediction in result["predictions"]:
        assert set(prediction) == {"path", "label", "probability", "probabilities"}
        assert Path(prediction["path"]).is_file()
        assert set(prediction["probabilities"]) == {"cats", "dogs"}
        assert sum(prediction["probabilities"].values()) == pytest.approx(1.0, abs=1e-6)
        assert prediction["label"] == max(prediction["probabilities"], key=prediction["probabilities"].get)
        assert prediction["probability"] == prediction["probabilities"][prediction["label"]]
    reasons = {Path(s["path"]).name: s["reason"] for s in result["skipped"]}
    assert set(reasons) == {"notes.txt", "missing.jpg"}
    assert reasons["missing.jpg"] == "file not found"


def test_tta_is_asked_for_on_evaluate_and_predict_and_said_in_the_json(capsys, trained, tmp_path):
    from PIL import Image

    code, out, err = run_cli(capsys, "evaluate", trained.model, trained.data, "--tta", "--json")
    assert code == 0, err
    evaluated = last_json(out)
    assert set(evaluated) == EVALUATE_KEYS and evaluated["tta"] is True
    assert sum(map(sum, evaluated["confusion_matrix"])) == 8
    assert "mirrored" in err

    # A model that tells left from right clearly (the one trained here barely tells anything apart yet).
    model = write_model_file(tmp_path / "model.safetensors", ["cats", "dogs"], seed=0)
    photo = lopsided_photo(tmp_path / "photo.png")
    mirror = tmp_path / "mirror.png"
    Image.open(photo).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirror)
    code, out, err = run_cli(capsys, "predict", model, photo, mirror, "--json")
    assert code == 0, err
    plain = last_json(out)
    assert plain["tta"] is False
    code, out, err = run_cli(capsys, "predict", model, photo, "--tta", "--json")
    assert code == 0, err
    mirrored = last_json(out)
    assert mirrored["tta"] is True
    (as_is, flipped), (with_tta,) = plain["predictions"], mirrored["predictions"]
    assert abs(as_is["probabilities"]["cats"] - flipped["probabilities"]["cats"]) > 0.01
    assert with_tta["probabilities"] == pytest.approx(
        {c: (as_is["probabilities"][c] + flipped["probabilities"][c]) / 2 for c in ("cats", "dogs")}, abs=1e-6)


def test_tta_is_explained_in_the_help(capsys):
    for command in ("evaluate", "predict"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "mirror image" in capsys.readouterr().out


def test_predict_without_json_prints_one_line_per_photo(capsys, trained):
    photos = sorted((trained.data / "test" / "dogs").iterdir())
    code, out, err = run_cli(capsys, "predict", trained.model, *photos)
    assert code == 0, err
    lines = out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == [str(p) for p in photos]
    for line in lines:
        path, label, probability = line.split("\t")
        assert label in ("cats", "dogs") and 0.5 <= float(probability) <= 1


@pytest.mark.parametrize("fmt, name", [("onnx", "model.onnx"), ("torchscript", "model.pt")])
def test_export_writes_a_file(capsys, trained, tmp_path, fmt, name):
    out_path = tmp_path / "exports" / name
    code, out, err = run_cli(capsys, "export", trained.model, "--format", fmt, out_path, "--json")
    assert code == 0, err
    assert last_json(out) == {"out": str(out_path), "format": fmt}
    assert out_path.is_file() and out_path.stat().st_size > 1000
    assert sorted(p.name for p in out_path.parent.iterdir()) == [name]
    if fmt == "onnx":
        ort = pytest.importorskip("onnxruntime")
        import numpy as np

        session = ort.InferenceSession(str(out_path), providers=["CPUExecutionProvider"])
        (probs,) = session.run(None, {"image": np.zeros((3, 3, 48, 48), np.float32)})
        assert probs.shape == (3, 2)


def test_export_format_is_required_and_checked(capsys, trained, tmp_path):
    with pytest.raises(SystemExit) as caught:
        main(["export", str(trained.model), "--format", "tflite", str(tmp_path / "m")])
    assert caught.value.code == 2
    assert not (tmp_path / "m").exists()
    assert "Traceback" not in capsys.readouterr().err


# ---- split -----------------------------------------------------------------------------------------------

def test_split_lays_a_flat_folder_out_as_train_validation_test(capsys, tmp_path):
    flat = tmp_path / "kaggle"
    for i in range(10):
        make_image(flat / f"cat.{i}.png", 0, seed=i)
        make_image(flat / f"dog.{i}.png", 1, seed=100 + i)
    (flat / "notes.txt").write_text("x")
    make_image(flat / "holiday.png", 0, seed=999)
    out_dir = tmp_path / "split"
    code, out, err = run_cli(capsys, "split", flat, out_dir, "--train", 4, "--validation", 3, "--test", 2, "--json")
    assert code == 0, err
    result = last_json(out)
    expected = {"train": {"cat": 4, "dog": 4}, "validation": {"cat": 3, "dog": 3}, "test": {"cat": 2, "dog": 2}}
    assert result["counts"] == expected
    assert result["out"] == str(out_dir)
    assert {Path(s["path"]).name for s in result["skipped"]} == {"notes.txt", "holiday.png"}

    seen = []
    for split, row in expected.items():
        assert sorted(p.name for p in (out_dir / split).iterdir()) == ["cat", "dog"]
        for name, count in row.items():
            files = sorted(p.name for p in (out_dir / split / name).iterdir())
            assert len(files) == count
            assert all(f.startswith(f"{name}.") for f in files)
            seen += files
    assert len(seen) == len(set(seen)) == 18  # no photo is in two splits
    dataset = load_dataset(out_dir)
    assert dataset.layout == "lecture" and dataset.classes == ["cat", "dog"]
    assert dataset.counts() == expected
    # the originals are untouched
    assert len(list(flat.glob("*.png"))) == 21


def test_split_is_seeded(capsys, tmp_path):
    flat = tmp_path / "kaggle"
    for i in range(8):
        make_image(flat / f"cat.{i}.png", 0, seed=i)
        make_image(flat / f"dog.{i}.png", 1, seed=50 + i)

    def layout(out_dir, seed):
        code, _, err = run_cli(capsys, "split", flat, out_dir, "--train", 3, "--validation", 2, "--test", 2,
                               "--seed", seed)
        assert code == 0, err
        return sorted(str(p.relative_to(out_dir)) for p in out_dir.rglob("*.png"))

    assert layout(tmp_path / "a", 1) == layout(tmp_path / "b", 1)
    assert layout(tmp_path / "a2", 1) != layout(tmp_path / "c", 2)


# ---- bad input: exit 2 and one line, never a traceback --------------------------------------------------

def _one_class(tmp_path):
    data = tmp_path / "one"
    for split in ("train", "validation"):
        for i in range(3):
            make_image(data / split / "cats" / f"{i}.png", 0, seed=i)
    return data


def _not_a_model(tmp_path):
    fake = tmp_path / "model.safetensors"
    fake.write_text("this is not a model")
    return fake


def _mismatched_model(tmp_path, trained):
    """A model whose metadata names three classes for a two-output head (checksum still valid)."""
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file

    with safe_open(str(trained.model), framework="pt") as handle:
        meta = dict(handle.metadata())
    from catdog_gui.core import modelfile

    meta["classes"] = json.dumps(["cats", "dogs", "birds"])
    tensors = load_file(str(trained.model))
    meta["sha256"] = modelfile._digest(tensors, meta)
    path = tmp_path / "three.safetensors"
    save_file(tensors, str(path), metadata=meta)
    return path


def _full_folder(tmp_path):
    folder = tmp_path / "full"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    return folder


BAD_INPUT = {
    "missing data folder": (lambda t, m: ["train", t / "nope", *TRAIN_FAST], "not a folder"),
    "one class": (lambda t, m: ["train", _one_class(t), *TRAIN_FAST], "two classes"),
    "epochs 0": (lambda t, m: ["train", write_lecture_dataset(t / "d", (1, 1, 0)), "--strategy", "scratch",
                               "--epochs", "0"], "epochs"),
    "image size 10": (lambda t, m: ["train", t, "--strategy", "scratch", "--image-size", "10"], "image size"),
    "backbone for scratch": (lambda t, m: ["train", t, "--strategy", "scratch", "--backbone", "vgg16"], "backbone"),
    "evaluate non-model": (lambda t, m: ["evaluate", _not_a_model(t), m.data], "not a model file"),
    "predict non-model": (lambda t, m: ["predict", _not_a_model(t), m.data], "not a model file"),
    "export non-model": (lambda t, m: ["export", _not_a_model(t), "--format", "onnx", t / "x.onnx"],
                         "not a model file"),
    "missing model": (lambda t, m: ["predict", t / "missing.safetensors", m.data], "no such model file"),
    "mismatched model": (lambda t, m: ["evaluate", _mismatched_model(t, m), m.data], "do not fit"),
    "evaluate unknown class": (lambda t, m: ["evaluate", m.model, write_lecture_dataset(
        t / "d", (1, 1, 1), classes=("cats", "horses"))], "horses"),
    "evaluate missing folder": (lambda t, m: ["evaluate", m.model, t / "nope"], "not a folder"),
    "split too few": (lambda t, m: ["split", m.data / "train", t / "out", "--train", 50], "fewer"),
    "split into full folder": (lambda t, m: ["split", m.data / "train", _full_folder(t), "--train", 2,
                                             "--validation", 1, "--test", 1], "not empty"),
    "lecture subset of a small folder": (lambda t, m: ["train", m.data / "train", *TRAIN_FAST, "--subset", "lecture"],
                                         "class 'cats' has 8 usable images, fewer than the 2000 the lecture's subset"),
    "info missing folder": (lambda t, m: ["info", t / "nope"], "not a folder"),
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_exits_2_with_one_line_and_no_traceback(capsys, trained, tmp_path, case):
    make_args, words = BAD_INPUT[case]
    args = make_args(tmp_path, trained)
    capsys.readouterr()
    runs = tmp_path / "runs"
    if args[0] == "train":
        args += ["--runs-dir", runs, "--json"]
    else:
        args += ["--json"]
    code, out, err = run_cli(capsys, *args)
    assert_bad_input(code, out, err, words)
    assert not runs.exists() or not any(runs.iterdir())  # a refused run leaves no run folder behind


# ---- the real console script -----------------------------------------------------------------------------

def test_console_script_predicts_and_refuses_bad_input(trained, tmp_path):
    script = console_script()
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    photo = next((trained.data / "test" / "cats").iterdir())
    done = subprocess.run([script, "predict", str(trained.model), str(photo), "--json"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = last_json(done.stdout)
    assert [p["path"] for p in result["predictions"]] == [str(photo)]
    assert result["skipped"] == []

    refused = subprocess.run([script, "train", str(tmp_path / "no-such-folder"), "--strategy", "scratch"],
                             capture_output=True, text=True, env=env, timeout=120)
    assert_bad_input(refused.returncode, refused.stdout, refused.stderr, "not a folder")


def test_train_takes_the_preset_and_the_training_options(tmp_path):
    from catdog_gui.cli import _new_run_settings, build_parser
    from catdog_gui.core.recipes import resolve_settings

    def settings(*args):
        return _new_run_settings(build_parser().parse_args(["train", str(tmp_path), *args]))

    assert settings() == resolve_settings(str(tmp_path), "feature-extraction")  # recommended by default
    assert settings("--preset", "lecture") == resolve_settings(str(tmp_path), "feature-extraction", preset="lecture")
    chosen = settings("--preset", "lecture", "--optimizer", "adamw", "--weight-decay", "0.01", "--label-smoothing",
                      "0.2", "--schedule", "cosine", "--monitor", "loss", "--class-weights", "off")
    assert (chosen.preset, chosen.optimizer, chosen.weight_decay, chosen.label_smoothing, chosen.schedule,
            chosen.monitor, chosen.class_weights) == ("lecture", "adamw", 0.01, 0.2, "cosine", "loss", "off")
    assert chosen.lr == 2e-5  # the lecture's, not overridden
    help_text = build_parser()._subparsers._group_actions[0].choices["train"].format_help()
    for option in ("--preset", "--optimizer", "--weight-decay", "--label-smoothing", "--schedule", "--monitor",
                   "--class-weights"):
        assert option in help_text
