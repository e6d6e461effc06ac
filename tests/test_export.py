"""Exports: ONNX, torch.export (.pt2) and TorchScript give the saved model's probabilities, carry its
metadata, take any batch size, and print no warnings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from catdog_gui.core.errors import ModelFileError, UserError
from catdog_gui.core.export import FORMATS, METADATA_FILE, ONNX_OPSET, SUFFIXES, export_metadata, export_model
from catdog_gui.core.images import load_pixels
from catdog_gui.core.modelfile import load_model, model_info, save_model
from catdog_gui.core.models import SCRATCH, HeadSpec, build_classifier, probabilities
from catdog_gui.core.prediction import Predictor

from conftest import make_image, write_model_file

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

REPO = Path(__file__).resolve().parents[1]
CLASS_SETS = {2: ["cats", "dogs"], 3: ["cat", "dog", "horse"]}
LITE_SIZE = 64  # small, so that exporting the pretrained EfficientNet-Lite0 stays quick
# Loading a TorchScript file is the test's doing, and PyTorch deprecates it with a FutureWarning.
IGNORE_JIT_LOAD = pytest.mark.filterwarnings(r"ignore:`torch\.jit\.load` is deprecated:FutureWarning")


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[int, Path]:
    """A 2-class (sigmoid) and a 3-class (softmax) small CNN with outputs well away from uniform."""
    folder = tmp_path_factory.mktemp("models")
    return {n: write_model_file(folder / f"model{n}.safetensors", classes, seed=n) for n, classes in CLASS_SETS.items()}


@pytest.fixture(scope="module")
def lite_model(tmp_path_factory) -> Path:
    """EfficientNet-Lite0 with its built-in ImageNet weights and a dense head, as feature extraction saves it."""
    from catdog_gui.core.backbones import get_backbone, pretrained_state_dict

    spec = get_backbone("efficientnet-lite0")
    state, _ = pretrained_state_dict(spec)
    torch.manual_seed(0)
    model = build_classifier(spec.name, 2, HeadSpec(16), LITE_SIZE, state).eval()
    with torch.no_grad():
        for parameter in model.head.parameters():
            parameter.mul_(8)
    info = model_info(model, CLASS_SETS[2], LITE_SIZE, spec.name, HeadSpec(16), "feature-extraction")
    return save_model(tmp_path_factory.mktemp("lite") / "lite0.safetensors", model, info)


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("photos")
    return [make_image(folder / f"{i}.png", i % 2, seed=100 + i, size=40 + 9 * i) for i in range(5)]


def photo_batch(photos, size: int) -> torch.Tensor:
    """The photos through the app's resize plus two random images: float NCHW in [0, 1]."""
    pixels = np.stack([load_pixels(p, size) for p in photos])
    real = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255
    return torch.cat([real, torch.rand(2, 3, size, size, generator=torch.Generator().manual_seed(7))])


@pytest.fixture(scope="module")
def batch(photos) -> torch.Tensor:
    return photo_batch(photos, 48)


def reference(model_path: Path, x: torch.Tensor) -> np.ndarray:
    model, _ = load_model(model_path)
    with torch.no_grad():
        expected = probabilities(model(x)).numpy()
    assert np.ptp(expected[:, 0]) > 1e-3, "the test model should not give every image the same output"
    return expected


@pytest.fixture(scope="module")
def exports(models, tmp_path_factory) -> dict[str, dict[int, Path]]:
    """Every format of both small models: ``exports[fmt][classes]``."""
    folder = tmp_path_factory.mktemp("exports")
    return {fmt: {n: export_model(path, fmt, folder / f"model{n}{SUFFIXES[fmt]}") for n, path in models.items()}
            for fmt in FORMATS}


def run_onnx(path: Path, x: torch.Tensor) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"image": x.numpy()})
    return got


def run_pt2(path: Path, x: torch.Tensor) -> np.ndarray:
    module = torch.export.load(str(path)).module()
    with torch.no_grad():
        return module(x).numpy()


def run_torchscript(path: Path, x: torch.Tensor) -> np.ndarray:
    scripted = torch.jit.load(str(path), map_location="cpu")
    with torch.no_grad():
        return scripted(x).numpy()


RUNNERS = {"onnx": run_onnx, "pt2": run_pt2, "torchscript": run_torchscript}


def read_metadata(path: Path, fmt: str) -> dict[str, str]:
    if fmt == "onnx":
        return {entry.key: entry.value for entry in onnx.load(str(path)).metadata_props}
    extra = {METADATA_FILE: ""}
    if fmt == "pt2":
        torch.export.load(str(path), extra_files=extra)
    else:
        torch.jit.load(str(path), map_location="cpu", _extra_files=extra)
    return json.loads(extra[METADATA_FILE])


