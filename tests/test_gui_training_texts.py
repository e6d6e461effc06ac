"""The texts of core's training records that the window shows in its language (phase titles, progress
phases, notices, the device): the GUI lists them (training_panel.PHASE_TITLES...) for translation, so
each must still be one that core writes, and each that core writes must be listed, or it shows in English."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest

from catdog_gui.gui import predictor_panel, training_panel
from catdog_gui.gui.training_panel import core_text, match_core_text


def phase_titles() -> list[str]:
    """The titles of PhaseStarted records: the phases of both kinds of run, and those written in the run."""
    from catdog_gui.core import training

    titles = []
    for fine_tune_lr in (None, 1e-4):
        settings = SimpleNamespace(fine_tune_lr=fine_tune_lr, epochs=3, head_epochs=2, lr=1e-3)
        titles += [phase.title for phase in training.Training._phases(SimpleNamespace(settings=settings))]
    source = inspect.getsource(training)
    for title in ("Reading photos", "Measuring accuracy on the test photos"):
        assert f'"{title}"' in source, title
    assert 'f"Extracting features with {get_backbone(s.backbone).title}"' in source
    return titles + ["Reading photos", "Measuring accuracy on the test photos",
                     "Extracting features with EfficientNet-Lite0"]


def progress_phases() -> list[str]:
    """The phases of Progress records, as core/training.py writes them."""
    from catdog_gui.core import training

    source = inspect.getsource(training)
    phases = ["hashing photos", "reading photos", "checking photos", "extracting features"]
    for phase in phases:
        assert f'"{phase}"' in source, phase
    return phases


def notices(tmp_path) -> list[str]:
    """Notice texts: how a run reads its photos, the class weights, a damaged cache shard."""
    import numpy as np
    import torch

    from catdog_gui.core import store, training

    texts = [f"Reading {how}" for how in training.READING.values()]
    labels = torch.tensor([0, 0, 0, 1])
    texts += [training._weights_notice(["cats", "dogs"], labels, mode) for mode in ("auto", "balanced")]
    texts.append(training._weights_notice(["cats", "dogs"], torch.tensor([0, 1]), "balanced"))
    for make in (lambda: store.pixel_store(8), lambda: store.feature_store("resnet50", "weights", 8, 4)):
        folder = make().folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "shard.npy").write_bytes(b"not numpy")
        np.save(folder / "shard.digests.npy", np.zeros((1, 16), np.uint8))
        found = make().notices
        assert found, folder
        texts += found
    return texts


def devices() -> list[str]:
    import torch

    from catdog_gui.core.device import describe_device

    return [describe_device(torch.device("cpu"))]


@pytest.fixture
def core_texts(tmp_path):
    """Each list of the GUI with texts that core writes now, one at least for each entry."""
    return [(training_panel.PHASE_TITLES, phase_titles()), (training_panel.PROGRESS_PHASES, progress_phases()),
            (training_panel.NOTICES, notices(tmp_path)), (training_panel.DEVICES, devices())]


def test_each_text_core_writes_is_listed_for_translation(core_texts):
    for listed, written in core_texts:
        for text in written:
            if text.startswith("Extracting features with"):
                text = text.split(" (")[0]  # as training_panel.phase_title shows it
            assert match_core_text(text, listed) is not None, text


def test_each_text_listed_for_translation_is_one_core_writes(core_texts):
    for listed, written in core_texts:
        for source in listed:
            assert any(match_core_text(text, [source]) for text in written), f"core no longer writes {source!r}"


def test_core_texts_are_shown_with_their_values_and_as_they_are_when_unknown():
    text = ("Classes weighted against imbalance (the largest class has 3.0 times the photos of the smallest): "
            "each photo of dogs counts 3.0 times one of cats in the loss")
    assert match_core_text(text, training_panel.NOTICES)[1] == ("3.0", "dogs", "3.0", "cats")
    assert core_text(text, training_panel.NOTICES) == text  # in English: as core wrote it
    assert core_text("Something new", training_panel.NOTICES) == "Something new"
    record = SimpleNamespace(phase="extracting", title="Extracting features with VGG16 (the lecture's)")
    assert training_panel.phase_title(record) == "Extracting features with VGG16"
    assert training_panel.progress_phase("hashing photos") == "Hashing photos"


def test_the_accuracies_named_in_step_5_are_those_a_model_file_keeps():
    from catdog_gui.core import training

    source = inspect.getsource(training)
    for key in predictor_panel.METRIC_NAMES:
        assert f'"{key}"' in source, key
    assert predictor_panel.metric_text("val_accuracy", 0.875) == "validation accuracy 87.5 %"
    assert predictor_panel.metric_text("top5", 0.5) == "top5 50.0 %"  # a key not named: as it is
