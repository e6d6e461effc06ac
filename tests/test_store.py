"""The disk-backed stores of decoded pixels and features, and how runs read their photos through them."""

from __future__ import annotations

import numpy as np
import pytest

from catdog_gui.core import preprocessing
from catdog_gui.core.images import load_pixels
from catdog_gui.core.prediction import Predictor
from catdog_gui.core.store import RowStore, content_digest, feature_store, pixel_store
from catdog_gui.core.training import EpochDone, Notice, Progress, Training

from test_training import run_all, settings_for


def digest(n: int) -> bytes:
    return n.to_bytes(16, "big")


def write_rows(store: RowStore, rows: np.ndarray, first: int = 1) -> list[bytes]:
    digests = [digest(first + i) for i in range(len(rows))]
    with store.writer(len(rows)) as writer:
        writer.slots(len(rows))[:] = rows
        writer.commit(digests)
    return digests


def shards(store: RowStore):
    return sorted(p for p in store.folder.glob("*.npy") if not p.name.endswith(".digests.npy"))


# --- the store itself ---------------------------------------------------------------------------------

def test_rows_come_back_by_digest_in_any_order_after_reopening(tmp_path):
    rows = np.random.default_rng(0).random((10, 4), dtype=np.float32)
    digests = write_rows(RowStore(tmp_path, (4,), np.float32), rows)
    store = RowStore(tmp_path, (4,), np.float32)
    assert all(d in store for d in digests) and digest(99) not in store
    view = store.rows([digests[7], digests[2], digests[2]])
    assert np.array_equal(view[slice(None)].numpy(), rows[[7, 2, 2]])
    assert np.array_equal(view[np.array([1])].numpy(), rows[[2]])
    assert np.array_equal(view.subset([0]).__getitem__(slice(None)).numpy(), rows[[7]])


def test_rows_spread_over_several_shards_and_empty_rows_are_not_found(tmp_path, monkeypatch):
    monkeypatch.setattr("catdog_gui.core.store.SHARD_BYTES", 8)  # 4 rows of 2 bytes
    store = RowStore(tmp_path, (2,), np.uint8)
    with store.writer(10) as writer:
        for start in range(0, 10, 3):
            n = min(3, 10 - start)
            writer.slots(n)[:] = np.arange(start, start + n, dtype=np.uint8)[:, None]
            # the second row of each write "could not be read"
            writer.commit([None if i == 1 else digest(start + i + 1) for i in range(n)])
    reopened = RowStore(tmp_path, (2,), np.uint8)
    assert len(shards(reopened)) >= 3
    assert digest(2) not in reopened and digest(5) not in reopened
    found = [d for d in (digest(i + 1) for i in range(10)) if d in reopened]
    assert reopened.rows(found)[slice(None)][:, 0].tolist() == [0, 2, 3, 5, 6, 8, 9]


def test_a_shard_without_its_index_is_never_read(tmp_path):
    store = RowStore(tmp_path, (3,), np.float32)
    write_rows(store, np.ones((2, 3), np.float32))
    for index in store.folder.glob("*.digests.npy"):
        index.unlink()  # as if the writer was killed between the rows and the index
    assert len(RowStore(tmp_path, (3,), np.float32).shards) == 0


@pytest.mark.parametrize("damage, reason", [
    ("truncate", "cannot be used"),
    ("nan", "not finite"),
    ("wrong-width", "expected float32 (3,)"),
    ("not-numpy", "cannot be used"),
])
def test_a_damaged_or_foreign_shard_is_dropped_with_a_notice(tmp_path, damage, reason):
    digests = write_rows(RowStore(tmp_path, (3,), np.float32), np.ones((5, 3), np.float32))
    shard = shards(RowStore(tmp_path, (3,), np.float32))[0]
    if damage == "truncate":
        shard.write_bytes(shard.read_bytes()[:-7])
    elif damage == "nan":
        rows = np.load(shard)
        rows[3, 1] = np.nan
        np.save(shard, rows)
    elif damage == "wrong-width":
        np.save(shard, np.ones((5, 4), np.float32))
    else:
        shard.write_text("not a numpy file")
    store = RowStore(tmp_path, (3,), np.float32, check_finite=True, what="feature cache")
    assert not any(d in store for d in digests)
    assert len(store.notices) == 1 and store.notices[0].startswith("feature cache: ")
    assert reason in store.notices[0] and shard.name in store.notices[0]
    assert not shard.exists()  # deleted, so the photos are computed again and the notice is said once


