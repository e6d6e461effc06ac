"""The feature cache: a pretrained base's output for each photo, computed once and kept on disk.

Entries are keyed by the photo's content (a hash of its bytes, so renaming or moving files does not
matter), and each file holds one backbone + weights + image size, so nothing stale is ever reused.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from .errors import UserError
from .modelfile import write_atomically
from .paths import cache_dir

DIGEST_BYTES = 16


def content_digest(path: str) -> bytes:
    with open(path, "rb") as handle:
        return hashlib.blake2b(handle.read(), digest_size=DIGEST_BYTES).digest()


class FeatureCache:
    """Features of one (backbone, weights, image size) combination, by image content."""

    def __init__(self, backbone: str, weights_id: str, image_size: int, folder: Path | None = None):
        key = hashlib.blake2b(weights_id.encode(), digest_size=6).hexdigest()
        self.path = (folder or cache_dir() / "features") / f"{backbone}-{key}-{image_size}px.safetensors"
        self._rows: dict[bytes, torch.Tensor] = {}
        self._dirty = False
        self._read()

    def _read(self) -> None:
        from safetensors.torch import load_file

        try:
            stored = load_file(str(self.path))
            digests, features = stored["digests"], stored["features"]
        except Exception:  # missing or damaged cache: start afresh, it is only a cache
            return
        for digest, row in zip(digests.numpy(), features):
            self._rows[digest.tobytes()] = row

    def get(self, digest: bytes) -> torch.Tensor | None:
        return self._rows.get(digest)

    def put(self, digest: bytes, features: torch.Tensor) -> None:
        self._rows[digest] = features.detach().to("cpu", torch.float32)
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed; a failure to write (disk full) only costs time next run."""
        from safetensors.torch import save_file

        if not self._dirty:
            return
        digests = torch.frombuffer(bytearray(b"".join(self._rows)), dtype=torch.uint8).view(-1, DIGEST_BYTES)
        tensors = {"digests": digests, "features": torch.stack(list(self._rows.values()))}
        try:
            write_atomically(self.path, lambda temp: save_file(tensors, temp))
            self._dirty = False
        except UserError:
            pass  # a cache that cannot be written (disk full, read-only) only costs time next run
