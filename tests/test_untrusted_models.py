"""Files from strangers: model files, run checkpoints and weights files that are hostile, damaged or
absurd are refused with a clear message, without running their code or allocating what they claim.

tests/test_modelfile.py covers the model file's own checks (pickles, bit flips, truncation, foreign
safetensors, metadata that does not fit); here are the rest, and the same refusals on the command
line and in the window.
"""

from __future__ import annotations

import json
import pickle
import resource
import struct
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file, save_file

from catdog_gui.cli import main
from catdog_gui.core.backbones import BACKBONES, pretrained_state_dict
from catdog_gui.core.errors import ModelFileError, UserError
from catdog_gui.core.modelfile import MAX_CLASSES, load_model, read_info
from catdog_gui.core.recipes import resolve_settings
from catdog_gui.core.training import EpochDone, Training

from model_fixtures import rewrite


class RunsCode:
    """Unpickling this creates the file ``marker``: proof that the file's code ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def hostile_torch_file(path: Path, marker: Path) -> Path:
    torch.save({"state_dict": {"weight": torch.zeros(2)}, "payload": RunsCode(marker)}, path)
    return path


def refused(path: Path, *words: str) -> str:
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message, message
    return message


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- absurd metadata and weights ---------------------------------------------------------------------

@pytest.mark.parametrize("changes, words", [
    pytest.param({"classes": json.dumps(["cats", "d" * 10_000_000])}, ["1 to 255 characters"], id="huge-name"),
    pytest.param({"classes": json.dumps(["cats", "d" * 256])}, ["1 to 255 characters"], id="long-name"),
    pytest.param({"classes": json.dumps([f"class {i}" for i in range(5000)])}, [f"2 to {MAX_CLASSES}"],
                 id="thousands-of-classes"),
    pytest.param({"metrics": "[" * 100_000 + "]" * 100_000}, ["RecursionError"], id="nested-metrics"),
    pytest.param({"head": '{"hidden": ' + "[" * 50_000 + "]" * 50_000 + "}"}, ["RecursionError"],
                 id="nested-head"),
    pytest.param({"metrics": json.dumps({"val_accuracy": "99 %"})}, ["metrics must map"], id="metric-text"),
    pytest.param({"metrics": '{"val_accuracy": NaN}'}, ["metrics must map"], id="metric-nan"),
    pytest.param({"metrics": json.dumps({f"m{i}": 0.5 for i in range(1000)})}, ["metrics must map"],
                 id="thousand-metrics"),
    pytest.param({"recipe": "r" * 100_000}, ["recipe name"], id="huge-recipe"),
    pytest.param({"image_size": "1e3"}, ["invalid metadata"], id="size-not-an-integer"),
    pytest.param({"image_size": "-1"}, ["image size"], id="negative-size"),
    pytest.param({"backbone": "../../etc/passwd"}, ["unknown backbone"], id="backbone-path"),
])
def test_absurd_metadata_is_refused_quickly(model_file, tmp_path, changes, words):
    edited = rewrite(model_file, tmp_path / "absurd.safetensors", changes)  # with a valid checksum
    started = time.perf_counter()
    message = refused(edited, "invalid metadata", *words)
    assert time.perf_counter() - started < 5
    assert len(message) < 600  # a refusal quotes the file, not its 10 MB of metadata


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_weights_that_are_not_numbers_are_refused(model_file, tmp_path, value):
    def poison(tensors):
        tensors["head.0.weight"][3, 5] = value
        return tensors

    edited = rewrite(model_file, tmp_path / "poisoned.safetensors", edit_tensors=poison)
    refused(edited, "NaN or infinite", "head.0.weight")


def test_a_header_that_claims_more_data_than_the_file_holds_is_refused_without_allocating_it(tmp_path):
    """A 200-byte file describing a 64 GB tensor."""
    header = json.dumps({"weight": {"dtype": "F32", "shape": [4096, 4096, 1024], "data_offsets": [0, 4096 * 4096 * 4096]},
                         "__metadata__": {"format": "catdog-gui-model", "format_version": "1"}}).encode()
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\x00" * 64)
    before = peak_rss_mib()
    refused(path, "not a model file, or damaged/truncated")
    assert peak_rss_mib() - before < 200


@pytest.mark.parametrize("length", [2**63, 2**40, 0])
def test_an_absurd_header_length_is_refused(tmp_path, length):
    path = tmp_path / "header.safetensors"
    path.write_bytes(struct.pack("<Q", length) + b'{"__metadata__": {}}')
    refused(path, "not a model file, or damaged/truncated")


def test_overlapping_tensors_are_refused(tmp_path):
    header = json.dumps({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                         "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}).encode()
    path = tmp_path / "overlap.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\x00" * 24)
    refused(path, "not a model file, or damaged/truncated")


def test_a_safetensors_file_of_another_program_with_our_labels_copied_is_refused(model_file, tmp_path):
    """Another program's network (torchvision's MobileNetV3), then given our metadata and a valid checksum."""
    import torchvision

    from catdog_gui.core import modelfile

    other = torchvision.models.mobilenet_v3_small(weights=None).state_dict()
    foreign = tmp_path / "foreign.safetensors"
    save_file({k: v.contiguous() for k, v in other.items() if v.is_floating_point()}, str(foreign))
    with pytest.raises(ModelFileError, match="not a catdog-gui model"):
        read_info(foreign)
    info, _ = read_info(model_file)
    metadata = info.metadata()
    tensors = load_file(str(foreign))
    metadata["sha256"] = modelfile._digest(tensors, metadata)
    save_file(tensors, str(foreign), metadata=metadata)
    refused(foreign, "do not fit")


# ---- hostile files of every kind the app opens ---------------------------------------------------------

def test_a_hostile_model_file_is_refused_on_the_command_line_without_running_it(capsys, tmp_path, trained_model):
    marker = tmp_path / "ran"
    hostile = hostile_torch_file(tmp_path / "gift.safetensors", marker)
    photo = next((trained_model[1] / "test" / "cats").iterdir())
    for command in (["predict", hostile, photo], ["evaluate", hostile, trained_model[1]],
                    ["export", hostile, "--format", "onnx", tmp_path / "out.onnx"]):
        code = main([str(a) for a in command])
        err = capsys.readouterr().err
        assert code == 2 and err.count("\n") == 1 and "not a model file" in err, err
    assert not marker.exists() and not (tmp_path / "out.onnx").exists()


def test_a_hostile_checkpoint_in_a_run_folder_is_refused_without_running_it(tiny_dataset, tmp_path):
    settings = resolve_settings(str(tiny_dataset), "scratch", epochs=3, image_size=48, batch_size=8)
    training = Training(settings, runs_dir=tmp_path / "runs")
    for record in training.run():
        if isinstance(record, EpochDone):
            training.stop()
    marker = tmp_path / "ran"
    hostile_torch_file(training.run_dir / "checkpoint.pt", marker)
    with pytest.raises(UserError, match="the checkpoint cannot be read"):
        list(Training.resume(training.run_dir).run())
    assert not marker.exists()


def test_a_hostile_weights_file_is_refused_without_running_it(tmp_path):
    marker = tmp_path / "ran"
    for name in ("weights.pt", "weights.pth"):
        with pytest.raises(UserError, match="not a readable weights file"):
            pretrained_state_dict(BACKBONES["resnet50"], str(hostile_torch_file(tmp_path / name, marker)))
    plain = tmp_path / "weights.pkl"
    plain.write_bytes(pickle.dumps(RunsCode(marker)))
    with pytest.raises(UserError, match="not a readable weights file"):
        pretrained_state_dict(BACKBONES["resnet50"], str(plain))
    assert not marker.exists()


def test_the_window_refuses_a_hostile_model_and_keeps_the_one_it_had(window, qtbot, tmp_path, trained_model):
    marker = tmp_path / "ran"
    hostile = hostile_torch_file(tmp_path / "gift.safetensors", marker)
    panel = window.predictor_panel
    with qtbot.waitSignal(panel.model_loaded, timeout=30_000):
        panel.open_model(trained_model[0])
    panel.open_model(hostile)
    qtbot.waitUntil(lambda: not panel.busy, timeout=30_000)
    assert "This model cannot be used" in panel.banner.text() and "not a model file" in panel.banner.text()
    assert not marker.exists()
    assert panel.predictor is not None and panel.predictor.model_path == str(trained_model[0])
    with qtbot.waitSignal(panel.predictions_finished, timeout=30_000):
        panel.add_paths([trained_model[1] / "test" / "dogs"])
    assert panel.table.rowCount() == 4
