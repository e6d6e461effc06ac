"""The model file: exact round trips, atomic writes, and refusal of every damaged, foreign or hostile file."""

from __future__ import annotations

import errno
import json
import os
import pickle
import re
import resource
import struct
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from catdog_gui.core.errors import ModelFileError, UserError
from catdog_gui.core.modelfile import load_model, model_info, read_info, save_model, write_atomically
from catdog_gui.core.models import SCRATCH, HeadSpec, build_classifier, probabilities

from model_fixtures import rewrite

CLASSES = ["cats", "dogs"]


def make_model(num_classes=2, head=HeadSpec(16), size=48, backbone=SCRATCH, seed=0):
    """A random model whose outputs are clearly away from 0.5 (so equal outputs mean something)."""
    torch.manual_seed(seed)
    model = build_classifier(backbone, num_classes, head, size).eval()
    with torch.no_grad():
        for parameter in model.head.parameters():
            parameter.mul_(8)
    return model


def save(path: Path, model, classes=CLASSES, size=48, backbone=SCRATCH, head=HeadSpec(16), recipe="scratch",
         metrics=None) -> Path:
    return save_model(path, model, model_info(model, classes, size, backbone, head, recipe, metrics))


def refused(path, *words: str) -> str:
    """Assert that load_model refuses ``path`` with a ModelFileError naming the file and all ``words``."""
    with pytest.raises(ModelFileError) as caught:
        load_model(path)
    message = str(caught.value)
    assert Path(path).name in message
    for word in words:
        assert word.lower() in message.lower(), message
    return message


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith("."))


# ---- round trip ------------------------------------------------------------------------------------

