"""Finding the photos: the three folder layouts, class names, splits and the files left out.

Layouts:

- ``lecture``: ``train/``, ``validation/`` and optionally ``test/``, each with one folder per class;
- ``class-folders``: one folder per class, split here (stratified, seeded);
- ``flat``: Kaggle-style names such as ``cat.123.jpg`` whose prefix is the label, split here.

Every usable photo is used unless the lecture's subset is asked for (``subset="lecture"``: at most
1000 train, 500 validation and 500 test photos per class). Photos a subset leaves out are kept in
``Dataset.unused`` with the reason, never dropped silently.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from .errors import DataError
from .images import Skipped, hidden_or_system_reason, skip_reason_for_name
from .names import EVERY_PHOTO_SUBSET, LECTURE_SUBSET, SUBSETS  # noqa: F401 (SUBSETS: also imported from here)

SPLITS = ("train", "validation", "test")
LECTURE_COUNTS = (1000, 500, 500)  # the lecture's subset, per class: train, validation, test
UNSPLIT = "unsplit"  # the key of photos set aside from a folder not split yet: they belong to no split
DEFAULT_FRACTIONS = (0.7, 0.15, 0.15)  # how a folder not split yet is cut per class: train, validation, test
# The folder layouts (Dataset.layout): train/validation/test folders of class folders, class folders not
# split yet, and one folder of photos named by their class (cat.12.jpg).
LAYOUTS = ("lecture", "class-folders", "flat")
LECTURE_LAYOUT, CLASS_FOLDERS_LAYOUT, FLAT_LAYOUT = LAYOUTS
_FLAT_NAME = re.compile(r"^([A-Za-z][\w-]*?)[._ -]\d+\.\w+$")


@dataclass(frozen=True)
class Sample:
    """One photo and its class index."""

    path: str
    label: int


@dataclass
class Dataset:
    """The photos of one folder, split into train, validation and (maybe) test.

    ``unused`` holds the usable photos that the subset (or the ``counts`` asked for) leaves out, by
    split (:data:`UNSPLIT` for a folder that was not split yet), and ``unused_reason`` says why.
    """

    root: str
    layout: str
    classes: list[str]
    splits: dict[str, list[Sample]]
    skipped: list[Skipped] = field(default_factory=list)
    subset: str = EVERY_PHOTO_SUBSET
    unused: dict[str, list[Sample]] = field(default_factory=dict)
    unused_reason: str = ""

    def counts(self) -> dict[str, dict[str, int]]:
        """Images per class for each split, e.g. ``{"train": {"cats": 1000, "dogs": 1000}}``."""
        return _count_table(self.classes, self.splits)

    def unused_counts(self) -> dict[str, dict[str, int]]:
        """Photos set aside per split and class, e.g. ``{"unsplit": {"cat": 10500, "dog": 10500}}``
        for a flat folder under the lecture's subset; ``{}`` when every usable photo is used."""
        return _count_table(self.classes, {key: samples for key, samples in self.unused.items() if samples})

    def unused_total(self) -> int:
        """How many usable photos are set aside."""
        return sum(len(samples) for samples in self.unused.values())

    def drop(self, skipped: list[Skipped]) -> None:
        """Remove files found unusable while decoding, and remember why. Files gone with their folder
        mean the dataset was moved or deleted while it was being read: a DataError says so."""
        bad = {item.path for item in skipped}
        if not bad:
            return
        _check_still_there(self.root, skipped)
        self.skipped.extend(skipped)
        for split, samples in self.splits.items():
            self.splits[split] = [s for s in samples if s.path not in bad]
        for key, samples in self.unused.items():
            self.unused[key] = [s for s in samples if s.path not in bad]
        _check_classes_have_images(self)


def _count_table(classes: list[str], groups: dict[str, list[Sample]]) -> dict[str, dict[str, int]]:
    table = {}
    for key, samples in groups.items():
        row = dict.fromkeys(classes, 0)
        for sample in samples:
            row[classes[sample.label]] += 1
        table[key] = row
    return table


