"""Data-parallel training under torchrun: real two-process gloo runs on made-up photos, the arithmetic
that shares the photos out, and ``train --gpus`` where there is no GPU."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from catdog_gui.cli import _without_gpus, main
from catdog_gui.core import distributed
from catdog_gui.core.prediction import Predictor

from conftest import write_lecture_dataset

# fp32 and one thread per process: two processes of batch b then compute what one of batch 2b does.
EXACT = ["--image-size", "48", "--precision", "fp32", "--device", "cpu"]


def torchrun(*args, processes: int = 2) -> subprocess.CompletedProcess:
    """``torchrun --standalone --nproc-per-node N -m catdog_gui ARGS`` (through ``python -m``, which
    finds the venv's torch whatever the PATH)."""
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={processes}",
               "-m", "catdog_gui", *map(str, args)]
    return catdog(command)


def catdog(command: list[str]) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", CATDOG_GUI_THREADS="1", PYTHONWARNINGS="ignore")
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=180)


def only_json_line(done: subprocess.CompletedProcess) -> dict:
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1, done.stdout  # rank 0 alone prints the result
    return json.loads(lines[0])


def metrics(run_dir: str) -> list[dict]:
    with open(Path(run_dir) / "metrics.csv", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def data(tmp_path) -> Path:
    return write_lecture_dataset(tmp_path / "data")


# ---- real runs with two processes ---------------------------------------------------------------------

def test_two_processes_train_one_model_that_predicts(data, tmp_path):
    runs = tmp_path / "runs"
    done = torchrun("train", data, "--strategy", "scratch", "--epochs", "2", "--image-size", "48", "--json",
                    "--runs-dir", runs)
    result = only_json_line(done)
    assert result["world_size"] == 2
    assert [p.name for p in runs.iterdir()] == [Path(result["run_dir"]).name]  # rank 0 alone made a folder
    assert len(metrics(result["run_dir"])) == 2
    assert done.stderr.count("training epoch 2/2") == 1  # rank 0 alone shows progress
    assert not (Path(result["run_dir"]) / "checkpoint.pt").exists()
    photos = sorted((data / "test").rglob("*.png"))
    predictions, skipped = Predictor(result["model"], device="cpu").predict_paths([str(p) for p in photos])
    assert not skipped and len(predictions) == len(photos)
    assert {p.label for p in predictions} <= {"cats", "dogs"}


def test_two_processes_of_batch_b_train_as_one_process_of_batch_2b(data, tmp_path):
    two = only_json_line(torchrun("train", data, "--strategy", "scratch", "--epochs", "2", "--batch-size", "4",
                                  *EXACT, "--json", "--runs-dir", tmp_path / "two"))
    one = only_json_line(catdog([sys.executable, "-m", "catdog_gui", "train", str(data), "--strategy", "scratch",
                                 "--epochs", "2", "--batch-size", "8", *EXACT, "--json",
                                 "--runs-dir", str(tmp_path / "one")]))
    assert (two["world_size"], one["world_size"]) == (2, 1)
    # The same photos in the same steps, gradients averaged over the processes, numbers summed over them.
    for row_two, row_one in zip(metrics(two["run_dir"]), metrics(one["run_dir"]), strict=True):
        for key in ("loss", "accuracy", "val_loss", "val_accuracy"):
            assert float(row_two[key]) == pytest.approx(float(row_one[key]), abs=1e-4), key
    assert two["test_accuracy"] == one["test_accuracy"]


def test_two_processes_share_out_feature_extraction(data, tmp_path):
    done = torchrun("train", data, "--strategy", "feature-extraction", "--epochs", "2", "--image-size", "64",
                    "--json", "--runs-dir", tmp_path / "runs")
    result = only_json_line(done)
    assert result["world_size"] == 2 and result["reading"] == "features"
    assert result["test_accuracy"] is not None
    indexes = list((tmp_path / "cache" / "features").rglob("*.digests.npy"))
    assert len(indexes) == 2  # one shard from each process
    rows = [np.load(index) for index in indexes]
    assert all(len(r) > 0 for r in rows)
    digests = {row.tobytes() for r in rows for row in r}
    assert len(digests) == sum(len(r) for r in rows) == 32  # every photo once: none twice, none missing


# ---- how the photos are shared out -------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 2, 7, 16, 33])
@pytest.mark.parametrize("world", [1, 2, 3, 4])
def test_every_photo_of_an_epoch_goes_to_one_process_in_equal_shares(count, world):
    order = torch.randperm(count, generator=torch.Generator().manual_seed(count))
    shards = [distributed.shard_order(order, rank, world) for rank in range(world)]
    assert len({len(shard) for shard in shards}) == 1  # the same number of batches everywhere
    assert len(shards[0]) == -(-count // world)
    seen = torch.cat(shards).tolist()
    assert set(seen) == set(range(count))
    assert len(seen) - count < world  # padding repeats fewer photos than there are processes
    for batch_size in (1, 3, 8):
        assert len({len(range(0, len(shard), batch_size)) for shard in shards}) == 1


@pytest.mark.parametrize("count", [0, 1, 5, 8])
@pytest.mark.parametrize("world", [1, 2, 3])
def test_evaluated_photos_are_each_measured_once(count, world):
    positions = torch.cat([distributed.eval_positions(count, rank, world) for rank in range(world)])
    assert sorted(positions.tolist()) == list(range(count))


@pytest.mark.parametrize("count", [0, 3, 10, 21])
@pytest.mark.parametrize("world", [1, 2, 3])
def test_work_shared_in_chunks_covers_every_item_once(count, world):
    items = [f"photo{i}" for i in range(count)]
    shares = [distributed.share_in_chunks(items, 4, rank, world) for rank in range(world)]
    done = [item for share in shares for chunk in share for item in chunk]
    assert sorted(done) == sorted(items)
    assert all(0 < len(chunk) <= 4 for share in shares for chunk in share)
    assert max(map(len, shares)) - min(map(len, shares)) <= 1


def test_without_torchrun_there_is_one_process_and_nothing_to_talk_to():
    assert (distributed.world_size(), distributed.rank(), distributed.is_main()) == (1, 0, True)
    assert not distributed.launched()
    assert distributed.sum_over_ranks(2.5, 3) == (2.5, 3.0)
    assert distributed.any_rank(True) and not distributed.any_rank(False)
    assert distributed.broadcast_object({"a": 1}) == {"a": 1}
    assert distributed.gather_lists([1, 2]) == [1, 2]
    module = torch.nn.Linear(2, 1)
    assert distributed.synchronized(module, torch.device("cpu")) is module
    assert distributed.start(torch.device("cpu")) == torch.device("cpu")
    distributed.barrier()
    distributed.finish()


# ---- train --gpus ---------------------------------------------------------------------------------------

@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA GPUs")
def test_gpus_without_gpus_is_a_one_line_error(data, capsys):
    code = main(["train", str(data), "--gpus", "2"])
    captured = capsys.readouterr()
    assert code == 2
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and "no CUDA GPUs here" in lines[0] and "torchrun --nproc-per-node 2" in lines[0]
    assert captured.out == ""


def test_gpus_is_left_out_of_the_command_torchrun_repeats():
    argv = ["train", "DATA", "--gpus", "2", "--epochs", "3", "--gpus=4", "--gp", "1", "--json"]
    assert _without_gpus(argv) == ["train", "DATA", "--epochs", "3", "--json"]


def test_a_frozen_app_runs_torchrun_itself(monkeypatch):
    from catdog_gui.cli import TORCHRUN_COMMAND, torchrun_command

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", "/opt/catdog-gui/catdog-gui")
    assert torchrun_command(2, ["train", "DATA"]) == [
        "/opt/catdog-gui/catdog-gui", TORCHRUN_COMMAND, "--standalone", "--nproc-per-node=2", "--no-python",
        "/opt/catdog-gui/catdog-gui", "train", "DATA"]


def test_the_command_a_frozen_app_uses_trains_with_two_processes(data, tmp_path):
    """What a frozen app runs for ``--gpus 2``, with this Python's catdog-gui script as the app."""
    from catdog_gui.cli import TORCHRUN_COMMAND

    app = Path(sys.executable).with_name("catdog-gui")
    if not app.exists():
        pytest.skip(f"no catdog-gui script beside {sys.executable}")
    result = only_json_line(catdog([str(app), TORCHRUN_COMMAND, "--standalone", "--nproc-per-node=2", "--no-python",
                                    str(app), "train", str(data), "--strategy", "scratch", "--epochs", "1",
                                    *EXACT, "--json", "--runs-dir", str(tmp_path / "runs")]))
    assert result["world_size"] == 2 and Path(result["model"]).is_file()