def test_the_store_folder_names_the_reader_size_and_weights(tmp_path):
    assert pixel_store(48).folder != pixel_store(64).folder
    assert feature_store("b", "weights-1", 64, 8).folder != feature_store("b", "weights-2", 64, 8).folder


# --- training reads through the stores ------------------------------------------------------------------

def reading_progress(records, phase: str) -> int:
    return sum(r.total for r in records if isinstance(r, Progress) and r.phase == phase and r.done == r.total)


def notices(records) -> list[str]:
    return [r.text for r in records if isinstance(r, Notice)]


def losses(records) -> list[float]:
    """Training and validation loss of every epoch, in one flat list."""
    return [loss for r in records if isinstance(r, EpochDone) for loss in (r.loss, r.val_loss)]


def test_a_second_pixel_run_decodes_nothing_and_trains_the_same(tiny_dataset, tmp_path):
    settings = settings_for(tiny_dataset, "scratch", epochs=2)
    first = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    assert reading_progress(first, "reading photos") == 32
    assert first[-1].reading == "pixel-cache" and any("pixel cache" in text for text in notices(first))
    second = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    assert reading_progress(second, "reading photos") == 0
    assert losses(second) == losses(first)


def test_the_pixel_store_holds_exactly_what_the_reader_gives(tiny_dataset, tmp_path):
    run_all(Training(settings_for(tiny_dataset, "scratch"), runs_dir=tmp_path / "runs"))
    store = pixel_store(48)
    photo = next((tiny_dataset / "train" / "dogs").iterdir())
    stored = store.rows([content_digest(str(photo))])[slice(None)].numpy()[0]
    assert np.array_equal(stored, load_pixels(str(photo), 48))


def test_past_the_disk_budget_a_run_streams_and_learns_the_same(tiny_dataset, tmp_path):
    cached = run_all(Training(settings_for(tiny_dataset, "scratch", epochs=2), runs_dir=tmp_path / "runs"))
    streamed = run_all(Training(settings_for(tiny_dataset, "scratch", epochs=2, pixel_cache_gb=0),
                                runs_dir=tmp_path / "runs"))
    assert streamed[-1].reading == "streaming"
    assert any("decoded every epoch" in text for text in notices(streamed))
    assert reading_progress(streamed, "checking photos") == 32
    assert losses(streamed) == pytest.approx(losses(cached), abs=1e-6)
    assert streamed[-1].test_accuracy == cached[-1].test_accuracy


def test_a_streamed_run_leaves_out_unusable_photos_with_the_reason(tiny_dataset, tmp_path):
    broken = tiny_dataset / "train" / "cats" / "cats.0.png"
    broken.write_bytes(b"not an image")
    records = run_all(Training(settings_for(tiny_dataset, "scratch", pixel_cache_gb=0), runs_dir=tmp_path / "runs"))
    assert [s.path for s in records[-1].skipped] == [str(broken)]
    assert records[-1].test_accuracy is not None


def test_a_photo_broken_during_a_streamed_run_stops_it_with_a_message_naming_it(tiny_dataset, tmp_path):
    from catdog_gui.core.errors import DataError

    photo = tiny_dataset / "train" / "dogs" / "dogs.3.png"
    training = Training(settings_for(tiny_dataset, "scratch", epochs=3, pixel_cache_gb=0), runs_dir=tmp_path / "runs")
    with pytest.raises(DataError, match="dogs.3.png.*changed or removed"):
        for record in training.run():
            if isinstance(record, EpochDone):
                photo.write_bytes(b"broken now")