def _check_still_there(root: str, skipped: list[Skipped]) -> None:
    """Photos that vanished with their folder mean the dataset was moved or deleted during the run:
    a clear error, rather than a run on what happened to be read before."""
    for item in skipped:
        folder = Path(item.path).parent
        if not os.path.lexists(item.path) and not folder.is_dir():
            gone = folder if Path(root).is_dir() else Path(root)
            raise DataError(f"{gone}: moved, renamed or deleted while the run was reading its photos; "
                            "put it back and start the run again")


def detect_layout(root: Path) -> str:
    """Name the layout of ``root``: ``lecture``, ``class-folders`` or ``flat``."""
    if not root.is_dir():
        raise DataError(f"{root}: not a folder (or it does not exist)")
    names = {p.name.lower() for p in root.iterdir() if p.is_dir()}
    if "train" in names and ("validation" in names or "val" in names):
        return LECTURE_LAYOUT
    if any(_visible_dirs(root)):
        return CLASS_FOLDERS_LAYOUT
    return FLAT_LAYOUT


def load_dataset(
    folder: str | os.PathLike,
    seed: int = 0,
    fractions: tuple[float, float, float] = DEFAULT_FRACTIONS,
    counts: tuple[int, int, int] | None = None,
    subset: str = EVERY_PHOTO_SUBSET,
) -> Dataset:
    """Scan a dataset folder in any of the three layouts.

    Parameters
    ----------
    folder
        The dataset folder.
    seed
        Shuffles the split of a folder not split yet, and the lecture subset's choice of photos.
    fractions
        Train, validation and test shares per class for a folder not split yet.
    counts
        Photos per class (train, validation, test) for a folder not split yet, instead of ``fractions``.
    subset
        One of :data:`SUBSETS`. ``"all"`` uses every usable photo; ``"lecture"`` at most
        :data:`LECTURE_COUNTS` per class: a folder not split yet is cut by them (a class with fewer
        photos is a DataError), a lecture-layout folder keeps that many of each split (seeded).

    Returns
    -------
    Dataset
        Files that cannot be used are in ``skipped`` with the reason; usable photos left out by the
        subset or by ``counts`` are in ``unused``, with ``unused_reason``.
    """
    if subset not in SUBSETS:
        raise DataError(f"unknown subset '{subset}'; choose one of {', '.join(SUBSETS)}")
    root = Path(folder).expanduser()
    with _readable(root):
        return _load_dataset(root, seed, fractions, counts, subset)


def subset_sizes(dataset: Dataset) -> dict[str, int | None]:
    """How many photos each of :data:`SUBSETS` would use, e.g. ``{"all": 25000, "lecture": 4000}``,
    whichever subset ``dataset`` was read with. ``"lecture"`` is ``None`` where a class of a folder not
    split yet has fewer photos than the subset needs."""
    every = _count_table(dataset.classes, _every_photo(dataset))
    total = sum(sum(row.values()) for row in every.values())
    if dataset.layout == LECTURE_LAYOUT:
        caps = dict(zip(SPLITS, LECTURE_COUNTS))
        lecture = sum(min(n, caps[split]) for split, row in every.items() for n in row.values())
    else:
        per_class = [sum(row[name] for row in every.values()) for name in dataset.classes]
        enough = all(n >= sum(LECTURE_COUNTS) for n in per_class)
        lecture = sum(LECTURE_COUNTS) * len(dataset.classes) if enough else None
    return {EVERY_PHOTO_SUBSET: total, LECTURE_SUBSET: lecture}


def subset_offered(dataset: Dataset) -> bool:
    """True when the lecture's subset can be used and would leave photos out: some class has more
    photos than the subset uses (the window then offers the choice)."""
    sizes = subset_sizes(dataset)
    return sizes[LECTURE_SUBSET] is not None and sizes[LECTURE_SUBSET] < sizes[EVERY_PHOTO_SUBSET]


def suggested_split_counts(smallest_class: int) -> tuple[int, int, int]:
    """The photos per class (train, validation, test) that a split copy suggests for a folder whose
    smallest class has ``smallest_class`` photos: :data:`LECTURE_COUNTS` when it has enough for them,
    else :data:`DEFAULT_FRACTIONS` of it."""
    if smallest_class >= sum(LECTURE_COUNTS):
        return LECTURE_COUNTS
    validation, test = (round(smallest_class * fraction) for fraction in DEFAULT_FRACTIONS[1:])
    return smallest_class - validation - test, validation, test