@pytest.mark.parametrize("num_classes, head, classes", [
    (2, HeadSpec(16), ["cats", "dogs"]),
    (3, HeadSpec(16, dropout_before=0.5, dropout_after=0.25), ["cat", "dog", "horse"]),
])
def test_round_trip_keeps_metadata_weights_and_outputs(tmp_path, num_classes, head, classes):
    model = make_model(num_classes, head)
    metrics = {"val_accuracy": 0.75, "test_accuracy": 0.5}
    path = save(tmp_path / "m.safetensors", model, classes, head=head, metrics=metrics)

    loaded, info = load_model(path)
    assert info.classes == classes
    assert info.image_size == 48
    assert info.backbone == SCRATCH
    assert info.head == head
    assert info.recipe == "scratch"
    assert info.metrics == metrics
    assert info.mean == (0.0, 0.0, 0.0) and info.std == (1.0, 1.0, 1.0)
    assert not loaded.training

    original = model.state_dict()
    restored = loaded.state_dict()
    floating = {k for k, t in original.items() if t.is_floating_point()}
    assert floating == {k for k, t in restored.items() if t.is_floating_point()}
    for key in floating:
        assert torch.equal(original[key], restored[key]), key

    x = torch.rand(4, 3, 48, 48, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.equal(model(x), loaded(x))
        probs = probabilities(loaded(x))
    assert probs.shape == (4, num_classes)

    info2, tensors = read_info(path)
    assert info2 == info
    assert set(tensors) == floating


def test_round_trip_keeps_a_normalisation_inside_the_model(tmp_path):
    model = make_model()
    with torch.no_grad():
        model.normalize.mean.fill_(0.5)
        model.normalize.std.fill_(0.25)
    model.normalize.identity = False
    path = save(tmp_path / "norm.safetensors", model)
    loaded, info = load_model(path)
    assert info.mean == (0.5, 0.5, 0.5) and info.std == (0.25, 0.25, 0.25)
    assert not loaded.normalize.identity
    x = torch.rand(3, 3, 48, 48, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert torch.equal(model(x), loaded(x))
        assert not torch.equal(loaded(x), make_model()(x))  # the normalisation really changes the output


def test_saving_again_replaces_the_file_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "m.safetensors"
    save(path, make_model(seed=0))
    second = make_model(seed=1)
    save(path, second)
    loaded, _ = load_model(path)
    x = torch.rand(2, 3, 48, 48)
    with torch.no_grad():
        assert torch.equal(loaded(x), second(x))
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]


def test_save_creates_missing_folders(tmp_path):
    path = save(tmp_path / "a" / "b" / "m.safetensors", make_model())
    assert load_model(path)[1].classes == CLASSES


# ---- atomic writes ---------------------------------------------------------------------------------

def test_failed_save_keeps_the_previous_file_and_raises_a_user_error(model_file, monkeypatch):
    before = model_file.read_bytes()

    def disk_full(tensors, filename, metadata=None):
        Path(filename).write_bytes(b"half a model")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("safetensors.torch.save_file", disk_full)
    with pytest.raises(UserError) as caught:
        save(model_file, make_model(seed=5))
    assert "No space left on device" in str(caught.value)
    assert "unchanged" in str(caught.value)
    assert model_file.read_bytes() == before
    assert leftovers(model_file.parent) == []
    load_model(model_file)


def test_write_atomically_cleans_up_and_re_raises_other_errors(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")

    def broken(temp):
        Path(temp).write_text("partial")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_atomically(target, broken)
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []

    def interrupted(temp):
        Path(temp).write_text("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(target, interrupted)
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []

    write_atomically(target, lambda temp: Path(temp).write_text("new"))
    assert target.read_text() == "new"
    assert leftovers(tmp_path) == []


def test_saving_into_a_read_only_folder_is_a_user_error(tmp_path, model_file):
    before = model_file.read_bytes()
    folder = model_file.parent
    folder.chmod(0o555)
    try:
        try:
            (folder / "probe").write_text("x")
        except PermissionError:
            pass
        else:
            (folder / "probe").unlink()
            pytest.skip("this user can write into read-only folders (root)")
        with pytest.raises(UserError, match="could not save"):
            save(model_file, make_model(seed=3))
        assert model_file.read_bytes() == before
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o755)


def test_saving_under_a_file_instead_of_a_folder_is_a_user_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("I am a file")
    with pytest.raises(UserError, match="could not save"):
        save(blocker / "m.safetensors", make_model())
    assert blocker.read_text() == "I am a file"


# ---- refusing damaged, foreign and hostile files -----------------------------------------------------

@pytest.mark.parametrize("keep", [0, 4, 8, 100, "half", -1])
def test_truncated_file_is_refused(model_file, tmp_path, keep):
    data = model_file.read_bytes()
    cut = {"half": len(data) // 2}.get(keep, keep)
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(data[:cut])
    refused(truncated, "damaged/truncated")


def test_a_flipped_bit_in_the_weights_is_caught_by_the_checksum(model_file, tmp_path):
    data = bytearray(model_file.read_bytes())
    data[-7] ^= 0x01  # the tensor data comes after the header; its last bytes are weights
    flipped = tmp_path / "flipped.safetensors"
    flipped.write_bytes(bytes(data))
    refused(flipped, "checksum")
    with pytest.raises(ModelFileError, match="checksum"):
        read_info(flipped)


def test_a_flipped_bit_in_the_first_tensor_is_caught_too(model_file, tmp_path):
    data = bytearray(model_file.read_bytes())
    header_size = struct.unpack("<Q", data[:8])[0]
    data[8 + header_size + 1] ^= 0x80
    flipped = tmp_path / "flipped.safetensors"
    flipped.write_bytes(bytes(data))
    refused(flipped, "checksum")


def test_missing_checksum_is_refused(model_file, tmp_path):
    refused(rewrite(model_file, tmp_path / "nosum.safetensors", {"sha256": None}), "checksum")


@pytest.mark.parametrize("metadata", [None, {"format": "pt"}, {"format": "catdog-gui", "classes": '["a", "b"]'}])
def test_safetensors_file_of_another_program_is_refused(tmp_path, metadata):
    other = tmp_path / "other.safetensors"
    save_file({"weight": torch.zeros(4, 4), "bias": torch.ones(4)}, str(other), metadata=metadata)
    refused(other, "not a catdog-gui model")


def test_newer_format_version_is_refused(model_file, tmp_path):
    refused(rewrite(model_file, tmp_path / "v2.safetensors", {"format_version": "2"}), "version")


class _Payload:
    """Unpickling this creates the marker file: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


@pytest.mark.parametrize("kind", ["pickle", "torch.save"])
def test_pickle_file_that_would_run_code_is_refused_without_running_it(tmp_path, kind):
    control = tmp_path / "control-marker"
    marker = tmp_path / "marker"

    def payload(where: Path) -> bytes:
        if kind == "pickle":
            return pickle.dumps({"state_dict": _Payload(where)})
        path = tmp_path / f"{where.name}.pt"
        torch.save({"state_dict": _Payload(where)}, path)
        return path.read_bytes()

    # the payload is real: unpickling it does create its marker
    control_bytes = payload(control)
    if kind == "pickle":
        pickle.loads(control_bytes)
    else:
        torch.load(tmp_path / "control-marker.pt", weights_only=False)
    assert control.exists()

    hostile = tmp_path / "model.safetensors"
    hostile.write_bytes(payload(marker))
    refused(hostile, "not a model file")
    with pytest.raises(ModelFileError):
        read_info(hostile)
    assert not marker.exists()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_bytes_are_refused(tmp_path, seed):
    rng = np.random.default_rng(seed)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(rng.bytes(int(rng.integers(1, 20_000))))
    refused(junk, "not a model file")


def test_plausible_header_length_with_junk_header_is_refused(tmp_path):
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(struct.pack("<Q", 64) + b"{" + np.random.default_rng(3).bytes(200))
    refused(junk, "not a model file")


def test_empty_file_missing_file_and_folder_are_refused(tmp_path):
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    refused(empty, "not a model file")
    refused(tmp_path / "missing.safetensors", "no such model file")
    refused(tmp_path, "no such model file")


# ---- metadata that does not fit the weights -------------------------------------------------------

def test_more_classes_than_the_head_has_outputs_is_refused(model_file, tmp_path):
    edited = rewrite(model_file, tmp_path / "three.safetensors", {"classes": json.dumps(["a", "b", "c"])})
    refused(edited, "do not fit")


def test_fewer_classes_than_the_head_has_outputs_is_refused(tmp_path):
    three = save(tmp_path / "three.safetensors", make_model(3), classes=["a", "b", "c"])
    refused(rewrite(three, tmp_path / "two.safetensors", {"classes": json.dumps(["a", "b"])}), "do not fit")


def test_image_size_that_does_not_fit_the_weights_is_refused(model_file, tmp_path):
    refused(rewrite(model_file, tmp_path / "size.safetensors", {"image_size": "64"}), "do not fit")


def test_head_size_that_does_not_fit_the_weights_is_refused(model_file, tmp_path):
    head = json.dumps({"hidden": 32, "dropout_before": 0.0, "dropout_after": 0.0})
    refused(rewrite(model_file, tmp_path / "head.safetensors", {"head": head}), "do not fit")


def test_backbone_that_does_not_fit_the_weights_is_refused(model_file, tmp_path):
    edited = rewrite(model_file, tmp_path / "lite.safetensors", {"backbone": "efficientnet-lite0"})
    refused(edited, "do not fit")


def test_missing_unexpected_or_reshaped_tensors_are_refused(model_file, tmp_path):
    def drop(tensors):
        del tensors["head.2.bias"]
        return tensors

    def extra(tensors):
        tensors["surprise"] = torch.zeros(3)
        return tensors

    def reshape(tensors):
        tensors["head.0.weight"] = tensors["head.0.weight"].reshape(128, 16).contiguous()
        return tensors

    for name, edit in (("drop", drop), ("extra", extra), ("reshape", reshape)):
        refused(rewrite(model_file, tmp_path / f"{name}.safetensors", edit_tensors=edit), "do not fit")


def test_metadata_that_asks_for_a_huge_model_is_refused_before_allocating_it(model_file, tmp_path):
    """A 1 MB file whose metadata describes a 1 GB network must not make loading allocate 1 GB."""
    head = json.dumps({"hidden": 512, "dropout_before": 0.0, "dropout_after": 0.0})
    edited = rewrite(model_file, tmp_path / "big.safetensors", {"image_size": "1024", "head": head})
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    refused(edited, "do not fit")
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert grown_mib < 400, f"loading a bad file raised peak memory by {grown_mib:.0f} MiB"
    assert time.perf_counter() - started < 5


def _label(changes) -> str:
    text = ",".join(f"{k}={v}"[:40] if v is not None else f"no-{k}" for k, v in changes.items())
    return re.sub(r"[^\w=.,+-]", "", text)


ABSURD = [
    ({"image_size": str(10**9)}, ["image size"]),
    ({"image_size": "0"}, ["image size"]),
    ({"image_size": "-48"}, ["image size"]),
    ({"image_size": "48.0"}, ["invalid metadata"]),
    ({"image_size": None}, ["invalid metadata"]),
    ({"classes": json.dumps(["cats"])}, ["classes"]),
    ({"classes": json.dumps([])}, ["classes"]),
    ({"classes": json.dumps(["cats", "cats"])}, ["classes"]),
    ({"classes": json.dumps(["cats", ""])}, ["classes"]),
    ({"classes": json.dumps(["cats", 7])}, ["classes"]),
    ({"classes": json.dumps({"cats": 0, "dogs": 1})}, ["classes"]),
    ({"classes": json.dumps([f"c{i}" for i in range(1001)])}, ["classes"]),
    ({"classes": "not json"}, ["invalid metadata"]),
    ({"std": json.dumps([0.5, -0.5, 0.5])}, ["std"]),
    ({"std": json.dumps([0.5, 0, 0.5])}, ["std"]),
    ({"std": "[0.5, NaN, 0.5]"}, ["std"]),
    ({"mean": "[0, Infinity, 0]"}, ["mean"]),
    ({"mean": json.dumps([0, 0])}, ["mean"]),
    ({"mean": json.dumps("abc")}, ["invalid metadata"]),
    ({"backbone": "alexnet"}, ["unknown backbone"]),
    ({"backbone": ""}, ["unknown backbone"]),
    ({"head": json.dumps({"hidden": 0})}, ["head"]),
    ({"head": json.dumps({"hidden": 10**9})}, ["head"]),
    ({"head": json.dumps({"hidden": 16, "dropout_before": 1.5})}, ["head"]),
    ({"head": json.dumps({"hidden": 16, "dropout_after": -0.1})}, ["head"]),
    ({"head": json.dumps({"hidden": 16.5})}, ["head"]),
    ({"head": json.dumps({"hidden": True})}, ["head"]),
    ({"head": json.dumps({"hidden": "16"})}, ["invalid metadata"]),
    ({"head": json.dumps({"hidden": 16, "evil": 1})}, ["invalid metadata"]),
    ({"head": json.dumps([16])}, ["invalid metadata"]),
    ({"metrics": "{oops"}, ["invalid metadata"]),
]


@pytest.mark.parametrize("changes, words", [pytest.param(c, w, id=_label(c)) for c, w in ABSURD])
def test_absurd_metadata_is_refused_with_the_reason(model_file, tmp_path, changes, words):
    edited = rewrite(model_file, tmp_path / "absurd.safetensors", changes)
    refused(edited, "invalid metadata", *words)
    with pytest.raises(ModelFileError):
        read_info(edited)


def test_model_file_error_is_a_user_error():
    assert issubclass(ModelFileError, UserError)


def test_edited_metadata_without_a_new_checksum_is_refused(model_file, tmp_path):
    # swapping the class names would silently invert every prediction
    swapped = rewrite(model_file, tmp_path / "swapped.safetensors",
                      {"classes": json.dumps(list(reversed(CLASSES))), "sha256": read_sha(model_file)})
    refused(swapped, "checksum")


def test_saved_files_follow_the_umask_rather_than_being_private(tmp_path):
    path = save(tmp_path / "shared.safetensors", make_model())
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def read_sha(path: Path) -> str:
    with safe_open(str(path), framework="pt") as handle:
        return handle.metadata()["sha256"]
