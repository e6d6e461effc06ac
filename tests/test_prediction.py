"""Prediction of files, folders and pictures, and evaluation on labelled photos."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from catdog_gui.core.errors import DataError, ModelFileError
from catdog_gui.core.evaluation import class_metrics, evaluate
from catdog_gui.core.images import load_pixels
from catdog_gui.core.modelfile import load_model
from catdog_gui.core.models import probabilities
from catdog_gui.core.prediction import Predictor, expand_paths

from conftest import lopsided_photo, make_image, write_lecture_dataset
from conftest import write_model_file as _model_file

CLASSES = ["cats", "dogs"]


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return _model_file(tmp_path_factory.mktemp("model") / "model.safetensors", CLASSES, seed=0)


@pytest.fixture(scope="module")
def predictor(model_path) -> Predictor:
    return Predictor(model_path, device="cpu")


def direct_probabilities(model_path: Path, image_path) -> list[float]:
    """What the model says about one file, computed here without the Predictor."""
    model, _ = load_model(model_path)
    x = torch.from_numpy(load_pixels(image_path, 48)).permute(2, 0, 1).unsqueeze(0).float() / 255
    with torch.no_grad():
        return probabilities(model(x))[0].tolist()


def check_prediction(prediction, classes=CLASSES):
    assert list(prediction.probabilities) == classes
    values = list(prediction.probabilities.values())
    assert sum(values) == pytest.approx(1.0, abs=1e-6)
    assert all(0 <= v <= 1 for v in values)
    assert prediction.label == classes[int(np.argmax(values))]
    assert prediction.probability == max(values) == prediction.probabilities[prediction.label]
    assert set(prediction.as_dict()) == {"path", "label", "probability", "probabilities"}


# ---- predicting paths ------------------------------------------------------------------------------

@pytest.fixture
def mixture(tmp_path) -> dict:
    """Good files, a folder with good and bad entries, a non-image file, a damaged file, a missing path."""
    good_png = make_image(tmp_path / "good.png", 0, seed=1)
    good_jpg = tmp_path / "good.jpg"
    Image.open(make_image(tmp_path / "tmp.png", 1, seed=2, size=64)).save(good_jpg, quality=95)
    (tmp_path / "tmp.png").unlink()
    folder = tmp_path / "folder"
    in_folder = [make_image(folder / "a.png", 1, seed=3), make_image(folder / "sub" / "b.bmp", 0, seed=4, size=50)]
    (folder / "notes.txt").write_text("not a photo")
    make_image(folder / ".hidden.png", 0, seed=5)
    (folder / "empty.png").write_bytes(b"")
    readme = tmp_path / "readme.txt"
    readme.write_text("given on purpose, but not an image")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    missing = tmp_path / "missing.png"
    return {
        "paths": [good_png, folder, readme, good_jpg, broken, missing],
        "good": [good_png, *in_folder, good_jpg],
        "skipped": {
            folder / ".hidden.png": "hidden file",
            folder / "empty.png": "empty",
            folder / "notes.txt": "not a supported image type",
            readme: "not an image",
            broken: "image",
            missing: "file not found",
        },
    }


def test_predict_paths_predicts_each_good_image_and_skips_the_rest_with_reasons(predictor, model_path, mixture):
    predictions, skipped = predictor.predict_paths(mixture["paths"])

    assert [p.path for p in predictions] == [str(p) for p in mixture["good"]]
    reasons = {s.path: s.reason for s in skipped}
    assert set(reasons) == {str(p) for p in mixture["skipped"]}
    for path, words in mixture["skipped"].items():
        assert words in reasons[str(path)], (path, reasons[str(path)])
    for prediction, path in zip(predictions, mixture["good"]):
        check_prediction(prediction)
        assert list(prediction.probabilities.values()) == pytest.approx(direct_probabilities(model_path, path),
                                                                         abs=1e-5)


def test_predict_paths_calls_progress_and_handles_nothing_usable(predictor, tmp_path):
    calls = []
    images = [make_image(tmp_path / f"{i}.png", i % 2, seed=i) for i in range(3)]
    predictions, skipped = predictor.predict_paths(images, progress=lambda done, total: calls.append((done, total)))
    assert len(predictions) == 3 and not skipped
    assert calls and calls[-1] == (3, 3)

    predictions, skipped = predictor.predict_paths([tmp_path / "nope.png"])
    assert predictions == [] and [s.reason for s in skipped] == ["file not found"]
    assert predictor.predict_paths([]) == ([], [])


def test_expand_paths_lists_folders_recursively_in_order(tmp_path):
    make_image(tmp_path / "z.png", 0, 1)
    make_image(tmp_path / "a" / "y.png", 0, 2)
    make_image(tmp_path / "a" / "x.png", 0, 3)
    make_image(tmp_path / ".git" / "w.png", 0, 4)
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    files, skipped = expand_paths([tmp_path])
    assert files == [str(tmp_path / "z.png"), str(tmp_path / "a" / "x.png"), str(tmp_path / "a" / "y.png")]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("Thumbs.db", "system file")]


def test_three_class_predictions_use_softmax(tmp_path):
    classes = ["cat", "dog", "horse"]
    predictor = Predictor(_model_file(tmp_path / "m3.safetensors", classes, seed=3), device="cpu")
    assert predictor.classes == classes
    images = [make_image(tmp_path / f"{i}.png", i % 2, seed=10 + i) for i in range(4)]
    predictions, skipped = predictor.predict_paths(images)
    assert len(predictions) == 4 and not skipped
    for prediction in predictions:
        check_prediction(prediction, classes)


def test_predictor_refuses_a_file_that_is_not_a_model(tmp_path):
    fake = tmp_path / "model.safetensors"
    fake.write_bytes(b"\x00" * 100)
    with pytest.raises(ModelFileError):
        Predictor(fake, device="cpu")


# ---- predicting a picture in memory -------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_predict_image_of_a_picture_equals_predicting_it_saved_as_png(predictor, tmp_path, mode):
    rng = np.random.default_rng(42)
    picture = Image.fromarray(rng.integers(0, 256, (50, 70, 3), dtype=np.uint8)).convert(mode)
    if mode == "RGBA":
        picture.putalpha(Image.fromarray(rng.integers(0, 256, (50, 70), dtype=np.uint8)))
    file = tmp_path / "picture.png"
    picture.save(file)

    from_memory = predictor.predict_image(picture, name="memory")
    (from_file,), skipped = predictor.predict_paths([file])
    assert not skipped
    check_prediction(from_memory)
    assert from_memory.path == "memory"
    assert from_memory.label == from_file.label
    assert list(from_memory.probabilities.values()) == pytest.approx(list(from_file.probabilities.values()),
                                                                      abs=1e-7)
    from_path = predictor.predict_image(file)
    assert from_path.probabilities == pytest.approx(from_file.probabilities, abs=1e-7)


def test_different_pictures_get_different_probabilities(predictor):
    red = Image.new("RGB", (48, 48), (220, 20, 20))
    blue = Image.new("RGB", (48, 48), (20, 20, 220))
    assert predictor.predict_image(red).probabilities != predictor.predict_image(blue).probabilities


# ---- evaluation ------------------------------------------------------------------------------------------

def check_evaluation(result, predictor, total):
    n = len(predictor.classes)
    matrix = result.confusion_matrix
    assert result.classes == predictor.classes
    assert len(matrix) == n and all(len(row) == n for row in matrix)
    assert sum(map(sum, matrix)) == total
    correct = sum(matrix[i][i] for i in range(n))
    assert result.accuracy == pytest.approx(correct / total)
    for i, name in enumerate(predictor.classes):
        if sum(matrix[i]):
            assert result.per_class[name] == pytest.approx(matrix[i][i] / sum(matrix[i]))
        else:
            assert name not in result.per_class
    for (truth, guess), paths in result.paths_by_cell.items():
        assert len(paths) == matrix[truth][guess]
    assert result.recall == result.per_class
    assert result.balanced_accuracy == pytest.approx(sum(result.recall.values()) / len(result.recall))
    for j, name in enumerate(predictor.classes):
        said = sum(matrix[i][j] for i in range(n))
        assert result.precision[name] == pytest.approx(matrix[j][j] / said if said else 0.0)
    assert len(result.misclassified) == total - correct
    probabilities_seen = [m["probability"] for m in result.misclassified]
    assert probabilities_seen == sorted(probabilities_seen, reverse=True)
    if result.misclassified:
        predictions, _ = predictor.predict_paths([m["path"] for m in result.misclassified])
        for mistake, prediction in zip(result.misclassified, predictions):
            assert mistake["true"] != mistake["predicted"]
            assert mistake["predicted"] == prediction.label
            assert mistake["probability"] == pytest.approx(prediction.probability, abs=1e-6)
            assert f"/{mistake['true']}/" in mistake["path"]
    as_dict = result.as_dict()
    assert set(as_dict) == {"accuracy", "per_class", "precision", "recall", "balanced_accuracy", "confusion_matrix",
                            "classes", "misclassified", "skipped", "tta"}
    assert as_dict["tta"] is predictor.tta


def test_evaluate_is_consistent_and_swapping_the_labels_swaps_right_and_wrong(predictor, tiny_dataset, tmp_path):
    straight = evaluate(predictor, str(tiny_dataset))  # a lecture layout: its test/ folder, 4 + 4 images
    check_evaluation(straight, predictor, total=8)

    swapped = tmp_path / "swapped"  # class folders: the same photos under each other's label
    shutil.copytree(tiny_dataset / "test" / "cats", swapped / "dogs")
    shutil.copytree(tiny_dataset / "test" / "dogs", swapped / "cats")
    crossed = evaluate(predictor, str(swapped))
    check_evaluation(crossed, predictor, total=8)

    assert straight.accuracy + crossed.accuracy == pytest.approx(1.0)
    assert len(straight.misclassified) + len(crossed.misclassified) == 8
    for i in range(2):
        for j in range(2):
            assert straight.confusion_matrix[i][j] == crossed.confusion_matrix[1 - i][j]


def test_evaluate_skips_unusable_files_and_reports_them(predictor, tmp_path, monkeypatch):
    data = write_lecture_dataset(tmp_path / "data", per_split=(2, 2, 3))
    (data / "test" / "cats" / "broken.png").write_bytes(b"not a png")
    (data / "test" / "dogs" / "notes.txt").write_text("hello")
    progress = []
    result = evaluate(predictor, str(data), progress=lambda done, total: progress.append((done, total)))
    check_evaluation(result, predictor, total=6)
    assert {Path(s.path).name for s in result.skipped} == {"broken.png", "notes.txt"}
    assert progress[-1] == (7, 7)  # the broken PNG is tried, the text file is not
    assert all(s["path"] and s["reason"] for s in result.as_dict()["skipped"])


def test_evaluate_with_three_classes(tmp_path):
    classes = ["cat", "dog", "horse"]
    predictor = Predictor(_model_file(tmp_path / "m3.safetensors", classes, seed=3), device="cpu")
    data = write_lecture_dataset(tmp_path / "data", per_split=(1, 1, 2), classes=classes)
    result = evaluate(predictor, str(data))
    check_evaluation(result, predictor, total=6)
    assert set(result.per_class) == set(classes)


def test_evaluate_refuses_classes_the_model_does_not_know(predictor, tmp_path):
    data = write_lecture_dataset(tmp_path / "data", per_split=(1, 1, 1), classes=("cats", "horses"))
    with pytest.raises(DataError, match="horses"):
        evaluate(predictor, str(data))


def test_evaluate_refuses_a_lecture_folder_without_test_images(predictor, tmp_path):
    data = write_lecture_dataset(tmp_path / "data", per_split=(1, 1, 0))
    with pytest.raises(DataError):
        evaluate(predictor, str(data))


# ---- metrics ---------------------------------------------------------------------------------------------

def test_precision_recall_and_balanced_accuracy_of_a_known_confusion():
    # Rows: true class. 10 a's (8 right), 4 b's (3 right), 2 c's, which the model never says.
    precision, recall, balanced = class_metrics(["a", "b", "c"], [[8, 2, 0], [1, 3, 0], [2, 0, 0]])
    assert precision == pytest.approx({"a": 8 / 11, "b": 3 / 5, "c": 0.0})  # c: never predicted -> 0
    assert recall == pytest.approx({"a": 0.8, "b": 0.75, "c": 0.0})
    assert balanced == pytest.approx((0.8 + 0.75 + 0.0) / 3)
    # A class without photos has no recall and does not count in the balanced accuracy; said once, wrongly,
    # its precision is 0. Accuracy here is 7/8; balanced accuracy weighs the small class as much as the large.
    precision, recall, balanced = class_metrics(["a", "b", "c"], [[6, 0, 0], [1, 1, 0], [0, 0, 0]])
    assert precision == pytest.approx({"a": 6 / 7, "b": 1.0, "c": 0.0})
    assert recall == pytest.approx({"a": 1.0, "b": 0.5})
    assert balanced == pytest.approx(0.75)
    assert class_metrics(["a", "b"], [[0, 0], [0, 0]]) == ({"a": 0.0, "b": 0.0}, {}, 0.0)


# ---- test-time augmentation ------------------------------------------------------------------------------

def test_tta_probabilities_are_the_mean_over_the_photo_and_its_mirror_image(model_path, tmp_path):
    photo = lopsided_photo(tmp_path / "photo.png")
    mirror = tmp_path / "mirror.png"
    Image.open(photo).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirror)
    plain = Predictor(model_path, device="cpu")
    (as_is, mirrored), _ = plain.predict_paths([photo, mirror])
    as_is, mirrored = np.array(list(as_is.probabilities.values())), np.array(list(mirrored.probabilities.values()))
    assert abs(as_is - mirrored).max() > 0.01  # the model tells left from right: a real check
    expected = (as_is + mirrored) / 2

    with_tta = Predictor(model_path, device="cpu", tta=True)
    (prediction,), _ = with_tta.predict_paths([photo])
    check_prediction(prediction)
    assert list(prediction.probabilities.values()) == pytest.approx(expected.tolist(), abs=1e-6)
    from_memory = with_tta.predict_image(Image.open(photo))
    assert list(from_memory.probabilities.values()) == pytest.approx(expected.tolist(), abs=1e-6)
    # A photo and its mirror image are the same two views: with TTA they get the same answer.
    (other,), _ = with_tta.predict_paths([mirror])
    assert list(other.probabilities.values()) == pytest.approx(expected.tolist(), abs=1e-6)
    # It may be switched between calls; off again, the answer is the plain one.
    with_tta.tta = False
    assert list(with_tta.predict_paths([photo])[0][0].probabilities.values()) == pytest.approx(as_is.tolist(), abs=1e-6)


def test_evaluation_with_tta_counts_the_tta_answers(model_path, tmp_path):
    data = tmp_path / "data"
    for i in range(3):
        make_image(data / "cats" / f"{i}.png", 0, seed=40 + i, size=48)
        make_image(data / "dogs" / f"{i}.png", 1, seed=50 + i, size=48)
    lopsided_photo(data / "dogs" / "lopsided.png")
    predictor = Predictor(model_path, device="cpu", tta=True)
    result = evaluate(predictor, str(data))
    check_evaluation(result, predictor, total=7)
    assert result.tta and result.as_dict()["tta"] is True
    predictions, _ = predictor.predict_paths([data])
    for prediction in predictions:
        truth = CLASSES.index(Path(prediction.path).parent.name)
        assert prediction.path in result.paths_by_cell[(truth, CLASSES.index(prediction.label))]