def _every_photo(dataset: Dataset) -> dict[str, list[Sample]]:
    """The photos used and those set aside, together, by split (and :data:`UNSPLIT`)."""
    every = {split: list(samples) for split, samples in dataset.splits.items()}
    for key, samples in dataset.unused.items():
        every.setdefault(key, []).extend(samples)
    return every


def _load_dataset(root: Path, seed, fractions, counts, subset) -> Dataset:
    layout = detect_layout(root)
    if layout == LECTURE_LAYOUT:
        dataset = _load_lecture_layout(root)
        if subset == LECTURE_SUBSET:
            _keep_lecture_subset(dataset, seed)
    else:
        dataset = _load_unsplit(root, layout, seed, fractions, counts, subset)
    dataset.subset = subset
    _check_classes_have_images(dataset)
    return dataset


def _load_lecture_layout(root: Path) -> Dataset:
    skipped: list[Skipped] = []
    split_dirs = {s: _split_dir(root, s) for s in SPLITS}
    _skip_loose_entries(root, [d for d in split_dirs.values() if d is not None],
                        "not inside train/, validation/ or test/", skipped)
    class_names = sorted({p.name for p in _visible_dirs(split_dirs["train"])}, key=_class_sort_key)
    splits = {}
    for split, directory in split_dirs.items():
        if directory is None:
            continue
        by_class = {name: _list_images(directory / name, skipped) for name in class_names}
        class_dirs = _visible_dirs(directory)
        _skip_loose_entries(directory, class_dirs, "not inside a class folder", skipped)
        for extra in class_dirs:
            if extra.name not in by_class:
                skipped.append(Skipped(str(extra), f"class '{extra.name}' is not in train/; ignored"))
        splits[split] = _samples(by_class, class_names)
    return Dataset(str(root), LECTURE_LAYOUT, class_names, splits, skipped)


def _keep_lecture_subset(dataset: Dataset, seed: int) -> None:
    """Keep at most :data:`LECTURE_COUNTS` photos per class of each split (a seeded choice); set the
    rest aside with the reason."""
    for split, cap in zip(SPLITS, LECTURE_COUNTS):
        samples = dataset.splits.get(split)
        if samples is None:
            continue
        kept, rest = [], []
        for label, name in enumerate(dataset.classes):
            of_class = [sample for sample in samples if sample.label == label]
            paths = sorted(sample.path for sample in of_class)
            random.Random(f"{seed}:{split}:{name}").shuffle(paths)
            chosen = set(paths[:cap])
            kept.extend(sample for sample in of_class if sample.path in chosen)
            rest.extend(sample for sample in of_class if sample.path not in chosen)
        dataset.splits[split] = kept
        if rest:
            dataset.unused[split] = rest
    if dataset.unused:
        dataset.unused_reason = _set_aside_reason()


def _load_unsplit(root: Path, layout: str, seed, fractions, counts, subset) -> Dataset:
    """A folder of class folders or a flat folder, split per class here."""
    skipped: list[Skipped] = []
    by_class = _class_folders(root, skipped) if layout == CLASS_FOLDERS_LAYOUT else _flat_files(root, skipped)
    class_names = sorted(by_class, key=_class_sort_key)
    by = "the split"
    if counts is None and subset == LECTURE_SUBSET:
        counts, by = LECTURE_COUNTS, "the lecture's subset"
        _check_big_enough_for_subset(root, by_class, class_names)
    splits, rest = _split_per_class(by_class, class_names, seed, fractions, counts)
    dataset = Dataset(str(root), layout, class_names, splits, skipped)
    if rest:
        dataset.unused = {UNSPLIT: rest}
        dataset.unused_reason = _set_aside_reason(counts, by)
    return dataset


def _set_aside_reason(counts: tuple[int, int, int] | None = None, by: str = "the lecture's subset") -> str:
    """Why photos are set aside, in words: "set aside: the lecture's subset uses 1000 train, ..."."""
    train, validation, test = counts or LECTURE_COUNTS
    return f"set aside: {by} uses {train} train, {validation} validation and {test} test photos per class"