@pytest.mark.parametrize("damage", ["truncate", "nan", "wrong-width"])
def test_a_damaged_feature_cache_is_computed_again_with_a_notice(tiny_dataset, tmp_path, damage):
    settings = settings_for(tiny_dataset, "feature-extraction", epochs=2)
    first = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    shard = next(p for p in (tmp_path / "cache" / "features").rglob("*.npy") if not p.name.endswith(".digests.npy"))
    rows = np.load(shard)
    if damage == "truncate":
        shard.write_bytes(shard.read_bytes()[: len(shard.read_bytes()) // 2])
    elif damage == "nan":
        rows[0, 0] = np.nan
        np.save(shard, rows)
    else:
        np.save(shard, rows[:, :-1])
    second = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    assert [text for text in notices(second) if "cannot be used" in text]
    assert reading_progress(second, "extracting features") == 32
    assert losses(second) == pytest.approx(losses(first), abs=1e-5)
    third = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    assert not [text for text in notices(third) if "cannot be used" in text]
    assert reading_progress(third, "extracting features") == 0


def test_a_damaged_pixel_cache_is_decoded_again_with_a_notice(tiny_dataset, tmp_path):
    settings = settings_for(tiny_dataset, "scratch")
    first = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    shard = next(p for p in (tmp_path / "cache" / "pixels").rglob("*.npy") if not p.name.endswith(".digests.npy"))
    shard.write_bytes(shard.read_bytes()[:1000])
    second = run_all(Training(settings, runs_dir=tmp_path / "runs"))
    assert [text for text in notices(second) if text.startswith("pixel cache:") and "cannot be used" in text]
    assert reading_progress(second, "reading photos") == 32
    assert losses(second) == losses(first)


# --- evaluation and prediction stream in chunks ----------------------------------------------------------

def test_prediction_of_many_files_streams_in_chunks_and_keeps_the_order(tiny_dataset, tmp_path, monkeypatch):
    finished = run_all(Training(settings_for(tiny_dataset, "scratch"), runs_dir=tmp_path / "runs"))[-1]
    predictor = Predictor(finished.model_path)
    files = sorted(str(p) for p in tiny_dataset.rglob("*.png"))
    whole, _ = predictor.predict_paths(files)
    monkeypatch.setattr(preprocessing, "DECODE_CHUNK", 5)
    sizes = []
    original = predictor.probabilities_of
    monkeypatch.setattr(predictor, "probabilities_of", lambda pixels: sizes.append(len(pixels)) or original(pixels))
    (tiny_dataset / "bad.png").write_bytes(b"broken")
    streamed, skipped = predictor.predict_paths(files[:7] + [str(tiny_dataset / "bad.png")] + files[7:])
    assert max(sizes) <= 5 and sum(sizes) == len(files)
    assert [p.path for p in streamed] == files
    assert [p.probabilities for p in streamed] == [p.probabilities for p in whole]
    assert [s.path for s in skipped] == [str(tiny_dataset / "bad.png")]


def test_the_single_file_feature_cache_of_earlier_versions_is_removed(tmp_path):
    old = tmp_path / "cache" / "features" / "efficientnet-lite0-abc-224px.safetensors"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"x" * 100)
    feature_store("efficientnet-lite0", "weights", 224, 8)
    assert not old.exists()


def test_the_predictor_panel_keeps_thumbnails_for_the_first_rows_only(tiny_dataset, tmp_path, monkeypatch):
    from catdog_gui.gui import predictor_panel

    finished = run_all(Training(settings_for(tiny_dataset, "scratch"), runs_dir=tmp_path / "runs"))[-1]
    monkeypatch.setattr(predictor_panel, "MAX_THUMBNAILS", 3)
    monkeypatch.setattr(predictor_panel, "CHUNK", 2)
    rows = [row for kind, rows in predictor_panel.predict_job(Predictor(finished.model_path), [str(tiny_dataset)])
            if kind == "rows" for row in rows]
    assert len(rows) == 32
    assert [image is not None and not image.isNull() for _, image in rows] == [True] * 3 + [False] * 29
