"""Classifying photos with a saved model, through exactly the preprocessing used in evaluation."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image

from . import preprocessing
from .device import autocast, describe_device, map_in_batches, pick_device, resolve_precision
from .images import Skipped, load_pixels, skip_reason_for_name
from .modelfile import load_model
from .models import frozen_copy, probabilities

BATCH = 32


@dataclass(frozen=True)
class Prediction:
    path: str
    label: str
    probability: float
    probabilities: dict[str, float]

    def as_dict(self) -> dict:
        return {"path": self.path, "label": self.label, "probability": self.probability,
                "probabilities": self.probabilities}


class Predictor:
    """A loaded model, ready to classify files, folders or in-memory pictures.

    With ``tta`` (test-time augmentation) every photo's probabilities are the mean over
    :func:`.preprocessing.test_time_views` (the photo and its mirror image): often a little more
    accurate, and the model runs once per view. It is a way of asking the model, not part of it (model
    files and exports do not change), and may be changed between calls.
    """

    def __init__(self, model_path: str | os.PathLike, device: str = "auto", precision: str = "fp32",
                 tta: bool = False):
        self.model, self.info = load_model(model_path)
        self.device = pick_device(device)
        # fp32 by default: predictions then match evaluation, exports and other machines exactly.
        self.precision = resolve_precision(self.device, precision)
        self.model.to(self.device, memory_format=torch.channels_last)
        self._inference_model = frozen_copy(self.model)
        self.model_path = str(model_path)
        self.tta = tta

    @property
    def classes(self) -> list[str]:
        return self.info.classes

    def describe_device(self) -> str:
        return describe_device(self.device)

    @torch.inference_mode()
    def probabilities_of(self, pixels: torch.Tensor) -> torch.Tensor:
        """Class probabilities ``(N, classes)`` for uint8 pixels ``(N, 3, S, S)`` (with :attr:`tta`, the
        mean over the test-time views)."""
        tta = self.tta  # read once: every batch of a call is asked the same way

        def batch_probabilities(start: int, stop: int) -> torch.Tensor:
            batch = preprocessing.to_input(pixels[start:stop], self.device)
            views = preprocessing.test_time_views(batch) if tta else [batch]
            with autocast(self.device, self.precision):
                # One pass per view at the usual batch size, so that each view's probabilities are
                # exactly what the model says about that picture alone.
                return torch.stack([probabilities(self._inference_model(view)) for view in views]).mean(0).cpu()

        out = map_in_batches(batch_probabilities, len(pixels), BATCH)
        return torch.cat(out) if out else torch.zeros(0, len(self.classes))

    def predict_paths(self, paths, progress=None) -> tuple[list[Prediction], list[Skipped]]:
        """Predict files and every image inside folders; what cannot be read is skipped with the reason."""
        files, skipped = expand_paths(paths)
        predictions = [self._prediction(files[index], row)
                       for row, index in self.stream_probabilities(files, skipped, progress)]
        return predictions, skipped

    def stream_probabilities(self, paths: list[str], skipped: list[Skipped], progress=None):
        """``(probabilities as a list, index in paths)`` for each usable photo, decoded a chunk at a time
        so that memory does not grow with the number of photos; unusable ones are added to ``skipped``."""
        for pixels, kept, bad in preprocessing.decode_in_chunks(paths, self.info.image_size, progress):
            skipped.extend(bad)
            yield from zip(self.probabilities_of(pixels).tolist(), kept)

    def predict_image(self, image: Image.Image | str | os.PathLike, name: str = "") -> Prediction:
        """One picture (a PIL image, a path or a file object)."""
        if isinstance(image, Image.Image):
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            buffer.seek(0)
            image = buffer
        pixels = preprocessing.image_to_input(load_pixels(image, self.info.image_size))
        row = self.probabilities_of(pixels)[0].tolist()
        return self._prediction(name or str(getattr(image, "name", "")), row)

    def _prediction(self, name: str, row: list[float]) -> Prediction:
        best = max(range(len(row)), key=row.__getitem__)
        return Prediction(name, self.classes[best], row[best], dict(zip(self.classes, row)))


def expand_paths(paths) -> tuple[list[str], list[Skipped]]:
    """Files as given and the image files inside folders (recursively, sorted); others skipped."""
    files, skipped = [], []
    for path in map(Path, paths):
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    _add(Path(dirpath) / name, files, skipped)
        elif path.exists():
            files.append(str(path))
        else:
            skipped.append(Skipped(str(path), "file not found"))
    return files, skipped


def _add(path: Path, files: list[str], skipped: list[Skipped]) -> None:
    reason = skip_reason_for_name(path)
    if reason:
        skipped.append(Skipped(str(path), reason))
    else:
        files.append(str(path))