def _check_big_enough_for_subset(root: Path, by_class: dict[str, list[str]], class_names: list[str]) -> None:
    needed = sum(LECTURE_COUNTS)
    for name in class_names:
        if len(by_class[name]) < needed:
            train, validation, test = LECTURE_COUNTS
            raise DataError(
                f"{root}: class '{name}' has {len(by_class[name])} usable images, fewer than the {needed} the "
                f"lecture's subset uses ({train} train + {validation} validation + {test} test); "
                "use every photo instead (subset 'all')"
            )


def labelled_files(folder: str | os.PathLike) -> tuple[list[str], list[tuple[str, str]], list[Skipped]]:
    """Labelled photos to evaluate on: a lecture-layout folder's ``test/``, or all of a folder of class
    folders or of a flat folder. Returns class names, ``(path, class name)`` pairs and skipped files."""
    root = Path(folder).expanduser()
    with _readable(root):
        return _labelled_files(root)


def _labelled_files(root: Path) -> tuple[list[str], list[tuple[str, str]], list[Skipped]]:
    layout = detect_layout(root)
    skipped: list[Skipped] = []
    if layout == LECTURE_LAYOUT:
        test = _split_dir(root, "test")
        if test is None:
            raise DataError(f"{root}: has no test/ folder to evaluate on")
        by_class = _class_folders(test, skipped)
    else:
        by_class = _class_folders(root, skipped) if layout == CLASS_FOLDERS_LAYOUT else _flat_files(root, skipped)
    classes = sorted(by_class, key=_class_sort_key)
    samples = [(path, name) for name in classes for path in by_class[name]]
    if not samples:
        raise DataError(f"{root}: no labelled images found")
    return classes, samples, skipped


def split_per_class(by_class, class_names, seed, fractions, counts) -> dict[str, list[Sample]]:
    """Shuffle each class with ``seed`` and cut it by counts (per class) or by fractions."""
    return _split_per_class(by_class, class_names, seed, fractions, counts)[0]


def _split_per_class(by_class, class_names, seed, fractions, counts) -> tuple[dict[str, list[Sample]], list[Sample]]:
    """The splits, and the photos beyond ``counts`` (none when cut by fractions)."""
    splits = {name: [] for name in SPLITS}
    rest = []
    for label, name in enumerate(class_names):
        files = sorted(by_class[name])
        random.Random(f"{seed}:{name}").shuffle(files)
        sizes = _split_sizes(len(files), fractions, counts, name)
        start = 0
        for split, size in zip(SPLITS, sizes):
            splits[split].extend(Sample(path, label) for path in files[start:start + size])
            start += size
        rest.extend(Sample(path, label) for path in files[start:])
    return {split: samples for split, samples in splits.items() if samples or split != "test"}, rest


def _split_sizes(total, fractions, counts, class_name):
    if counts is not None:
        if sum(counts) > total:
            raise DataError(
                f"class '{class_name}' has {total} usable images, fewer than the {sum(counts)} asked for "
                f"({counts[0]} train + {counts[1]} validation + {counts[2]} test)"
            )
        return counts
    validation = max(1, round(total * fractions[1])) if total >= 2 else 0
    test = round(total * fractions[2]) if total >= 3 else 0
    return (total - validation - test, validation, test)


