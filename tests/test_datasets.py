"""Finding the photos: the three layouts, class names, seeded splits, skipped files and write_split."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from catdog_gui.core import datasets
from catdog_gui.core.datasets import (
    UNSPLIT,
    DataError,
    Dataset,
    Sample,
    detect_layout,
    labelled_files,
    load_dataset,
    split_per_class,
    subset_offered,
    subset_sizes,
    write_split,
)
from catdog_gui.core.errors import UserError
from catdog_gui.core.images import Skipped
from catdog_gui.core.preprocessing import decode_all

from conftest import make_image, write_lecture_dataset


def class_folders(root: Path, per_class: dict[str, int], suffix=".png") -> Path:
    """``root/<class>/<class>_<n>.png``: tiny real images."""
    seed = 100
    for label, (name, count) in enumerate(per_class.items()):
        for i in range(count):
            seed += 1
            make_image(root / name / f"{name}_{i}{suffix}", label % 2, seed, size=12)
    return root


def flat_folder(root: Path, per_class: dict[str, int], real=True) -> Path:
    """Kaggle style: ``root/cat.0.jpg``, ``root/dog.7.jpg``... (empty files unless ``real``)."""
    root.mkdir(parents=True, exist_ok=True)
    for label, (name, count) in enumerate(per_class.items()):
        for i in range(count):
            path = root / f"{name}.{i}.jpg"
            if real:
                make_image(path, label % 2, i, size=12)
            else:
                path.touch()
    return root


def all_paths(dataset: Dataset) -> list[str]:
    return [s.path for samples in dataset.splits.values() for s in samples]


def assert_labels_match_folders(dataset: Dataset) -> None:
    for samples in dataset.splits.values():
        for sample in samples:
            assert Path(sample.path).parent.name == dataset.classes[sample.label]


@pytest.fixture(autouse=True)
def no_hanging():
    """A scan that loops forever fails the test instead of hanging the suite."""

    def too_slow(*_):
        raise TimeoutError("dataset scan did not finish")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


# --- lecture layout -------------------------------------------------------------------------------


def test_lecture_layout_reads_train_validation_and_test(tiny_dataset):
    assert detect_layout(tiny_dataset) == "lecture"
    dataset = load_dataset(tiny_dataset)
    assert dataset.layout == "lecture"
    assert dataset.root == str(tiny_dataset)
    assert dataset.classes == ["cats", "dogs"]
    assert dataset.counts() == {
        "train": {"cats": 8, "dogs": 8},
        "validation": {"cats": 4, "dogs": 4},
        "test": {"cats": 4, "dogs": 4},
    }
    assert dataset.skipped == []
    assert_labels_match_folders(dataset)
    for split, samples in dataset.splits.items():
        assert all(Path(s.path).parent.parent.name == split for s in samples)


def test_lecture_layout_accepts_val_any_case_and_no_test(tmp_path):
    root = tmp_path / "data"
    for split, folder in (("train", "Train"), ("validation", "VAL")):
        for label, name in enumerate(("cats", "dogs")):
            for i in range(3):
                make_image(root / folder / name / f"{i}.png", label, i, size=12)
    assert detect_layout(root) == "lecture"
    dataset = load_dataset(root)
    assert set(dataset.splits) == {"train", "validation"}
    assert dataset.counts()["validation"] == {"cats": 3, "dogs": 3}


def test_lecture_layout_class_missing_from_train_is_listed_as_skipped(tiny_dataset):
    make_image(tiny_dataset / "validation" / "birds" / "b.png", 0, 1, size=12)
    dataset = load_dataset(tiny_dataset)
    assert dataset.classes == ["cats", "dogs"]
    [extra] = dataset.skipped
    assert extra.path == str(tiny_dataset / "validation" / "birds")
    assert "birds" in extra.reason and "not in train" in extra.reason


def test_lecture_layout_class_without_validation_images_is_an_error_naming_it(tiny_dataset):
    for path in (tiny_dataset / "validation" / "dogs").iterdir():
        path.unlink()
    with pytest.raises(DataError, match="'dogs'.*validation"):
        load_dataset(tiny_dataset)


def test_labelled_files_uses_the_test_folder_of_a_lecture_layout(tiny_dataset):
    classes, samples, skipped = labelled_files(tiny_dataset)
    assert classes == ["cats", "dogs"]
    assert len(samples) == 8 and skipped == []
    for path, name in samples:
        assert Path(path).parent.name == name
        assert Path(path).parent.parent.name == "test"


def test_labelled_files_without_a_test_folder_is_an_error(tiny_dataset):
    import shutil

    shutil.rmtree(tiny_dataset / "test")
    with pytest.raises(DataError, match="test"):
        labelled_files(tiny_dataset)


def test_labelled_files_of_class_folders_and_flat_folders_uses_everything(tmp_path):
    classes, samples, _ = labelled_files(class_folders(tmp_path / "cf", {"cats": 3, "dogs": 2}))
    assert classes == ["cats", "dogs"] and len(samples) == 5
    assert sorted(name for _, name in samples) == ["cats"] * 3 + ["dogs"] * 2
    classes, samples, _ = labelled_files(flat_folder(tmp_path / "flat", {"cat": 2, "dog": 4}, real=False))
    assert classes == ["cat", "dog"] and len(samples) == 6
    for path, name in samples:
        assert Path(path).name.startswith(name + ".")


def test_labelled_files_with_no_images_is_an_error(tmp_path):
    (tmp_path / "nothing").mkdir()
    with pytest.raises(DataError, match="no labelled images"):
        labelled_files(tmp_path / "nothing")


# --- one folder of class folders: split here, stratified and seeded ------------------------------------


def test_class_folders_are_split_per_class_by_fractions(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 20, "dogs": 10})
    assert detect_layout(root) == "class-folders"
    dataset = load_dataset(root, seed=3)
    assert dataset.layout == "class-folders"
    assert dataset.counts() == {
        "train": {"cats": 14, "dogs": 6},
        "validation": {"cats": 3, "dogs": 2},  # round(1.5) == 2
        "test": {"cats": 3, "dogs": 2},
    }
    paths = all_paths(dataset)
    assert len(paths) == len(set(paths)) == 30  # every file once, in exactly one split
    assert_labels_match_folders(dataset)


def test_class_folder_split_is_seeded(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 12, "dogs": 12})
    first = load_dataset(root, seed=1).splits
    assert load_dataset(root, seed=1).splits == first
    other = load_dataset(root, seed=2).splits
    assert other != first
    assert {k: sorted(s.path for s in v) for k, v in other.items()} != {
        k: sorted(s.path for s in v) for k, v in first.items()
    }  # different files, not just a different order
    for splits in (first, other):
        for samples in splits.values():
            assert {s.label for s in samples} == {0, 1}  # every class in every split


def test_split_does_not_depend_on_the_order_files_are_listed(tmp_path):
    by_class = {"a": [f"/x/a{i}.png" for i in range(10)], "b": [f"/x/b{i}.png" for i in range(10)]}
    shuffled = {name: list(reversed(files)) for name, files in by_class.items()}
    fractions = (0.6, 0.2, 0.2)
    assert split_per_class(by_class, ["a", "b"], 5, fractions, None) == split_per_class(
        shuffled, ["a", "b"], 5, fractions, None
    )


def test_split_per_class_by_counts_and_small_classes():
    by_class = {"a": [f"a{i}" for i in range(10)], "b": [f"b{i}" for i in range(2)]}
    splits = split_per_class({"a": by_class["a"], "b": by_class["a"]}, ["a", "b"], 0, (0.7, 0.15, 0.15), (5, 3, 2))
    assert [len(splits[s]) for s in ("train", "validation", "test")] == [10, 6, 4]
    # Two images: one for train, one for validation, no test split at all.
    splits = split_per_class({"a": by_class["b"], "b": by_class["b"]}, ["a", "b"], 0, (0.7, 0.15, 0.15), None)
    assert set(splits) == {"train", "validation"}
    assert [len(splits["train"]), len(splits["validation"])] == [2, 2]


def test_custom_fractions_and_counts(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 10, "dogs": 10})
    dataset = load_dataset(root, fractions=(0.5, 0.3, 0.2))
    assert dataset.counts()["train"] == {"cats": 5, "dogs": 5}
    assert dataset.counts()["validation"] == {"cats": 3, "dogs": 3}
    dataset = load_dataset(root, counts=(4, 2, 1))
    assert dataset.counts() == {
        "train": {"cats": 4, "dogs": 4},
        "validation": {"cats": 2, "dogs": 2},
        "test": {"cats": 1, "dogs": 1},
    }
    # The photos beyond the counts asked for are set aside, and said so.
    assert dataset.unused_counts() == {UNSPLIT: {"cats": 3, "dogs": 3}}
    assert dataset.unused_reason == "set aside: the split uses 4 train, 2 validation and 1 test photos per class"


def test_class_names_are_sorted_case_insensitively_and_labels_follow(tmp_path):
    root = tmp_path / "data"
    for name in ("cat", "Bee", "apple"):  # created out of order; plain sorted() would put "Bee" first
        class_folders(root, {name: 4})
    dataset = load_dataset(root)
    assert dataset.classes == ["apple", "Bee", "cat"]
    assert_labels_match_folders(dataset)
    assert dataset.counts()["train"] == {"apple": 2, "Bee": 2, "cat": 2}


def test_class_names_differing_only_in_case_have_a_stable_order(tmp_path):
    root = class_folders(tmp_path / "data", {"cat": 3, "Cat": 3})
    if not (root / "Cat").is_dir() or not (root / "cat").is_dir() or len(list(root.iterdir())) != 2:
        pytest.skip("case-insensitive file system")
    dataset = load_dataset(root)
    assert dataset.classes == ["Cat", "cat"]
    assert_labels_match_folders(dataset)


def test_bad_files_in_class_folders_are_skipped_by_name_with_reasons(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 5, "dogs": 5})
    junk = {
        "cats/.DS_Store": "system file",
        "cats/Thumbs.db": "system file",
        "cats/._cats_0.png": "system file",
        "dogs/.secret.png": "hidden file",
        "dogs/IMG_1.heic": "not a supported image type (.heic)",
        "dogs/notes.txt": "not a supported image type (.txt)",
        "stray.png": "not inside a class folder",
    }
    for name in junk:
        (root / name).write_bytes(b"junk")
    (root / ".git").mkdir()  # hidden folders are not classes
    (root / ".git" / "x.png").write_bytes(b"junk")
    (root / "dogs" / ".thumbnails").mkdir()
    (root / "dogs" / ".thumbnails" / "t.png").write_bytes(b"junk")
    dataset = load_dataset(root)
    assert dataset.classes == ["cats", "dogs"]
    assert sum(sum(row.values()) for row in dataset.counts().values()) == 10
    reasons = {Path(s.path).relative_to(root).as_posix(): s.reason for s in dataset.skipped}
    assert set(reasons) == set(junk)
    for name, words in junk.items():
        assert words in reasons[name]
    assert all(isinstance(s, Skipped) for s in dataset.skipped)
    assert all(".git" not in p and ".thumbnails" not in p for p in all_paths(dataset))


def test_images_in_nested_folders_of_a_class_are_found(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 4, "dogs": 4})
    make_image(root / "cats" / "2019" / "summer" / "deep.png", 0, 9, size=12)
    dataset = load_dataset(root)
    assert sum(dataset.counts()[s]["cats"] for s in dataset.splits) == 5
    assert str(root / "cats" / "2019" / "summer" / "deep.png") in all_paths(dataset)


def test_one_class_is_an_error_asking_for_two_classes(tmp_path):
    with pytest.raises(DataError, match="two classes") as info:
        load_dataset(class_folders(tmp_path / "data", {"cats": 6}))
    assert "cats" in str(info.value)
    with pytest.raises(DataError, match="two classes"):
        load_dataset(flat_folder(tmp_path / "flat", {"cat": 6}, real=False))
    with pytest.raises(DataError, match="two classes"):
        load_dataset(write_lecture_dataset(tmp_path / "lecture", per_split=(2, 2, 2), classes=("cats",)))


def test_empty_folder_is_an_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="two classes"):
        load_dataset(tmp_path / "empty")


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(DataError, match="not a folder"):
        load_dataset(tmp_path / "nowhere")
    assert issubclass(DataError, UserError)


def test_empty_class_folder_is_an_error_naming_the_class(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 5, "dogs": 5})
    (root / "zebras").mkdir()
    with pytest.raises(DataError, match="'zebras'"):
        load_dataset(root)


def test_class_folder_with_only_junk_is_an_error_naming_the_class_and_the_skipped_files(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 5})
    (root / "dogs").mkdir()
    (root / "dogs" / "a.heic").write_bytes(b"x")
    with pytest.raises(DataError, match="'dogs'") as info:
        load_dataset(root)
    assert "skipped" in str(info.value)


def test_symlink_loops_in_class_folders_neither_hang_nor_crash(tmp_path):
    root = class_folders(tmp_path / "data", {"cats": 5, "dogs": 5})
    os.symlink("..", root / "cats" / "up")  # a folder link back to the dataset
    os.symlink(".", root / "dogs" / "here")  # a folder link to itself
    os.symlink("self.jpg", root / "dogs" / "self.jpg")  # a file link to itself
    os.symlink("b.png", root / "cats" / "a.png")  # a two-link loop
    os.symlink("a.png", root / "cats" / "b.png")
    os.symlink("gone.png", root / "cats" / "dangling.png")
    os.symlink("loopdir", root / "loopdir")  # a class folder that is a loop
    dataset = load_dataset(root)
    assert dataset.classes == ["cats", "dogs"]
    assert len(all_paths(dataset)) == 10
    reasons = {Path(s.path).name: s.reason for s in dataset.skipped}
    for name in ("self.jpg", "a.png", "b.png", "dangling.png"):
        assert "link" in reasons[name]
    classes, samples, _ = labelled_files(root)
    assert classes == ["cats", "dogs"] and len(samples) == 10


def test_names_with_spaces_accents_emoji_and_other_scripts(tmp_path):
    root = tmp_path / "mes données"
    names = {"chats été": ["café au lait 1.png", "Ünïcödé.png"], "собаки 🐶": ["пёс 1.png", "🐕 dog.png"],
             "猫": ["ねこ 写真.png", "猫.png"]}
    for label, (name, files) in enumerate(names.items()):
        for i, file in enumerate(files):
            make_image(root / name / file, label % 2, i, size=12)
    dataset = load_dataset(root)
    assert sorted(dataset.classes) == sorted(names)
    assert dataset.skipped == []
    assert_labels_match_folders(dataset)
    paths = all_paths(dataset)
    assert sorted(Path(p).name for p in paths) == sorted(f for files in names.values() for f in files)
    pixels, kept, skipped = decode_all(paths, 8)  # and Pillow can open them all
    assert skipped == [] and len(kept) == 6


# --- flat, Kaggle-style folder -----------------------------------------------------------------------


def test_flat_folder_takes_labels_from_file_names(tmp_path):
    root = flat_folder(tmp_path / "train", {"cat": 10, "dog": 10})
    (root / "Dog.99.jpg").touch()  # names are not case sensitive
    (root / "dog-100.jpg").touch()
    (root / "holiday.jpg").touch()  # no number: no label
    (root / "1234.jpg").touch()
    (root / ".DS_Store").touch()
    assert detect_layout(root) == "flat"
    dataset = load_dataset(root, seed=0)
    assert dataset.layout == "flat"
    assert dataset.classes == ["cat", "dog"]
    counts = dataset.counts()
    assert sum(counts[s]["cat"] for s in counts) == 10
    assert sum(counts[s]["dog"] for s in counts) == 12
    for samples in dataset.splits.values():
        for sample in samples:
            assert Path(sample.path).name.lower().startswith(dataset.classes[sample.label])
    reasons = {Path(s.path).name: s.reason for s in dataset.skipped}
    assert set(reasons) == {"holiday.jpg", "1234.jpg", ".DS_Store"}
    assert "class" in reasons["holiday.jpg"] and reasons[".DS_Store"] == "system file"


def test_a_big_flat_folder_uses_every_photo_split_70_15_15(tmp_path):
    root = flat_folder(tmp_path / "train", {"cat": 2000, "dog": 2001}, real=False)
    (root / "holiday.jpg").touch()
    dataset = load_dataset(root)
    assert dataset.subset == "all"
    assert dataset.counts() == {
        "train": {"cat": 1400, "dog": 1401},
        "validation": {"cat": 300, "dog": 300},
        "test": {"cat": 300, "dog": 300},
    }
    files = len(list(root.iterdir()))
    assert len(all_paths(dataset)) == files - len(dataset.skipped) == 4001
    assert dataset.unused == {} and dataset.unused_counts() == {} and dataset.unused_reason == ""


def test_the_lecture_subset_cuts_a_flat_folder_and_sets_the_rest_aside(tmp_path):
    root = flat_folder(tmp_path / "train", {"cat": 2000, "dog": 2003}, real=False)
    dataset = load_dataset(root, subset="lecture")
    assert dataset.subset == "lecture"
    assert dataset.counts() == {
        "train": {"cat": 1000, "dog": 1000},
        "validation": {"cat": 500, "dog": 500},
        "test": {"cat": 500, "dog": 500},
    }
    assert dataset.unused_counts() == {UNSPLIT: {"cat": 0, "dog": 3}}
    assert dataset.unused_total() == 3
    assert dataset.unused_reason == ("set aside: the lecture's subset uses 1000 train, 500 validation and 500 "
                                     "test photos per class")
    used = set(all_paths(dataset))
    aside = {s.path for s in dataset.unused[UNSPLIT]}
    assert not used & aside and len(used | aside) == 4003  # every photo either used or set aside
    assert all(Path(p).name.startswith("dog.") for p in aside)


def test_the_lecture_subset_follows_lecture_counts_and_the_seed(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (4, 2, 2))
    root = class_folders(tmp_path / "data", {"cats": 10, "dogs": 12})
    dataset = load_dataset(root, seed=1, subset="lecture")
    assert dataset.counts() == {s: {"cats": n, "dogs": n} for s, n in (("train", 4), ("validation", 2), ("test", 2))}
    assert dataset.unused_counts() == {UNSPLIT: {"cats": 2, "dogs": 4}}
    assert "uses 4 train, 2 validation and 2 test photos per class" in dataset.unused_reason
    assert load_dataset(root, seed=1, subset="lecture").splits == dataset.splits
    other = load_dataset(root, seed=2, subset="lecture")
    assert {s.path for s in other.unused[UNSPLIT]} != {s.path for s in dataset.unused[UNSPLIT]}
    # Without the subset, the same folder uses every photo.
    every = load_dataset(root, seed=1)
    assert sum(map(sum, (row.values() for row in every.counts().values()))) == 22 and every.unused == {}


def test_the_lecture_subset_keeps_at_most_its_counts_of_each_split_of_a_lecture_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (5, 4, 3))
    root = write_lecture_dataset(tmp_path / "data", per_split=(8, 4, 4))
    assert load_dataset(root).counts() == {s: {"cats": n, "dogs": n} for s, n in
                                           (("train", 8), ("validation", 4), ("test", 4))}
    dataset = load_dataset(root, seed=0, subset="lecture")
    assert dataset.counts() == {s: {"cats": n, "dogs": n} for s, n in (("train", 5), ("validation", 4), ("test", 3))}
    assert dataset.unused_counts() == {"train": {"cats": 3, "dogs": 3}, "test": {"cats": 1, "dogs": 1}}
    assert dataset.unused_reason == ("set aside: the lecture's subset uses 5 train, 4 validation and 3 test "
                                     "photos per class")
    for split, samples in dataset.unused.items():  # set aside from the split they are in
        assert all(Path(s.path).parts[-3] == split for s in samples)
    assert_labels_match_folders(dataset)
    assert load_dataset(root, seed=0, subset="lecture").splits == dataset.splits
    other = load_dataset(root, seed=3, subset="lecture")
    assert {s.path for s in other.splits["train"]} != {s.path for s in dataset.splits["train"]}


def test_a_class_too_small_for_the_lecture_subset_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (4, 2, 2))
    root = flat_folder(tmp_path / "flat", {"cat": 10, "dog": 7}, real=False)
    with pytest.raises(DataError, match="flat: class 'dog' has 7 usable images, fewer than the 8 the lecture's"):
        load_dataset(root, subset="lecture")
    assert load_dataset(root).counts()["train"] == {"cat": 6, "dog": 5}  # every photo: no problem


def test_an_unknown_subset_is_refused(tiny_dataset):
    with pytest.raises(DataError, match="unknown subset 'half'.*all, lecture"):
        load_dataset(tiny_dataset, subset="half")


def test_the_subset_is_offered_when_it_would_leave_photos_out(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "LECTURE_COUNTS", (4, 2, 2))
    big = flat_folder(tmp_path / "big", {"cat": 10, "dog": 12}, real=False)
    for subset in ("all", "lecture"):  # the same answer whichever subset the folder was read with
        dataset = load_dataset(big, subset=subset)
        assert subset_sizes(dataset) == {"all": 22, "lecture": 16}
        assert subset_offered(dataset)
    lopsided = flat_folder(tmp_path / "lopsided", {"cat": 10, "dog": 7}, real=False)
    assert subset_sizes(load_dataset(lopsided)) == {"all": 17, "lecture": None}
    assert not subset_offered(load_dataset(lopsided))
    exact = write_lecture_dataset(tmp_path / "exact", per_split=(4, 2, 1))
    assert subset_sizes(load_dataset(exact)) == {"all": 14, "lecture": 14}
    assert not subset_offered(load_dataset(exact))
    more = write_lecture_dataset(tmp_path / "more", per_split=(4, 3, 1))
    assert subset_sizes(load_dataset(more)) == {"all": 16, "lecture": 14} and subset_offered(load_dataset(more))


def test_flat_folder_split_is_seeded(tmp_path):
    root = flat_folder(tmp_path / "train", {"cat": 15, "dog": 15}, real=False)
    assert load_dataset(root, seed=7).splits == load_dataset(root, seed=7).splits
    assert load_dataset(root, seed=7).splits != load_dataset(root, seed=8).splits


# --- Dataset.drop -----------------------------------------------------------------------------------


def test_drop_removes_unusable_files_and_remembers_why(tiny_dataset):
    dataset = load_dataset(tiny_dataset)
    victim = dataset.splits["train"][0].path
    other = dataset.splits["test"][-1].path
    dataset.drop([Skipped(victim, "truncated"), Skipped(other, "empty file")])
    assert victim not in all_paths(dataset) and other not in all_paths(dataset)
    assert dataset.counts()["train"] == {"cats": 7, "dogs": 8}
    assert dataset.counts()["test"] == {"cats": 4, "dogs": 3}
    assert [(s.path, s.reason) for s in dataset.skipped] == [(victim, "truncated"), (other, "empty file")]
    before = dict(dataset.splits)
    dataset.drop([])
    assert dataset.splits == before and len(dataset.skipped) == 2


def test_drop_that_empties_a_class_is_an_error_naming_it(tiny_dataset):
    dataset = load_dataset(tiny_dataset)
    dogs = [Skipped(s.path, "damaged") for s in dataset.splits["validation"] if s.label == 1]
    with pytest.raises(DataError, match="'dogs'.*validation") as info:
        dataset.drop(dogs)
    assert "skipped" in str(info.value)


# --- write_split ------------------------------------------------------------------------------------


def count_files(folder: Path) -> dict[str, dict[str, int]]:
    return {
        split.name: {cls.name: len(list(cls.iterdir())) for cls in sorted(split.iterdir())}
        for split in sorted(folder.iterdir())
    }


def test_write_split_lays_a_flat_folder_out_in_the_lecture_layout(tmp_path):
    root = flat_folder(tmp_path / "kaggle", {"cat": 10, "dog": 12})
    dataset = load_dataset(root, counts=(5, 3, 2), seed=4)
    out = tmp_path / "split"
    written = write_split(dataset, out)
    expected = {
        "train": {"cat": 5, "dog": 5},
        "validation": {"cat": 3, "dog": 3},
        "test": {"cat": 2, "dog": 2},
    }
    assert written == expected
    assert count_files(out) == expected
    for split, samples in dataset.splits.items():
        for sample in samples:
            target = out / split / dataset.classes[sample.label] / Path(sample.path).name
            assert target.read_bytes() == Path(sample.path).read_bytes()
    assert len(list(root.iterdir())) == 22  # the originals stay
    again = load_dataset(out)
    assert again.layout == "lecture" and again.counts() == expected


def test_write_split_into_an_existing_empty_folder(tmp_path):
    dataset = load_dataset(class_folders(tmp_path / "data", {"cats": 4, "dogs": 4}), counts=(2, 1, 1))
    (tmp_path / "out").mkdir()
    assert write_split(dataset, tmp_path / "out")["train"] == {"cats": 2, "dogs": 2}


def test_write_split_refuses_a_non_empty_output_folder(tmp_path):
    dataset = load_dataset(flat_folder(tmp_path / "kaggle", {"cat": 6, "dog": 6}))
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep-me.txt").write_text("mine")
    with pytest.raises(DataError, match="not empty"):
        write_split(dataset, out)
    assert [p.name for p in out.iterdir()] == ["keep-me.txt"]


def test_write_split_keeps_files_with_the_same_name_from_different_subfolders(tmp_path):
    root = tmp_path / "data"
    seed = 0
    for label, name in enumerate(("cats", "dogs")):
        for folder in ("phone", "camera"):
            for i in range(3):
                seed += 1
                make_image(root / name / folder / f"IMG_{i}.png", label, seed, size=12)
    originals = {p: p.read_bytes() for p in root.rglob("*.png")}
    dataset = load_dataset(root, counts=(5, 1, 0))  # 5 train files per class, only 3 distinct names
    written = write_split(dataset, tmp_path / "out")
    changed = [str(p.relative_to(root)) for p, data in originals.items() if p.read_bytes() != data]
    assert changed == []  # copying a namesake must not write through a hard link into an original
    assert written["train"] == {"cats": 5, "dogs": 5}
    assert count_files(tmp_path / "out") == written
    contents = {p.read_bytes() for p in (tmp_path / "out").rglob("*.png")}
    assert len(contents) == 12  # every photo, none overwritten by a namesake


def test_asking_for_more_images_than_a_class_has_is_an_error_naming_it(tmp_path):
    root = flat_folder(tmp_path / "kaggle", {"cat": 20, "dog": 7}, real=False)
    with pytest.raises(DataError, match="'dog' has 7") as info:
        load_dataset(root, counts=(5, 2, 2))
    assert "9" in str(info.value)


def test_samples_are_plain_values():
    assert Sample("a.png", 1) == Sample("a.png", 1)
    assert {Sample("a.png", 1), Sample("a.png", 1)} == {Sample("a.png", 1)}
