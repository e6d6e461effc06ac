"""The plain-data parts a recipe is made of: the dense head on a network and the augmentation knobs.

They are free of torch, so that :mod:`.recipes` (and the window, at import time) can name them without
loading it; :mod:`.models` and :mod:`.preprocessing`, which use them on tensors, import them from here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class HeadSpec:
    """Dense head: [dropout] -> dense ``hidden`` ReLU -> [dropout] -> dense outputs."""

    hidden: int
    dropout_before: float = 0.0
    dropout_after: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


FILL_MODES = {"nearest": "border", "reflect": "reflection", "constant": "zeros"}
NEAREST_FILL, REFLECT_FILL, CONSTANT_FILL = FILL_MODES  # the fill modes by name (torch's padding modes above)


@dataclass(frozen=True)
class Augmentation:
    """The lecture's augmentation knobs (Keras ``ImageDataGenerator`` meanings) plus a few more.

    ``rotation`` and ``shear`` are in degrees (as in Keras, so the lecture's shear 0.2 is slight);
    shifts are fractions of the side; ``zoom`` 0.2 scales each axis by 0.8..1.2; colour factors
    0.2 vary brightness, contrast and saturation by up to 20 %.
    """

    rotation: float = 0.0
    width_shift: float = 0.0
    height_shift: float = 0.0
    shear: float = 0.0
    zoom: float = 0.0
    horizontal_flip: bool = False
    vertical_flip: bool = False
    fill_mode: str = NEAREST_FILL
    brightness: float = 0.0
    contrast: float = 0.0
    saturation: float = 0.0

    @classmethod
    def lecture(cls) -> "Augmentation":
        return cls(rotation=40, width_shift=0.2, height_shift=0.2, shear=0.2, zoom=0.2, horizontal_flip=True)

    @property
    def active(self) -> bool:
        return self != Augmentation(fill_mode=self.fill_mode)

    def as_dict(self) -> dict:
        return asdict(self)
