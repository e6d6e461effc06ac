"""A disk-backed store of fixed-shape rows by photo content: decoded pixels, or a base's features.

Memory must not grow with the number of photos, so what a run computes once per photo lives on disk in
memory-mapped shards (NumPy ``.npy`` files) that the system pages in and out as it likes. Each shard
``<id>.npy`` holds up to :data:`SHARD_BYTES` of rows; its index ``<id>.digests.npy`` holds each row's
content digest (all zero for a row left empty because its photo could not be read). A shard's index is
written after its rows and renamed into place, so a shard that a killed process left half-written is
never read. Every shard is checked when opened (format version, shape, dtype, size and, for
features, finite values); a damaged or foreign shard is deleted with a one-line notice and its photos
are computed again.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .images import Skipped
from .paths import cache_dir

STORE_VERSION = 1
# Raised whenever images.load_pixels would give other pixels for the same file, so no stale ones are used.
READER_VERSION = 1
DIGEST_BYTES = 16
# Few, large shards: a batch gathers its rows with one NumPy call per shard it touches, which matters
# for a small head on features (thousands of rows per second); 512 MiB is 3,500 photos at 224 px.
SHARD_BYTES = 512 << 20
EMPTY_DIGEST = bytes(DIGEST_BYTES)
STALE_TEMP_SECONDS = 6 * 3600
_CHECK_ROWS = 1024  # rows checked for finite values at a time, so the check needs little memory


def content_digest(path: str) -> bytes:
    """A photo's key: a hash of its bytes, so that renaming or moving files does not matter."""
    with open(path, "rb") as handle:
        return hashlib.blake2b(handle.read(), digest_size=DIGEST_BYTES).digest()


def content_digests(paths: list[str]) -> tuple[list[bytes | None], list[Skipped]]:
    """Digests of ``paths`` (None for a file that cannot be read, listed with the reason)."""
    def digest(path: str):
        try:
            return content_digest(path)
        except OSError as error:
            return Skipped(path, f"cannot be read ({error.strerror or error})")

    # hashlib and file reads release the GIL: a few threads keep the disk and the cores busy.
    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 1) + 2)) as pool:
        results = list(pool.map(digest, paths, chunksize=64))
    unreadable = [r for r in results if isinstance(r, Skipped)]
    return [None if isinstance(r, Skipped) else r for r in results], unreadable


def pixel_store(image_size: int) -> "RowStore":
    """Decoded photos at ``image_size`` px as (S, S, 3) uint8 rows, shared by every pixel recipe."""
    folder = cache_dir() / "pixels" / f"{image_size}px-reader{READER_VERSION}"
    return RowStore(folder, (image_size, image_size, 3), np.uint8, what="pixel cache")


def feature_store(backbone: str, weights_id: str, image_size: int, feature_size: int) -> "RowStore":
    """One pretrained base's features (float32) for one set of weights and one image size."""
    key = hashlib.blake2b(weights_id.encode(), digest_size=6).hexdigest()
    folder = cache_dir() / "features" / f"{backbone}-{key}-{image_size}px"
    # Earlier versions kept each cache in one file read and written whole: free their disk.
    _remove(*(cache_dir() / "features").glob("*.safetensors"))
    return RowStore(folder, (feature_size,), np.float32, check_finite=True, what="feature cache")


@dataclass(frozen=True)
class _Shard:
    path: Path
    rows: np.ndarray  # memory-mapped, read-only


class RowStore:
    """Rows of one shape and dtype by content digest, in memory-mapped shards under ``folder``.

    ``check_finite`` refuses shards holding NaN or infinite values (features; pixels are uint8).
    Problems found while opening are kept in ``notices`` as one-line messages.
    """

    def __init__(self, folder: Path, row_shape: tuple[int, ...], dtype, check_finite: bool = False, what: str = "cache"):
        self.folder = Path(folder) / f"v{STORE_VERSION}"
        self.row_shape = tuple(row_shape)
        self.dtype = np.dtype(dtype)
        self.check_finite = check_finite
        self.what = what
        self.notices: list[str] = []
        self.shards: list[_Shard] = []
        self._where: dict[bytes, tuple[int, int]] = {}
        self._open_all()

    @property
    def row_bytes(self) -> int:
        return int(np.prod(self.row_shape)) * self.dtype.itemsize

    def disk_bytes(self) -> int:
        """What the store's shards take on disk now."""
        return sum(_file_size(s.path) + _file_size(_index_path(s.path)) for s in self.shards)

    def __contains__(self, digest: bytes) -> bool:
        return digest in self._where

    def rows(self, digests: list[bytes]) -> "StoredRows":
        """A lazy view of the rows of ``digests`` (all must be in the store), in that order."""
        where = np.array([self._where[d] for d in digests], dtype=np.int64).reshape(-1, 2)
        return StoredRows(self, where[:, 0], where[:, 1])

    # ---- writing

    def writer(self, total: int) -> "ShardWriter":
        """A writer for ``total`` new rows (see :class:`ShardWriter`)."""
        return ShardWriter(self, total)

    # ---- opening and checking

    def _open_all(self) -> None:
        if not self.folder.is_dir():
            return
        for leftover in self.folder.glob(".*.tmp"):  # of a killed process (a live one writes in seconds)
            if time.time() - _mtime(leftover) > STALE_TEMP_SECONDS:
                _remove(leftover)
        for index_file in sorted(self.folder.glob("*.digests.npy")):
            self._open(Path(str(index_file)[: -len(".digests.npy")] + ".npy"))

    def _open(self, path: Path) -> None:
        """Check the shard at ``path`` and make its rows findable (or drop it with a notice)."""
        try:
            digests = np.load(_index_path(path), allow_pickle=False)
            rows = np.load(path, mmap_mode="r", allow_pickle=False)
            self._check(digests, rows)
        except Exception as error:  # damaged, truncated, foreign: it is only a cache, compute it again
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            self.notices.append(f"{self.what}: {path.name} cannot be used ({reason}); its photos are computed again")
            _remove(path, _index_path(path))
            return
        number = len(self.shards)
        self.shards.append(_Shard(path, rows))
        for row, digest in enumerate(digests):
            key = digest.tobytes()
            if key != EMPTY_DIGEST:
                self._where[key] = (number, row)

    def _check(self, digests: np.ndarray, rows: np.ndarray) -> None:
        if digests.dtype != np.uint8 or digests.ndim != 2 or digests.shape[1] != DIGEST_BYTES:
            raise ValueError("its index is not a list of digests")
        if rows.dtype != self.dtype or rows.shape[1:] != self.row_shape:
            raise ValueError(f"rows of {rows.dtype} {tuple(rows.shape[1:])}, "
                             f"expected {self.dtype} {self.row_shape}")
        if rows.shape[0] != len(digests):
            raise ValueError(f"{rows.shape[0]} rows for {len(digests)} digests")
        if self.check_finite:
            for start in range(0, len(rows), _CHECK_ROWS):
                if not np.isfinite(rows[start:start + _CHECK_ROWS]).all():
                    raise ValueError("not finite values")


