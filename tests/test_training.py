"""The training generator: every recipe end to end, records, stop, pause, resume, cache, early stopping."""

from __future__ import annotations

import csv
import threading
import time
from pathlib import Path

import pytest
import torch

from catdog_gui.core.errors import DataError, UserError
from catdog_gui.core.modelfile import read_info
from catdog_gui.core.paths import can_resume
from catdog_gui.core.prediction import Predictor
from catdog_gui.core.recipes import RECIPES, resolve_settings
from catdog_gui.core.training import BatchDone, EpochDone, Finished, PhaseStarted, Progress, Training

from conftest import make_image, write_lecture_dataset

SMALL = {"scratch": 48, "scratch-augmented": 48}  # other recipes use Lite0 at 64 px


def settings_for(data, strategy, **overrides):
    overrides.setdefault("image_size", SMALL.get(strategy, 64))
    overrides.setdefault("batch_size", 8)
    if strategy == "fine-tuning":
        overrides.setdefault("head_epochs", 1)
    return resolve_settings(str(data), strategy, epochs=overrides.pop("epochs", 1), **overrides)


def run_all(training: Training) -> list:
    return list(training.run())


@pytest.mark.parametrize("strategy", list(RECIPES))
def test_every_recipe_trains_and_its_model_predicts(tiny_dataset, tmp_path, strategy):
    records = run_all(Training(settings_for(tiny_dataset, strategy), runs_dir=tmp_path / "runs"))
    finished = records[-1]
    assert isinstance(finished, Finished) and not finished.stopped
    phases = [r.phase for r in records if isinstance(r, EpochDone)]
    assert phases == (["training", "fine-tuning"] if strategy == "fine-tuning" else ["training"])
    # 16 training images in batches of 8: two batches per epoch
    assert sum(isinstance(r, BatchDone) for r in records) == 2 * len(phases)
    assert finished.test_accuracy is not None and 0 <= finished.test_accuracy <= 1
    predictor = Predictor(finished.model_path, device="cpu")
    assert predictor.classes == ["cats", "dogs"]
    assert predictor.info.recipe == strategy
    image = next((tiny_dataset / "test" / "dogs").iterdir())
    predictions, skipped = predictor.predict_paths([image])
    assert not skipped and predictions[0].label in ("cats", "dogs")
    assert sum(predictions[0].probabilities.values()) == pytest.approx(1.0, abs=1e-5)


def test_run_folder_holds_settings_metrics_and_models(tiny_dataset, tmp_path):
    settings = settings_for(tiny_dataset, "scratch", epochs=3)
    finished = run_all(Training(settings, runs_dir=tmp_path / "runs"))[-1]
    run_dir = Path(finished.run_dir)
    names = {p.name for p in run_dir.iterdir()}
    assert {"settings.json", "metrics.csv", "best.safetensors", "last.safetensors"} <= names
    assert "checkpoint.pt" not in names  # only an unfinished run keeps one
    with pytest.raises(UserError, match="finished"):
        Training.resume(run_dir)
    rows = list(csv.DictReader((run_dir / "metrics.csv").open()))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    info, _ = read_info(finished.model_path)
    assert info.metrics["val_accuracy"] == pytest.approx(finished.best_val_accuracy)
    assert info.metrics["test_accuracy"] == pytest.approx(finished.test_accuracy)
    assert not list(run_dir.glob("*.tmp"))


def test_feature_extraction_learns_the_made_up_classes(tiny_dataset, tmp_path):
    settings = settings_for(tiny_dataset, "feature-extraction", epochs=15, lr=1e-3)
    records = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    assert records[-1].best_val_accuracy == 1.0
    assert records[-1].test_accuracy >= 0.75