# ---- the numbers -------------------------------------------------------------------------------------

@IGNORE_JIT_LOAD
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("n", [2, 3])
def test_every_format_gives_the_models_probabilities_for_any_batch_size(models, exports, batch, fmt, n):
    expected = reference(models[n], batch)
    got = RUNNERS[fmt](exports[fmt][n], batch)
    assert got.shape == (len(batch), n)
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-5)
    # the batch size is free: exported with two images, it takes one, or seven
    np.testing.assert_allclose(RUNNERS[fmt](exports[fmt][n], batch[3:4]), expected[3:4], atol=1e-4, rtol=0)


@IGNORE_JIT_LOAD
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_pretrained_efficientnet_lite0_exports_exactly(lite_model, photos, tmp_path, fmt):
    x = photo_batch(photos, LITE_SIZE)
    expected = reference(lite_model, x)
    out = export_model(lite_model, fmt, tmp_path / f"lite0{SUFFIXES[fmt]}")
    np.testing.assert_allclose(RUNNERS[fmt](out, x), expected, atol=1e-4, rtol=0)
    assert json.loads(read_metadata(out, fmt)["normalisation_mean"]) == [0.5, 0.5, 0.5]


def test_onnx_file_is_valid_with_a_named_dynamic_batch_and_the_chosen_opset(exports):
    proto = onnx.load(str(exports["onnx"][3]))
    onnx.checker.check_model(proto)
    assert {entry.domain: entry.version for entry in proto.opset_import}[""] == ONNX_OPSET
    (image,) = proto.graph.input
    assert image.name == "image"
    assert [d.dim_param or d.dim_value for d in image.type.tensor_type.shape.dim] == ["batch", 3, 48, 48]
    assert [o.name for o in proto.graph.output] == ["probabilities"]


def test_exports_agree_with_the_predictor_on_photo_files(models, exports, photos, batch):
    predictor = Predictor(models[3], device="cpu")
    predictions, skipped = predictor.predict_paths(photos)
    assert not skipped
    got = run_onnx(exports["onnx"][3], batch[:len(photos)])
    for prediction, row in zip(predictions, got):
        assert [prediction.probabilities[c] for c in CLASS_SETS[3]] == pytest.approx(row.tolist(), abs=1e-4)
        assert prediction.label == CLASS_SETS[3][int(row.argmax())]


# ---- the metadata ------------------------------------------------------------------------------------

@IGNORE_JIT_LOAD
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("n", [2, 3])
def test_every_format_carries_the_models_metadata(models, exports, fmt, n):
    meta = read_metadata(exports[fmt][n], fmt)
    assert meta == export_metadata(load_model(models[n])[1])
    assert json.loads(meta["classes"]) == CLASS_SETS[n]
    assert int(meta["image_size"]) == 48
    assert json.loads(meta["normalisation_mean"]) == [0.0, 0.0, 0.0]
    assert json.loads(meta["normalisation_std"]) == [1.0, 1.0, 1.0]
    assert meta["backbone"] == SCRATCH


@pytest.mark.parametrize("n", [2, 3])
def test_onnx_runtime_reads_the_class_names(exports, n):
    session = ort.InferenceSession(str(exports["onnx"][n]), providers=["CPUExecutionProvider"])
    assert json.loads(session.get_modelmeta().custom_metadata_map["classes"]) == CLASS_SETS[n]


@pytest.mark.parametrize("fmt", ["pt2", "torchscript"])
def test_pytorch_formats_hold_the_metadata_as_a_plain_file_in_the_archive(exports, fmt):
    """What packaging/smoke_test.py and users without torch can check: a zip with .../extra/metadata.json."""
    names = zipfile.ZipFile(exports[fmt][2]).namelist()
    assert any(name.endswith(f"extra/{METADATA_FILE}") for name in names)


# ---- no warnings ------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_exporting_records_no_warnings_and_leaves_the_warning_filters_alone(models, tmp_path, fmt):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        filters = list(warnings.filters)
        export_model(models[2], fmt, tmp_path / f"model{SUFFIXES[fmt]}")
        assert warnings.filters == filters  # TorchScript's deprecation notice is silenced for our call only
    assert [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught] == []