class ShardWriter:
    """Appends ``total`` rows to a store, in shards of at most :data:`SHARD_BYTES` each.

    ``slots(n)`` hands out writable rows of the shard being filled (memory-mapped, so they are written
    to disk pages, not kept in memory); ``commit(digests)`` records what was written into them. Rows
    never committed (a photo that could not be read, a run stopped early) stay empty. Use it as a
    context manager: leaving it puts the last shard in place.
    """

    def __init__(self, store: RowStore, total: int):
        self.store = store
        self.remaining = total
        self._path: Path | None = None
        self._rows: np.ndarray | None = None
        self._digests: list[bytes] = []

    def __enter__(self) -> "ShardWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.finish()

    def slots(self, n: int) -> np.ndarray:
        """``n`` writable rows; they count once :meth:`commit` is called."""
        if self._rows is not None and len(self._digests) + n > len(self._rows):
            self.finish()
        if self._rows is None:
            self.store.folder.mkdir(parents=True, exist_ok=True)
            self._path = self.store.folder / f"{secrets.token_hex(8)}.npy"
            size = max(n, min(max(1, SHARD_BYTES // self.store.row_bytes), self.remaining))
            self._rows = np.lib.format.open_memmap(_temp(self._path), mode="w+", dtype=self.store.dtype,
                                                   shape=(size, *self.store.row_shape))
        self.remaining -= n
        start = len(self._digests)
        return self._rows[start:start + n]

    def commit(self, digests: list[bytes | None]) -> None:
        """The rows last handed out belong to ``digests`` (None: that row was left empty)."""
        self._digests.extend(d or EMPTY_DIGEST for d in digests)

    def finish(self) -> None:
        """Put the shard being filled in place and make its rows readable."""
        if self._rows is None:
            return
        rows, path = self._rows, self._path
        digests = self._digests + [EMPTY_DIGEST] * (len(rows) - len(self._digests))
        self._rows, self._path, self._digests = None, None, []
        try:
            rows.flush()
            del rows
            if all(d == EMPTY_DIGEST for d in digests):
                return
            os.replace(_temp(path), path)
            index = np.frombuffer(b"".join(digests), dtype=np.uint8).reshape(-1, DIGEST_BYTES)
            with open(_temp(_index_path(path)), "wb") as handle:
                np.save(handle, index)
            os.replace(_temp(_index_path(path)), _index_path(path))  # last: only whole shards are read
            self.store._open(path)
        finally:
            _remove(_temp(path), _temp(_index_path(path)))


class StoredRows:
    """Rows of a store in a run's order, read on demand: ``rows[positions]`` gives a tensor."""

    def __init__(self, store: RowStore, shard_of: np.ndarray, row_of: np.ndarray):
        self.store = store
        self.shard_of = shard_of
        self.row_of = row_of

    def __len__(self) -> int:
        return len(self.shard_of)

    def __getitem__(self, positions) -> torch.Tensor:
        positions = as_positions(positions, len(self))
        shard_of, row_of = self.shard_of[positions], self.row_of[positions]
        out = np.empty((len(positions), *self.store.row_shape), dtype=self.store.dtype)
        for shard in np.unique(shard_of):
            chosen = shard_of == shard
            out[chosen] = self.store.shards[shard].rows[row_of[chosen]]
        return torch.from_numpy(out)

    def subset(self, positions) -> "StoredRows":
        positions = as_positions(positions, len(self))
        return StoredRows(self.store, self.shard_of[positions], self.row_of[positions])


def as_positions(positions, length: int) -> np.ndarray:
    """A slice, index tensor or sequence of row positions as a NumPy index array."""
    if isinstance(positions, slice):
        return np.arange(length)[positions]
    if isinstance(positions, torch.Tensor):
        return positions.numpy()
    return np.asarray(positions, dtype=np.int64)


def _temp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp")


def _index_path(path: Path) -> Path:
    return path.with_name(path.name[: -len(".npy")] + ".digests.npy")


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _remove(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except OSError:
            pass
