"""Progress bars of ``predict`` and ``evaluate``: on standard error when it is a terminal, never with
``--json`` nor when standard error goes to a file or a pipe."""

from __future__ import annotations

import io
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from catdog_gui.cli import main, shows_progress

from conftest import make_image, write_lecture_dataset, write_model_file

PHOTOS = 5


class Terminal(io.StringIO):
    """Standard error as a terminal would be (tqdm then draws its bar into it)."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    return write_model_file(tmp_path_factory.mktemp("model") / "model.safetensors", ["cats", "dogs"], seed=3)


@pytest.fixture
def photos(tmp_path) -> Path:
    folder = tmp_path / "photos"
    for i in range(PHOTOS):  # some in a subfolder: a folder is searched with its subfolders
        make_image(folder / ("more" if i % 2 else "") / f"{i}.png", i % 2, seed=i)
    return folder


def run(monkeypatch, stderr: io.StringIO, *args) -> str:
    monkeypatch.setattr(sys, "stderr", stderr)
    assert main([str(a) for a in args]) == 0, stderr.getvalue()
    return stderr.getvalue()


@pytest.mark.parametrize("json_wanted, terminal, shown", [(False, True, True), (True, True, False),
                                                          (False, False, False), (True, False, False)])
def test_progress_is_shown_on_a_terminal_without_json(monkeypatch, json_wanted, terminal, shown):
    monkeypatch.setattr(sys, "stderr", Terminal() if terminal else io.StringIO())
    assert shows_progress(Namespace(json=json_wanted)) is shown


def test_predict_shows_a_bar_of_the_photos_of_a_folder_on_a_terminal(monkeypatch, model, photos):
    said = run(monkeypatch, Terminal(), "predict", model, photos)
    assert "classifying" in said and f"{PHOTOS}/{PHOTOS}" in said


@pytest.mark.parametrize("stderr, args", [(Terminal, ["--json"]), (io.StringIO, [])], ids=["json", "not a terminal"])
def test_predict_shows_no_bar_with_json_or_off_a_terminal(monkeypatch, model, photos, stderr, args):
    said = run(monkeypatch, stderr(), "predict", model, photos, *args)
    assert "classifying" not in said


def test_evaluate_shows_a_bar_on_a_terminal_and_none_with_json(monkeypatch, model, tmp_path):
    data = write_lecture_dataset(tmp_path / "data", (1, 1, 3))  # 3 test photos per class
    said = run(monkeypatch, Terminal(), "evaluate", model, data)
    assert "evaluating" in said and "6/6" in said
    quiet = run(monkeypatch, Terminal(), "evaluate", model, data, "--json")
    assert "evaluating" not in quiet and "Accuracy" in quiet


def test_the_core_reports_progress_through_a_folder(model, photos):
    from catdog_gui.core.prediction import Predictor

    reports = []
    predictions, skipped = Predictor(model, device="cpu").predict_paths(
        [photos], lambda done, total: reports.append((done, total)))
    assert len(predictions) == PHOTOS and not skipped
    assert reports and reports[-1] == (PHOTOS, PHOTOS)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
