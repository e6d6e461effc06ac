"""Training more: a run whose weights begin from an earlier model (core/lineage.py, ``train --from``)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from PIL import Image

from catdog_gui.cli import main
from catdog_gui.core.errors import UserError
from catdog_gui.core.lineage import (base_weights_id, load_parent_weights, output_units_for, parent_run_name,
                                     read_parent)
from catdog_gui.core.modelfile import load_model, model_info, read_info, save_model
from catdog_gui.core.models import SCRATCH, HeadSpec, build_classifier, probabilities
from catdog_gui.core.prediction import Predictor
from catdog_gui.core.recipes import RECIPES, Settings, resolve_settings
from catdog_gui.core.training import EpochDone, Training

from conftest import make_image, write_lecture_dataset, write_model_file

FAST = {"batch_size": 8, "device": "cpu", "precision": "fp32"}
STANDING_STILL = 1e-7  # a child's learning rate that leaves its first epoch's weights where they began
LITE = "efficientnet-lite0"


def write_photos(root: Path, classes=("cats", "dogs"), per_split=(8, 4, 4), first_seed: int = 1000) -> Path:
    """Photos like conftest's (cats red, dogs blue; any other class green), but other ones: new photos."""
    seed = first_seed
    for split, count in zip(("train", "validation", "test"), per_split):
        for name in classes:
            for i in range(count):
                seed += 1
                path = root / split / name / f"{name}.{i}.png"
                if name in ("cats", "dogs"):
                    make_image(path, 0 if name == "cats" else 1, seed)
                else:
                    green_image(path, seed)
    return root


def green_image(path: Path, seed: int, size: int = 40) -> Path:
    pixels = np.random.default_rng(seed).integers(0, 90, (size, size, 3), dtype=np.uint8)
    pixels[..., 1] += 150
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(pixels).save(path)
    return path


def epochs_of(training: Training) -> list[EpochDone]:
    return [record for record in training.run() if isinstance(record, EpochDone)]


def random_model_file(path: Path, classes, backbone: str = SCRATCH, size: int = 48, recipe: str = "scratch",
                      seed: int = 0) -> Path:
    """An untrained model of ``recipe``'s head on ``backbone`` saved as a model file."""
    torch.manual_seed(seed)
    head = RECIPES[recipe].head
    model = build_classifier(backbone, len(classes), head, size).eval()
    return save_model(path, model, model_info(model, list(classes), size, backbone, head, recipe))


@pytest.fixture(scope="module")
def parent(tmp_path_factory) -> SimpleNamespace:
    """A small CNN trained until it tells the made-up cats from dogs: its run and model."""
    root = tmp_path_factory.mktemp("parent")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CATDOG_GUI_CACHE", str(root / "cache"))
        settings = resolve_settings(str(write_lecture_dataset(root / "data")), "scratch", epochs=5, image_size=48,
                                    lr=1e-3, **FAST)
        training = Training(settings, runs_dir=root / "runs")
        epochs = epochs_of(training)
    model = training.run_dir / "best.safetensors"
    return SimpleNamespace(run_dir=training.run_dir, model=model, val_accuracy=max(e.val_accuracy for e in epochs),
                           val_loss=min(e.val_loss for e in epochs))


# ---- starting where the parent left off --------------------------------------------------------

def test_a_model_trained_more_starts_at_its_parents_accuracy_not_from_chance(parent, tmp_path):
    assert parent.val_accuracy == 1.0 and parent.val_loss < 0.1  # it learnt the classes
    photos = write_photos(tmp_path / "new photos")
    # Neither strategy nor image size given: the parent's (scratch, 48 px).
    child = resolve_settings(str(photos), None, epochs=1, lr=STANDING_STILL, start_from=str(parent.model), **FAST)
    assert (child.strategy, child.backbone, child.image_size) == ("scratch", SCRATCH, 48)
    first = epochs_of(Training(child, runs_dir=tmp_path / "runs"))[0]
    assert first.val_accuracy >= 0.9 and first.val_loss < 0.2

    fresh = resolve_settings(str(photos), "scratch", epochs=1, lr=STANDING_STILL, image_size=48, **FAST)
    first = epochs_of(Training(fresh, runs_dir=tmp_path / "runs"))[0]
    assert first.val_accuracy <= 0.75 and first.val_loss > 0.6  # chance: a coin toss's loss is 0.69