def write_split(dataset: Dataset, out: str | os.PathLike) -> dict[str, dict[str, int]]:
    """Lay ``dataset``'s splits out as a lecture-layout folder (hard links where possible, else copies)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise DataError(f"{out}: exists and is a file; choose a new folder for the split")
    if out.exists() and any(out.iterdir()):
        raise DataError(f"{out}: the output folder exists and is not empty; choose a new folder")
    for split, samples in dataset.splits.items():
        for sample in samples:
            source = Path(sample.path)
            target = out / split / dataset.classes[sample.label] / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            number = 1
            while os.path.lexists(target):
                # Same name from another subfolder: never copy over it (it may be a hard link to an original).
                number += 1
                target = target.with_name(f"{source.stem}-{number}{source.suffix}")
            try:
                os.link(sample.path, target)
            except OSError:
                shutil.copy2(sample.path, target)
    return dataset.counts()


def _split_dir(root: Path, split: str) -> Path | None:
    aliases = {"validation": ("validation", "val")}.get(split, (split,))
    for entry in root.iterdir():
        if entry.is_dir() and entry.name.lower() in aliases:
            return entry
    return None


def _visible_dirs(folder: Path):
    return sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and not _is_link_loop(p)),
        key=lambda p: p.name,
    )


def _is_link_loop(path: Path) -> bool:
    try:
        path.resolve(strict=True)
        return False
    except (OSError, RuntimeError):
        return True


def _list_images(folder: Path, skipped: list[Skipped]) -> list[str]:
    """Every usable-looking image file under ``folder`` (recursively), others listed as skipped."""
    found = []

    def unreadable(error: OSError) -> None:
        skipped.append(Skipped(error.filename or str(folder), f"folder cannot be read ({error.strerror or error})"))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=unreadable, followlinks=False):
        links = {d for d in dirnames if os.path.islink(os.path.join(dirpath, d))}
        for name in sorted(links):
            # Not followed: a link may lead back up into the dataset and mix the classes.
            skipped.append(Skipped(os.path.join(dirpath, name), "a link to a folder; not followed"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in links)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            reason = skip_reason_for_name(path) or _skip_reason_for_entry(path)
            if reason:
                skipped.append(Skipped(str(path), reason))
            else:
                found.append(str(path))
    return found


def _skip_reason_for_entry(path: Path) -> str | None:
    """Why an entry that looks like an image by its name is not a file that can be read."""
    if not path.exists():
        return "broken link or link loop"
    if not path.is_file():
        return "not a regular file (a device, pipe or socket)"
    return None


def _skip_loose_entries(folder: Path, kept: list[Path], reason: str, skipped: list[Skipped]) -> None:
    """List what lies in ``folder`` besides the folders ``kept`` (hidden folders are left out silently)."""
    kept_names = {p.name for p in kept}
    for entry in sorted(folder.iterdir()):
        if entry.name in kept_names or (entry.name.startswith(".") and entry.is_dir()):
            continue
        if not entry.exists():
            why = "broken link or link loop"
        elif entry.is_dir():
            why = reason + "; ignored"
        else:
            why = hidden_or_system_reason(entry.name) or reason
        skipped.append(Skipped(str(entry), why))


@contextlib.contextmanager
def _readable(root: Path):
    """Turn a folder that cannot be read into a DataError naming it."""
    try:
        yield
    except (PermissionError, NotADirectoryError) as error:
        raise DataError(f"{error.filename or root}: cannot be read ({error.strerror or error})") from None


def _class_folders(root: Path, skipped) -> dict[str, list[str]]:
    folders = _visible_dirs(root)
    _skip_loose_entries(root, folders, "not inside a class folder", skipped)
    return {folder.name: _list_images(folder, skipped) for folder in folders}


def _flat_files(root: Path, skipped) -> dict[str, list[str]]:
    by_class: dict[str, list[str]] = {}
    for path in _list_images(root, skipped):
        match = _FLAT_NAME.match(Path(path).name)
        if match is None:
            skipped.append(Skipped(path, "name does not start with a class, like 'cat.123.jpg'"))
            continue
        by_class.setdefault(match.group(1).lower(), []).append(path)
    return by_class


def _samples(by_class: dict[str, list[str]], class_names: list[str]) -> list[Sample]:
    return [Sample(path, label) for label, name in enumerate(class_names) for path in by_class[name]]


def _class_sort_key(name: str):
    return (name.lower(), name)


def _check_classes_have_images(dataset: Dataset) -> None:
    where = dataset.root
    if len(dataset.classes) < 2:
        found = f"only '{dataset.classes[0]}'" if dataset.classes else "none"
        raise DataError(
            f"{where}: at least two classes are needed, one folder of images each (found {found})"
        )
    for split in ("train", "validation"):
        if split not in dataset.splits:
            raise DataError(f"{where}: no '{split}' images")
        counts = dataset.counts()[split]
        empty = [name for name, n in counts.items() if n == 0]
        if empty:
            raise DataError(
                f"{where}: class '{empty[0]}' has no usable images in {split}/"
                + (f" ({len(dataset.skipped)} files were skipped; see the list)" if dataset.skipped else "")
            )
