"""Measuring a saved model on labelled photos: accuracy, per class (recall and precision), balanced
accuracy, confusion matrix, mistakes."""

from __future__ import annotations

from dataclasses import dataclass, field

from .datasets import labelled_files
from .errors import DataError
from .images import Skipped
from .prediction import Predictor


@dataclass
class Evaluation:
    classes: list[str]
    accuracy: float
    per_class: dict[str, float]  # the share of each class's photos recognised: its recall
    confusion_matrix: list[list[int]]  # rows: true class, columns: predicted class
    misclassified: list[dict]  # most confident mistakes first
    paths_by_cell: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    tta: bool = False  # asked with test-time augmentation (see Predictor)

    @property
    def recall(self) -> dict[str, float]:
        return class_metrics(self.classes, self.confusion_matrix)[1]

    @property
    def precision(self) -> dict[str, float]:
        return class_metrics(self.classes, self.confusion_matrix)[0]

    @property
    def balanced_accuracy(self) -> float:
        return class_metrics(self.classes, self.confusion_matrix)[2]

    def as_dict(self) -> dict:
        precision, recall, balanced = class_metrics(self.classes, self.confusion_matrix)
        return {
            "accuracy": self.accuracy, "per_class": self.per_class, "precision": precision, "recall": recall,
            "balanced_accuracy": balanced, "confusion_matrix": self.confusion_matrix, "classes": self.classes,
            "misclassified": self.misclassified, "skipped": [s.as_dict() for s in self.skipped], "tta": self.tta,
        }


def class_metrics(classes: list[str], confusion: list[list[int]]) -> tuple[dict[str, float], dict[str, float], float]:
    """Per-class precision and recall, and balanced accuracy, from a confusion matrix.

    Parameters
    ----------
    classes : list of str
        The class of each row and column.
    confusion : list of list of int
        Counts; rows are the true class, columns the predicted one.

    Returns
    -------
    precision : dict
        For every class: of the photos called that class, the share that are; 0 for a class the
        model never chose (nothing it said was right).
    recall : dict
        For every class with photos: the share of its photos called that class. A class without photos
        has no recall and is left out.
    balanced_accuracy : float
        The mean recall over the classes with photos, so that a large class cannot hide a poor small
        one; 0 when there are no photos.
    """
    n = len(classes)
    said = [sum(confusion[i][j] for i in range(n)) for j in range(n)]
    precision = {name: confusion[j][j] / said[j] if said[j] else 0.0 for j, name in enumerate(classes)}
    recall = {name: confusion[i][i] / sum(confusion[i]) for i, name in enumerate(classes) if sum(confusion[i])}
    return precision, recall, sum(recall.values()) / len(recall) if recall else 0.0


def evaluate(predictor: Predictor, data_folder: str, progress=None) -> Evaluation:
    """Evaluate ``predictor`` on ``data_folder`` (a lecture-layout folder's ``test/``, or class folders)."""
    classes, samples, skipped = labelled_files(data_folder)
    return evaluate_samples(predictor, samples, skipped, progress, data_folder, classes)


def evaluate_samples(predictor: Predictor, samples: list[tuple[str, str]], skipped=(), progress=None,
                     data_folder: str = "the photos", classes: list[str] | None = None) -> Evaluation:
    """Evaluate ``predictor`` on ``(path, class name)`` pairs, e.g. the test split of a dataset."""
    skipped = list(skipped)
    classes = classes if classes is not None else sorted({name for _, name in samples})
    missing = [c for c in classes if c not in predictor.classes]
    if missing:
        raise DataError(f"{data_folder}: class '{missing[0]}' is not one the model knows ({', '.join(predictor.classes)})")
    model_index = {name: i for i, name in enumerate(predictor.classes)}
    paths = [path for path, _ in samples]
    n = len(predictor.classes)
    confusion = [[0] * n for _ in range(n)]
    cells: dict[tuple[int, int], list[str]] = {}
    mistakes, bad = [], []
    for row, index in predictor.stream_probabilities(paths, bad, progress):
        path, class_name = samples[index]
        truth = model_index[class_name]
        guess = max(range(n), key=row.__getitem__)
        confusion[truth][guess] += 1
        cells.setdefault((truth, guess), []).append(path)
        if guess != truth:
            mistakes.append({"path": path, "true": class_name, "predicted": predictor.classes[guess],
                             "probability": row[guess]})
    total = sum(map(sum, confusion))
    if total == 0:
        raise DataError(f"{data_folder}: no usable labelled images to evaluate")
    per_class = class_metrics(predictor.classes, confusion)[1]
    mistakes.sort(key=lambda m: -m["probability"])
    return Evaluation(predictor.classes, sum(confusion[i][i] for i in range(n)) / total, per_class, confusion,
                      mistakes, cells, skipped + bad, predictor.tta)