def test_a_feature_extraction_child_trains_its_parents_head(tmp_path):
    settings = resolve_settings(str(write_lecture_dataset(tmp_path / "data")), "feature-extraction", epochs=8,
                                image_size=64, lr=1e-3, **FAST)
    parent_epochs = epochs_of(Training(settings, runs_dir=tmp_path / "runs"))
    assert parent_epochs[-1].val_accuracy == 1.0
    model = next((tmp_path / "runs").glob("*/best.safetensors"))
    photos = write_photos(tmp_path / "new photos")
    child = resolve_settings(str(photos), None, epochs=1, lr=STANDING_STILL, start_from=str(model), **FAST)
    assert (child.strategy, child.backbone, child.image_size) == ("feature-extraction", LITE, 64)
    first = epochs_of(Training(child, runs_dir=tmp_path / "children"))[0]
    # Label smoothing (0.1) keeps even a sure model's loss near 0.25: the head starts where the parent's ended.
    assert first.val_accuracy == 1.0 and first.val_loss == pytest.approx(min(e.val_loss for e in parent_epochs),
                                                                         abs=0.05)
    fresh = resolve_settings(str(photos), "feature-extraction", epochs=1, lr=STANDING_STILL, image_size=64, **FAST)
    assert epochs_of(Training(fresh, runs_dir=tmp_path / "children"))[0].val_loss > 0.6


def test_every_weight_comes_from_the_parent_and_its_base_names_its_feature_cache(tmp_path):
    parent = read_parent(random_model_file(tmp_path / "a.safetensors", ["cats", "dogs"], LITE, 64,
                                           "fine-tuning", seed=1))
    other = read_parent(random_model_file(tmp_path / "b.safetensors", ["cats", "dogs"], LITE, 64,
                                          "fine-tuning", seed=2))
    torch.manual_seed(3)
    child = build_classifier(LITE, 2, RECIPES["feature-extraction"].head, 64)
    load_parent_weights(child, parent, ["cats", "dogs"])
    state = child.state_dict()
    for name, tensor in parent.tensors.items():  # the head's dense layers are 0 and 3 here, 0 and 2 there
        mine = name if not name.startswith("head.2") else name.replace("head.2", "head.3")
        assert torch.equal(state[mine], tensor), name
    # A fine-tuned base computes other features: each base its own feature cache; the same base, the same one.
    assert base_weights_id(parent) != base_weights_id(other)
    assert base_weights_id(parent) == base_weights_id(read_parent(parent.path))


def test_a_resumed_child_still_has_its_parents_base(tmp_path):
    # A feature-extraction run checkpoints its head only: on resuming, the base must come from the parent
    # again (here a random one, far from ImageNet's), not from ImageNet.
    model = random_model_file(tmp_path / "parent.safetensors", ["cats", "dogs"], LITE, 64, "feature-extraction")
    settings = resolve_settings(str(write_photos(tmp_path / "photos")), None, epochs=2, start_from=str(model),
                                **FAST)
    interrupted = Training(settings, runs_dir=tmp_path / "runs")
    for record in interrupted.run():
        if isinstance(record, EpochDone):
            break
    epochs = epochs_of(Training.resume(interrupted.run_dir))
    assert [e.epoch for e in epochs] == [2]
    _, saved = read_info(interrupted.run_dir / "last.safetensors")
    _, original = read_info(model)
    assert all(torch.equal(saved[name], tensor) for name, tensor in original.items() if not name.startswith("head."))


# ---- classes: the same, or more -----------------------------------------------------------------

