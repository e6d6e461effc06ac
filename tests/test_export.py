"""Exports: ONNX and TorchScript give the saved model's probabilities and carry its metadata."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from catdog_gui.core.errors import ModelFileError, UserError
from catdog_gui.core.export import FORMATS, export_model
from catdog_gui.core.images import load_pixels
from catdog_gui.core.modelfile import load_model, model_info, save_model
from catdog_gui.core.models import SCRATCH, HeadSpec, build_classifier, probabilities
from catdog_gui.core.prediction import Predictor

from conftest import make_image

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

pytestmark = [pytest.mark.filterwarnings("ignore::FutureWarning"),
              pytest.mark.filterwarnings("ignore::torch.jit.TracerWarning")]

CLASS_SETS = {2: ["cats", "dogs"], 3: ["cat", "dog", "horse"]}


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> dict[int, Path]:
    """A 2-class (sigmoid) and a 3-class (softmax) model file with outputs well away from uniform."""
    folder = tmp_path_factory.mktemp("models")
    paths = {}
    for n, classes in CLASS_SETS.items():
        torch.manual_seed(n)
        model = build_classifier(SCRATCH, n, HeadSpec(16), 48).eval()
        with torch.no_grad():
            for parameter in model.head.parameters():
                parameter.mul_(8)
        paths[n] = save_model(folder / f"model{n}.safetensors", model,
                              model_info(model, classes, 48, SCRATCH, HeadSpec(16), "scratch"))
    return paths


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> list[Path]:
    folder = tmp_path_factory.mktemp("photos")
    return [make_image(folder / f"{i}.png", i % 2, seed=100 + i, size=40 + 9 * i) for i in range(5)]


@pytest.fixture(scope="module")
def batch(photos) -> torch.Tensor:
    """Five real photos through the app's resize plus two random images: float NCHW in [0, 1]."""
    pixels = np.stack([load_pixels(p, 48) for p in photos])
    real = torch.from_numpy(pixels).permute(0, 3, 1, 2).float() / 255
    return torch.cat([real, torch.rand(2, 3, 48, 48, generator=torch.Generator().manual_seed(7))])


def reference(model_path: Path, x: torch.Tensor) -> np.ndarray:
    model, _ = load_model(model_path)
    with torch.no_grad():
        return probabilities(model(x)).numpy()


@pytest.fixture(scope="module")
def onnx_files(models, tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("onnx")
    return {n: export_model(path, "onnx", folder / f"model{n}.onnx") for n, path in models.items()}


@pytest.fixture(scope="module")
def torchscript_files(models, tmp_path_factory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("torchscript")
    return {n: export_model(path, "torchscript", folder / f"model{n}.pt") for n, path in models.items()}


@pytest.mark.parametrize("n", [2, 3])
def test_onnx_gives_the_models_probabilities_for_a_batch(models, onnx_files, batch, n):
    expected = reference(models[n], batch)
    assert expected.shape == (len(batch), n)
    assert np.ptp(expected[:, 0]) > 1e-4, "the test model should not give every image the same output"
    session = ort.InferenceSession(str(onnx_files[n]), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["image"]
    (got,) = session.run(None, {"image": batch.numpy()})
    assert got.shape == (len(batch), n)
    np.testing.assert_allclose(got, expected, atol=1e-4, rtol=0)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-5)
    # the batch size is free: one image at a time gives the same rows
    (single,) = session.run(None, {"image": batch[3:4].numpy()})
    np.testing.assert_allclose(single, expected[3:4], atol=1e-4, rtol=0)


@pytest.mark.parametrize("n", [2, 3])
def test_onnx_file_names_the_classes_and_input_size(onnx_files, n):
    proto = onnx.load(str(onnx_files[n]))
    onnx.checker.check_model(proto)
    meta = {entry.key: entry.value for entry in proto.metadata_props}
    assert json.loads(meta["classes"]) == CLASS_SETS[n]
    assert int(meta["image_size"]) == 48
    assert json.loads(meta["normalisation_mean"]) == [0.0, 0.0, 0.0]
    assert json.loads(meta["normalisation_std"]) == [1.0, 1.0, 1.0]
    assert meta["backbone"] == SCRATCH
    session = ort.InferenceSession(str(onnx_files[n]), providers=["CPUExecutionProvider"])
    assert json.loads(session.get_modelmeta().custom_metadata_map["classes"]) == CLASS_SETS[n]


@pytest.mark.parametrize("n", [2, 3])
def test_torchscript_gives_the_models_probabilities_and_carries_metadata(models, torchscript_files, batch, n):
    extra = {"metadata.json": ""}
    scripted = torch.jit.load(str(torchscript_files[n]), map_location="cpu", _extra_files=extra)
    meta = json.loads(extra["metadata.json"])
    assert json.loads(meta["classes"]) == CLASS_SETS[n]
    assert int(meta["image_size"]) == 48
    with torch.no_grad():
        got = scripted(batch).numpy()
    expected = reference(models[n], batch)
    assert got.shape == (len(batch), n)
    np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0)


def test_exports_agree_with_the_predictor_on_photo_files(models, onnx_files, photos, batch):
    predictor = Predictor(models[3], device="cpu")
    predictions, skipped = predictor.predict_paths(photos)
    assert not skipped
    session = ort.InferenceSession(str(onnx_files[3]), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"image": batch[:len(photos)].numpy()})
    for prediction, row in zip(predictions, got):
        assert [prediction.probabilities[c] for c in CLASS_SETS[3]] == pytest.approx(row.tolist(), abs=1e-4)
        assert prediction.label == CLASS_SETS[3][int(row.argmax())]


def test_unknown_format_is_a_user_error_and_writes_nothing(models, tmp_path):
    out = tmp_path / "model.tflite"
    with pytest.raises(UserError) as caught:
        export_model(models[2], "tflite", out)
    message = str(caught.value)
    assert "tflite" in message
    assert all(fmt in message for fmt in FORMATS)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_exporting_a_file_that_is_not_a_model_is_refused(tmp_path, fmt):
    fake = tmp_path / "fake.safetensors"
    fake.write_text("not a model")
    with pytest.raises(ModelFileError):
        export_model(fake, fmt, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.safetensors"]


def test_export_replaces_an_old_file_atomically_and_creates_folders(models, tmp_path):
    out = tmp_path / "new" / "folder" / "model.onnx"
    out.parent.mkdir(parents=True)
    out.write_bytes(b"an old export")
    assert export_model(models[2], "onnx", out) == out
    onnx.checker.check_model(onnx.load(str(out)))
    assert [p.name for p in out.parent.iterdir()] == ["model.onnx"]
    deeper = tmp_path / "a" / "b" / "model.pt"
    export_model(models[2], "torchscript", deeper)
    assert deeper.is_file() and [p.name for p in deeper.parent.iterdir()] == ["model.pt"]


def test_export_into_a_path_under_a_file_is_a_user_error(models, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError):
        export_model(models[2], "onnx", blocker / "model.onnx")
    assert blocker.read_text() == "x"