def test_features_are_cached_by_content_and_reused(tiny_dataset, tmp_path):
    settings = settings_for(tiny_dataset, "feature-extraction")
    first = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    extracted = [r for r in first if isinstance(r, Progress) and r.phase.startswith("extracting")]
    assert sum(r.total for r in extracted if r.done == r.total) == 32
    # a renamed copy of the data has the same content: nothing to extract again
    copy = tmp_path / "copy"
    for path in tiny_dataset.rglob("*.png"):
        target = copy / path.relative_to(tiny_dataset).with_name("renamed-" + path.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    second = run_all(Training(settings_for(copy, "feature-extraction"), runs_dir=tmp_path / "runs"))
    assert not [r for r in second if isinstance(r, Progress) and r.phase.startswith("extracting")]
    assert second[-1].best_val_accuracy == first[-1].best_val_accuracy
    # another image size is another cache
    third = run_all(Training(settings_for(tiny_dataset, "feature-extraction", image_size=72),
                             runs_dir=tmp_path / "runs"))
    assert [r for r in third if isinstance(r, Progress) and r.phase.startswith("extracting")]


def test_stop_ends_the_run_and_keeps_the_best_model(tiny_dataset, tmp_path):
    training = Training(settings_for(tiny_dataset, "scratch", epochs=50), runs_dir=tmp_path / "runs")
    records = []
    for record in training.run():
        records.append(record)
        if isinstance(record, EpochDone):
            training.stop()
    finished = records[-1]
    assert finished.stopped and finished.epochs == 1
    assert Path(finished.model_path).exists()
    assert sum(isinstance(r, EpochDone) for r in records) == 1


def test_pause_holds_the_loop_until_unpaused(tiny_dataset, tmp_path):
    training = Training(settings_for(tiny_dataset, "scratch", epochs=2), runs_dir=tmp_path / "runs")
    gaps = []
    last = time.perf_counter()
    for record in training.run():
        now = time.perf_counter()
        if isinstance(record, BatchDone):
            gaps.append(now - last)
            if record.epoch == 1 and record.batch == 1:
                training.pause()
                assert training.paused
                threading.Timer(0.6, training.unpause).start()
        last = time.perf_counter()
    assert not training.paused
    assert max(gaps) >= 0.5  # the batch after the pause waited for unpause()


def test_an_interrupted_run_resumes_where_it_stopped(tiny_dataset, tmp_path):
    def settings():
        return settings_for(tiny_dataset, "scratch", epochs=4, precision="fp32", seed=3)

    whole = run_all(Training(settings(), runs_dir=tmp_path / "whole"))
    interrupted = Training(settings(), runs_dir=tmp_path / "parts")
    for record in interrupted.run():
        if isinstance(record, EpochDone) and record.epoch == 2:
            break  # as if the process were killed after epoch 2's checkpoint
    assert can_resume(interrupted.run_dir)
    resumed = run_all(Training.resume(interrupted.run_dir))
    assert not can_resume(interrupted.run_dir)
    epochs = [r.epoch for r in resumed if isinstance(r, EpochDone)]
    assert epochs == [3, 4]
    rows = list(csv.DictReader((interrupted.run_dir / "metrics.csv").open()))
    assert len(rows) == 4
    whole_val = [r.val_loss for r in whole if isinstance(r, EpochDone)]
    assert [float(r["val_loss"]) for r in rows] == pytest.approx(whole_val, abs=1e-5)
    _, a = read_info(Path(whole[-1].run_dir) / "last.safetensors")
    _, b = read_info(interrupted.run_dir / "last.safetensors")
    assert all(torch.allclose(a[k], b[k], atol=1e-6) for k in a)


def test_seeded_runs_repeat_exactly_on_cpu(tiny_dataset, tmp_path):
    def losses(folder):
        settings = settings_for(tiny_dataset, "scratch-augmented", epochs=2, seed=7, device="cpu")
        return [r.loss for r in run_all(Training(settings, runs_dir=tmp_path / folder)) if isinstance(r, BatchDone)]

    assert losses("a") == losses("b")


def test_early_stopping_ends_a_phase_without_improvement(tiny_dataset, tmp_path):
    settings = settings_for(tiny_dataset, "scratch", epochs=20, lr=1e-9, early_stopping=2)
    finished = run_all(Training(settings, runs_dir=tmp_path / "runs"))[-1]
    assert finished.early_stopped and finished.epochs == 3


def test_bad_files_are_skipped_and_training_goes_on(tiny_dataset, tmp_path):
    (tiny_dataset / "train" / "cats" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tiny_dataset / "train" / "dogs" / "notes.txt").write_text("hello")
    (tiny_dataset / "train" / "dogs" / "empty.png").write_bytes(b"")
    finished = run_all(Training(settings_for(tiny_dataset, "scratch"), runs_dir=tmp_path / "runs"))[-1]
    reasons = {Path(s.path).name: s.reason for s in finished.skipped}
    assert set(reasons) == {"broken.jpg", "notes.txt", "empty.png"}
    assert "empty" in reasons["empty.png"] and "not a supported" in reasons["notes.txt"]
    assert finished.model_path is not None


def test_a_class_left_without_good_images_is_a_clear_error(tiny_dataset, tmp_path):
    for path in (tiny_dataset / "validation" / "dogs").iterdir():
        path.write_bytes(b"garbage")
    with pytest.raises(DataError, match="dogs"):
        run_all(Training(settings_for(tiny_dataset, "scratch"), runs_dir=tmp_path / "runs"))


def test_three_classes_train_with_softmax(tmp_path):
    data = write_lecture_dataset(tmp_path / "three", per_split=(4, 2, 2), classes=("ants", "bees", "cats"))
    # make the third class distinct: green
    for path in (data / "train" / "cats").iterdir():
        make_image(path, 0, 99)
    finished = run_all(Training(settings_for(data, "feature-extraction"), runs_dir=tmp_path / "runs"))[-1]
    predictor = Predictor(finished.model_path)
    assert predictor.classes == ["ants", "bees", "cats"]
    assert predictor.model.head[-1].out_features == 3


def test_phase_records_name_each_stage(tiny_dataset, tmp_path):
    records = run_all(Training(settings_for(tiny_dataset, "fine-tuning"), runs_dir=tmp_path / "runs"))
    phases = [r.phase for r in records if isinstance(r, PhaseStarted)]
    assert phases == ["decoding", "training", "fine-tuning", "testing"]
    epochs = [r for r in records if isinstance(r, EpochDone)]
    assert all(r.images_per_second > 0 and r.eta_seconds >= 0 for r in epochs)


@pytest.mark.parametrize("strategy", ["feature-extraction-augmented", "fine-tuning"])
def test_keeping_the_frozen_base_output_for_validation_changes_no_number(tiny_dataset, tmp_path, monkeypatch,
                                                                          strategy):
    from catdog_gui.core import training

    calls = []
    frozen_part = training._Loop._frozen_part
    monkeypatch.setattr(training._Loop, "_frozen_part", lambda loop, pixels: calls.append(1) or frozen_part(loop, pixels))

    def validation(folder, budget):
        monkeypatch.setattr(training, "FROZEN_OUTPUT_BUDGET", budget)
        settings = settings_for(tiny_dataset, strategy, epochs=2, seed=5, device="cpu")
        records = run_all(Training(settings, runs_dir=tmp_path / folder))
        return [v for r in records if isinstance(r, EpochDone) for v in (r.val_loss, r.val_accuracy)], records[-1]

    kept, kept_finished = validation("kept", 1 << 30)
    phases = 2 if strategy == "fine-tuning" else 1
    assert len(calls) == phases + 1  # validation photos once per phase (8, one batch), then the test photos
    recomputed, recomputed_finished = validation("recomputed", 0)  # too big to keep: every epoch recomputes
    assert len(kept) == 2 * (3 if strategy == "fine-tuning" else 2)
    assert kept == pytest.approx(recomputed, abs=1e-6)
    assert kept_finished.test_accuracy == recomputed_finished.test_accuracy


def test_the_best_model_is_the_most_accurate_then_the_surest(tiny_dataset, tmp_path):
    settings = settings_for(tiny_dataset, "scratch", epochs=6, lr=1e-3, seed=1)
    records = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    epochs = [r for r in records if isinstance(r, EpochDone)]
    best = None
    for record in epochs:
        key = (record.val_accuracy, -record.val_loss)
        assert record.improved == (best is None or key > best), record
        best = key if record.improved else best
    # On these easy photos the top accuracy comes early; later epochs only grow surer, and count.
    assert sum(r.improved for r in epochs) > len({r.val_accuracy for r in epochs})
    saved = read_info(records[-1].model_path)[0].metrics
    assert saved["val_accuracy"] == pytest.approx(best[0])