def test_tracing_the_classifier_for_torchscript_gives_no_tracer_warning():
    """Two classes or more is decided when the model is built, not from a tensor's shape while tracing."""
    from catdog_gui.core.export import ProbabilityModel

    model = build_classifier(SCRATCH, 2, HeadSpec(4), 48).eval()
    assert model.binary and not build_classifier(SCRATCH, 3, HeadSpec(4), 48).binary
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", category=FutureWarning)  # torch.jit's deprecation notice
        with torch.no_grad():
            torch.jit.trace(ProbabilityModel(model).eval(), torch.rand(2, 3, 48, 48))
    assert [str(w.message) for w in caught] == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_export_command_prints_no_warnings(models, tmp_path, fmt):
    out = tmp_path / f"model{SUFFIXES[fmt]}"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}  # as a user runs it
    env["OMP_WAIT_POLICY"] = "PASSIVE"
    done = subprocess.run([sys.executable, "-m", "catdog_gui", "export", str(models[3]), "--format", fmt, str(out)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "warn" not in (done.stdout + done.stderr).lower(), done.stderr
    assert [line for line in done.stderr.splitlines() if str(out) not in line] == [], done.stderr
    assert done.stdout == ""
    assert out.is_file() and out.stat().st_size > 1000


# ---- bad input -----------------------------------------------------------------------------------------

def test_unknown_format_is_a_user_error_and_writes_nothing(models, tmp_path):
    out = tmp_path / "model.tflite"
    with pytest.raises(UserError) as caught:
        export_model(models[2], "tflite", out)
    message = str(caught.value)
    assert "tflite" in message
    assert all(fmt in message for fmt in FORMATS)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_exporting_a_file_that_is_not_a_model_is_refused(tmp_path, fmt):
    fake = tmp_path / "fake.safetensors"
    fake.write_text("not a model")
    with pytest.raises(ModelFileError) as caught:
        export_model(fake, fmt, tmp_path / "out")
    assert str(fake) in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.safetensors"]


def test_onnx_export_without_onnxscript_says_what_to_install(models, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxscript", None)  # makes `import onnxscript` fail
    with pytest.raises(UserError, match="pip install onnxscript"):
        export_model(models[2], "onnx", tmp_path / "model.onnx")
    assert list(tmp_path.iterdir()) == []


@IGNORE_JIT_LOAD
@pytest.mark.parametrize("fmt", FORMATS)
def test_export_replaces_an_old_file_atomically_and_creates_folders(models, tmp_path, fmt, batch):
    out = tmp_path / "new" / f"model{SUFFIXES[fmt]}"
    out.parent.mkdir(parents=True)
    out.write_bytes(b"an old export")
    assert export_model(models[2], fmt, out) == out
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left behind
    np.testing.assert_allclose(RUNNERS[fmt](out, batch), reference(models[2], batch), atol=1e-4, rtol=0)
    deeper = tmp_path / "a" / "b" / f"model{SUFFIXES[fmt]}"
    export_model(models[2], fmt, deeper)
    assert deeper.is_file() and [p.name for p in deeper.parent.iterdir()] == [deeper.name]


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_into_a_path_under_a_file_is_a_user_error(models, tmp_path, fmt):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError) as caught:
        export_model(models[2], fmt, blocker / "model.out")
    assert str(blocker / "model.out") in str(caught.value)
    assert blocker.read_text() == "x"


# ---- the window ----------------------------------------------------------------------------------------

def test_the_window_offers_every_format_and_picks_it_by_suffix_then_by_filter():
    from catdog_gui.gui.main_window import EXPORT_FILTERS, export_format

    assert sorted(EXPORT_FILTERS.values()) == sorted(FORMATS)
    pt2_filter = next(name for name, fmt in EXPORT_FILTERS.items() if fmt == "pt2")
    assert "*.pt2" in pt2_filter
    assert export_format("/x/model.pt2", "ONNX (*.onnx)") == "pt2"  # the name the user typed wins
    assert export_format("/x/model.PT", pt2_filter) == "torchscript"
    assert export_format("/x/model.onnx", pt2_filter) == "onnx"
    assert export_format("/x/model", pt2_filter) == "pt2"
    assert export_format("/x/model", "") == "onnx"


def test_the_window_exports_pt2_chosen_in_its_save_dialog(window, qtbot, models, tmp_path, monkeypatch, batch):
    import catdog_gui.gui.main_window as main_window

    out = tmp_path / "exported"  # no suffix: the chosen filter decides
    offered = []

    def save_dialog(parent, title, suggestion, filters):
        offered.append(filters)
        return str(out), next(name for name, fmt in main_window.EXPORT_FILTERS.items() if fmt == "pt2")

    monkeypatch.setattr(main_window.QFileDialog, "getSaveFileName", staticmethod(save_dialog))
    window._on_export_requested(str(models[2]))
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage(), timeout=120_000)
    assert "*.pt2" in offered[0]
    np.testing.assert_allclose(run_pt2(out, batch), reference(models[2], batch), atol=1e-4, rtol=0)
