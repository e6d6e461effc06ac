"""The two presets (recommended, the lecture's), and what they switch: optimiser, schedule, label
smoothing, the monitored number, class weights against imbalance."""

from __future__ import annotations

import json
import math

import pytest
import torch

from catdog_gui.core.errors import UserError
from catdog_gui.core.recipes import RECIPES, Settings, resolve_settings
from catdog_gui.core.training import EpochDone, Notice, Training, _better, _State, class_weights, scheduled_lr

from conftest import make_image

LECTURE = {  # DESIGN of the lecture: learning rate, batch, epochs per recipe (fine-tuning: head 10 + 20)
    "scratch": (1e-4, 20, 30), "scratch-augmented": (1e-4, 32, 100), "feature-extraction": (2e-5, 20, 30),
    "feature-extraction-augmented": (2e-5, 20, 30), "fine-tuning": (2e-5, 20, 20),
}


@pytest.mark.parametrize("strategy", list(RECIPES))
def test_the_lecture_preset_keeps_the_lecture_values(strategy):
    settings = resolve_settings("photos", strategy, preset="lecture")
    assert (settings.lr, settings.batch_size, settings.epochs) == LECTURE[strategy]
    assert settings.preset == "lecture"
    assert (settings.optimizer, settings.schedule, settings.monitor) == ("rmsprop", "constant", "accuracy")
    assert settings.label_smoothing == settings.weight_decay == 0 and settings.early_stopping == 0
    if strategy == "fine-tuning":
        assert (settings.head_epochs, settings.fine_tune_lr) == (10, 1e-5)


@pytest.mark.parametrize("strategy", list(RECIPES))
def test_recommended_is_the_default_and_options_override_it(strategy):
    recipe = RECIPES[strategy]
    settings = resolve_settings("photos", strategy)
    assert settings.preset == "recommended"
    for name, value in recipe.recommended.items():
        assert getattr(settings, name) == value
    assert resolve_settings("photos", strategy, epochs=3, schedule="constant").epochs == 3
    assert resolve_settings("photos", strategy, schedule="constant").schedule == "constant"


def test_pretrained_recommended_values_differ_from_the_lecture():
    for strategy in ("feature-extraction", "feature-extraction-augmented", "fine-tuning"):
        assert RECIPES[strategy].recommended, strategy
        assert resolve_settings("photos", strategy) != resolve_settings("photos", strategy, preset="lecture")


@pytest.mark.parametrize("values, message", [
    ({"preset": "best"}, "preset"), ({"optimizer": "sgd"}, "optimizer"), ({"schedule": "step"}, "schedule"),
    ({"monitor": "f1"}, "monitor"), ({"class_weights": "yes"}, "class weights"),
    ({"label_smoothing": 1.5}, "label smoothing"), ({"weight_decay": -1.0}, "weight decay"),
])
def test_nonsense_values_are_refused_with_their_name(values, message):
    with pytest.raises(UserError, match=message):
        resolve_settings("photos", "feature-extraction", **values)


def test_settings_written_before_the_presets_load_as_the_lecture():
    old = json.loads(resolve_settings("photos", "feature-extraction", preset="lecture").to_json())
    for name in ("preset", "optimizer", "weight_decay", "label_smoothing", "schedule", "monitor", "class_weights"):
        del old[name]
    settings = Settings.from_json(json.dumps(old))
    assert settings == resolve_settings("photos", "feature-extraction", preset="lecture")


def test_the_cosine_schedule_falls_from_the_rate_to_zero_and_constant_stays():
    assert scheduled_lr(1e-3, "cosine", 0.0) == pytest.approx(1e-3)
    assert scheduled_lr(1e-3, "cosine", 0.5) == pytest.approx(5e-4)
    assert scheduled_lr(1e-3, "cosine", 1.0) == pytest.approx(0.0, abs=1e-12)
    assert scheduled_lr(1e-3, "cosine", 0.25) > scheduled_lr(1e-3, "cosine", 0.75)
    assert scheduled_lr(1e-3, "constant", 0.9) == 1e-3


def _record(accuracy: float, loss: float) -> EpochDone:
    return EpochDone("training", 1, 1, 0.0, 0.0, loss, accuracy, 0.0, 0.0, 0.0, improved=False)


def test_monitoring_the_loss_keeps_the_surest_epoch_even_when_less_accurate():
    state = _State(best_val=0.90, best_val_loss=0.30)
    assert _better(_record(0.88, 0.25), state, "loss")
    assert not _better(_record(0.95, 0.35), state, "loss")
    assert _better(_record(0.95, 0.35), state, "accuracy")
    assert not _better(_record(0.88, 0.25), state, "accuracy")


def test_class_weights_balance_the_classes_when_auto_finds_them_uneven():
    uneven = torch.tensor([0] * 40 + [1] * 10 + [2] * 5)
    weights = class_weights(uneven, 3, "auto")
    counts = torch.bincount(uneven).float()
    assert torch.allclose(weights * counts, torch.full((3,), len(uneven) / 3))  # each class weighs the same
    assert class_weights(uneven, 3, "off") is None
    near = torch.tensor([0] * 30 + [1] * 10)  # 3 times: not over the ratio
    assert class_weights(near, 2, "auto") is None
    assert class_weights(near, 2, "on") is not None
    missing = class_weights(torch.tensor([0, 0, 2]), 3, "on")
    assert missing[1] == 0 and math.isfinite(float(missing.sum()))


def _uneven_dataset(root, big: int = 16, small: int = 4):
    """Lecture layout where dogs have a quarter of the cats' training photos."""
    seed = 0
    for split, counts in (("train", (big, small)), ("validation", (4, 4)), ("test", (4, 4))):
        for label, (name, count) in enumerate(zip(("cats", "dogs"), counts)):
            for i in range(count):
                seed += 1
                make_image(root / split / name / f"{i}.png", label, seed=seed)
    return root


@pytest.mark.parametrize("mode, weighted", [("auto", True), ("off", False)])
def test_an_uneven_training_set_is_weighted_and_said(tmp_path, mode, weighted):
    data = _uneven_dataset(tmp_path / "photos")
    settings = resolve_settings(str(data), "scratch", epochs=1, image_size=48, batch_size=8, class_weights=mode)
    records = list(Training(settings, runs_dir=tmp_path / "runs").run())
    notices = [r.text for r in records if isinstance(r, Notice) and "weighted" in r.text]
    assert bool(notices) == weighted
    if weighted:
        assert "4.0 times" in notices[0] and "dogs" in notices[0]


def test_label_smoothing_and_weights_change_the_loss_as_defined():
    from catdog_gui.core.training import _Loop

    loop = _Loop.__new__(_Loop)  # only what _loss reads
    loop.s, loop.binary = resolve_settings("photos", "scratch", label_smoothing=0.2), True
    loop.class_weights = torch.tensor([0.5, 2.0])
    logits, labels = torch.tensor([[3.0], [-1.0]]), torch.tensor([1, 0])
    loss, correct = loop._loss(logits, labels)
    targets = torch.tensor([0.9, 0.1])  # 0.2 of each label spread over the two classes
    each = torch.nn.functional.binary_cross_entropy_with_logits(logits.squeeze(1), targets, reduction="none")
    assert float(loss) == pytest.approx(float((each * torch.tensor([2.0, 0.5])).sum() / 2.5))
    assert correct == 2