def old_and_new_answers(tmp_path, parent_classes, child_classes, hidden: int = 16):
    """The parent's and the child's probabilities (before any training) on the same random photos."""
    parent = read_parent(write_model_file(tmp_path / "parent.safetensors", parent_classes, seed=5))
    child = build_classifier(SCRATCH, len(child_classes), HeadSpec(hidden), 48).eval()
    load_parent_weights(child, parent, list(child_classes))
    photos = torch.rand(12, 3, 48, 48, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        old = probabilities(load_model(parent.path)[0](photos))
        new = probabilities(child(photos))
    return old, new, child


def test_a_new_class_gets_a_new_unit_and_the_old_answers_stay(tmp_path):
    # A two-class parent (one sigmoid logit) and a third class that sorts first: three softmax units.
    old, new, child = old_and_new_answers(tmp_path, ["cats", "dogs"], ["birds", "cats", "dogs"])
    assert child.head[-1].out_features == 3
    assert torch.count_nonzero(child.head[-1].weight[0]) == 0 and child.head[-1].bias[0] == 0  # birds: new
    among_old = new[:, 1:] / new[:, 1:].sum(1, keepdim=True)
    assert torch.allclose(among_old, old, atol=1e-5)  # cats against dogs: as the parent said
    assert torch.equal(new.argmax(1) - 1, old.argmax(1))  # and no photo is called a bird yet
    assert (old.max(1).values - 0.5).abs().min() > 0.05  # (the parent's answers are not coin tosses)


def test_a_multi_class_parent_keeps_each_class_unit_by_name(tmp_path):
    old, new, _ = old_and_new_answers(tmp_path, ["ants", "cats", "eels"], ["ants", "bees", "cats", "eels"])
    kept = new[:, [0, 2, 3]]
    assert torch.allclose(kept / kept.sum(1, keepdim=True), old, atol=1e-5)
    assert torch.equal(new.argmax(1), torch.tensor([0, 2, 3])[old.argmax(1)])


def test_the_same_two_classes_in_another_order_give_the_same_answers(tmp_path):
    old, new, _ = old_and_new_answers(tmp_path, ["dogs", "cats"], ["cats", "dogs"])
    assert torch.allclose(new, old.flip(1), atol=1e-6)


def test_output_units_of_a_binary_parent_are_the_centred_softmax_pair():
    weight, bias = torch.tensor([[2.0, -4.0]]), torch.tensor([1.0])
    new_weight, new_bias = output_units_for(weight, bias, ["a", "b"], ["a", "b", "c"])
    assert new_weight.tolist() == [[-1.0, 2.0], [1.0, -2.0], [0.0, 0.0]]
    assert new_bias.tolist() == [-0.5, 0.5, 0.0]


def test_a_child_with_a_new_class_trains_and_knows_all_of_them(parent, tmp_path):
    photos = write_photos(tmp_path / "with birds", classes=("birds", "cats", "dogs"))
    child = resolve_settings(str(photos), None, epochs=1, lr=STANDING_STILL, start_from=str(parent.model), **FAST)
    finished = list(Training(child, runs_dir=tmp_path / "runs").run())[-1]
    predictor = Predictor(finished.model_path, device="cpu")
    assert predictor.classes == ["birds", "cats", "dogs"]
    old_photos = sorted((photos / "validation" / "cats").iterdir()) + sorted((photos / "validation" / "dogs").iterdir())
    predictions, _ = predictor.predict_paths(old_photos)
    assert [p.label for p in predictions] == ["cats"] * 4 + ["dogs"] * 4  # what the parent knew, still known


# ---- what is refused -----------------------------------------------------------------------------

def test_a_run_on_another_network_is_refused_naming_the_model(parent, tiny_dataset, tmp_path):
    with pytest.raises(UserError, match="small CNN.*choose scratch or scratch-augmented") as refused:
        resolve_settings(str(tiny_dataset), "feature-extraction", start_from=str(parent.model))
    assert str(parent.model) in str(refused.value)
    lite = random_model_file(tmp_path / "lite.safetensors", ["cats", "dogs"], LITE, 64, "feature-extraction")
    with pytest.raises(UserError, match=f"built on {LITE}, not efficientnet-lite1"):
        resolve_settings(str(tiny_dataset), "feature-extraction", backbone="efficientnet-lite1", start_from=str(lite))
    with pytest.raises(UserError, match="trains the small CNN"):
        resolve_settings(str(tiny_dataset), "scratch", start_from=str(lite))


def test_another_image_size_is_refused(parent, tiny_dataset):
    with pytest.raises(UserError, match="48 px.*not 64 px"):
        resolve_settings(str(tiny_dataset), "scratch", image_size=64, start_from=str(parent.model))


def test_photos_without_a_class_of_the_parent_are_refused_before_a_run_folder_exists(tmp_path, tiny_dataset):
    model = random_model_file(tmp_path / "three.safetensors", ["ants", "cats", "dogs"])
    settings = resolve_settings(str(tiny_dataset), None, epochs=1, start_from=str(model), **FAST)
    runs = tmp_path / "runs"
    with pytest.raises(UserError, match="knows 'ants', which the photos lack") as refused:
        list(Training(settings, runs_dir=runs).run())
    assert str(model) in str(refused.value)
    assert not runs.exists() or not any(runs.iterdir())


def test_a_missing_or_foreign_model_is_refused_naming_it(tmp_path, tiny_dataset):
    missing = tmp_path / "nothing.safetensors"
    with pytest.raises(UserError, match=f"cannot start from this model: {missing}: no such model file"):
        resolve_settings(str(tiny_dataset), "scratch", start_from=str(missing))
    foreign = tmp_path / "foreign.safetensors"
    foreign.write_bytes(b"not a model")
    with pytest.raises(UserError, match=str(foreign)):
        resolve_settings(str(tiny_dataset), "scratch", start_from=str(foreign))


# ---- what the run folder records ------------------------------------------------------------------

def test_the_run_folder_records_its_parent(parent, tmp_path):
    photos = write_photos(tmp_path / "photos")
    child = resolve_settings(str(photos), None, epochs=1, start_from=str(parent.model), **FAST)
    training = Training(child, runs_dir=tmp_path / "runs")
    list(training.run())
    recorded = json.loads((training.run_dir / "settings.json").read_text())
    assert recorded["start_from"] == str(parent.model.absolute())
    assert recorded["start_from_run"] == parent.run_dir.name == parent_run_name(parent.model)
    # A model outside a run folder has no run to name.
    loose = tmp_path / "loose.safetensors"
    loose.write_bytes(parent.model.read_bytes())
    assert resolve_settings(str(photos), None, start_from=str(loose)).start_from_run is None


def test_settings_written_before_training_more_load_without_a_parent():
    settings = Settings.from_json(json.dumps({"data": "/photos", "strategy": "scratch"}))
    assert settings.start_from is None and settings.start_from_run is None


# ---- the command line --------------------------------------------------------------------------------

def test_train_from_a_model_on_the_command_line(parent, capsys, tmp_path):
    photos = write_photos(tmp_path / "photos")
    code = main(["train", str(photos), "--from", str(parent.model), "--epochs", "1", "--batch-size", "8",
                 "--device", "cpu", "--runs-dir", str(tmp_path / "runs"), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    run_dir = Path(json.loads(captured.out.strip().splitlines()[-1])["run_dir"])
    recorded = json.loads((run_dir / "settings.json").read_text())
    assert recorded["strategy"] == "scratch" and recorded["image_size"] == 48  # the parent's
    assert recorded["start_from_run"] == parent.run_dir.name


def test_from_with_resume_exits_2_with_one_line(parent, capsys, tmp_path):
    code = main(["train", "--resume", str(parent.run_dir), "--from", str(parent.model)])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "--from" in lines[0] and "--resume" in lines[0] and "Traceback" not in captured.err


def test_from_is_explained_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "--from MODEL" in capsys.readouterr().out
