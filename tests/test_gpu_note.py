"""An NVIDIA GPU that torch cannot use is reported with its reason: driver too old, GPU too old, or torch's own.

The cases are simulated through the pure functions (facts passed in) and through fake fact-gathering
functions; no GPU is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from catdog_gui.cli import main
from catdog_gui.core import device, gpu_check
from catdog_gui.core.errors import UserError
from catdog_gui.core.gpu_check import (
    GpuFacts,
    NvidiaGpu,
    driver_from_proc,
    driver_is_older,
    gpu_note,
    has_kernels_for,
    minimum_driver,
    parse_nvidia_smi,
    unusable_gpu_note,
)

ARCH_LIST = ("sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120")  # torch 2.14.1+cu130's
RTX_3060_OLD_DRIVER = "NVIDIA GeForce RTX 3060, 8.6, 535.183.01\n"
GTX_1080 = "NVIDIA GeForce GTX 1080, 6.1, 580.82.07\n"
H200 = "NVIDIA H200, 9.0, 580.82.07\nNVIDIA H200, 9.0, 580.82.07\n"
PROC_470 = ("NVRM version: NVIDIA UNIX x86_64 Kernel Module  470.256.02  Thu May  2 14:37:44 UTC 2024\n"
            "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n")
PROC_OPEN_580 = ("NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  580.65.06  Release Build  "
                 "(dvs-builder@U16-I3-B03-4-3)  Tue Jul 15 23:10:47 UTC 2025\n")


@pytest.fixture(autouse=True)
def fresh_note():
    """The note is kept per process: each test starts, and leaves, without a kept one."""
    unusable_gpu_note.cache_clear()
    yield
    unusable_gpu_note.cache_clear()


def facts(smi=None, proc=None, cuda="13.0", available=False, arch=ARCH_LIST, reason="", **more) -> GpuFacts:
    return GpuFacts(smi, proc, cuda, available, arch, reason, **more)


def fake_machine(monkeypatch, smi=None, proc=None, available=False, cuda="13.0", reason=""):
    """Replace what nvidia-smi, /proc and torch say; returns the list of nvidia-smi calls."""
    calls = []
    monkeypatch.setattr(gpu_check, "run_nvidia_smi", lambda: calls.append(1) or smi)
    monkeypatch.setattr(gpu_check, "read_proc_driver_version", lambda: proc)
    monkeypatch.setattr(gpu_check, "torch_cuda_facts", lambda: {
        "torch_cuda": cuda, "cuda_available": available, "arch_list": ARCH_LIST, "torch_reason": reason})
    return calls


# ---- the verdicts --------------------------------------------------------------------------------

def test_a_driver_older_than_the_bundled_cuda_needs_names_both_versions():
    note = gpu_note(facts(RTX_3060_OLD_DRIVER))
    assert note.startswith("The NVIDIA GeForce RTX 3060 cannot be used: ")
    assert "driver is version 535.183.01" in note
    assert "CUDA 13.0 needs version 580.65.06 or newer (on Linux)" in note
    assert note.endswith("Training and predictions run on the CPU.")


def test_a_windows_driver_is_held_to_the_windows_minimum():
    note = gpu_note(facts("NVIDIA GeForce RTX 3060, 8.6, 576.57\n", windows_driver=True))
    assert "driver is version 576.57" in note and "needs version 580 or newer (on Windows)" in note
    newer = gpu_note(facts("NVIDIA GeForce RTX 3060, 8.6, 581.57\n", windows_driver=True))
    assert "driver" not in newer and "PyTorch gives no reason" in newer


def test_the_driver_is_read_from_proc_when_nvidia_smi_is_missing():
    note = gpu_note(facts(proc=PROC_470))
    assert note.startswith("The NVIDIA GPU cannot be used: ")
    assert "470.256.02" in note and "580.65.06" in note
    assert gpu_note(facts(proc=PROC_470, cuda="12.1")).count("525.60.13") == 1


def test_a_gpu_older_than_the_bundled_kernels_names_both_compute_capabilities():
    # torch calls such a GPU available, but has no code for it.
    for available in (True, False):
        note = gpu_note(facts(GTX_1080, available=available))
        assert note.startswith("The NVIDIA GeForce GTX 1080 cannot be used: ")
        assert "compute capability is 6.1" in note and "supports 7.5 and newer" in note
        assert "sm_75, sm_80" in note and "driver" not in note


def test_no_nvidia_gpu_or_a_working_one_gives_no_note():
    assert gpu_note(facts()) is None
    assert gpu_note(facts(available=False, cuda=None)) is None
    assert gpu_note(facts("No devices were found\n")) is None
    assert gpu_note(facts(H200, available=True)) is None
    assert gpu_note(facts(proc=PROC_OPEN_580, available=True)) is None
    # An Ada GPU (8.9) runs the Ampere code (sm_86); a GB10 (12.1) runs sm_120's.
    assert gpu_note(facts("NVIDIA L4, 8.9, 580.82.07\nNVIDIA GB10, 12.1, 580.95.05\n", available=True)) is None


def test_other_failures_carry_torchs_own_reason():
    reason = "CUDA driver initialization failed, you might not have a CUDA gpu."
    note = gpu_note(facts("Tesla T4, 7.5, 580.82.07\n", reason=reason))
    assert note == (f"The NVIDIA Tesla T4 cannot be used: PyTorch says: {reason[:-1]}. "
                    "Training and predictions run on the CPU.")
    hidden = gpu_note(facts("Tesla T4, 7.5, 580.82.07\n", reason="No CUDA GPUs are available",
                            cuda_visible_devices=""))
    assert "No CUDA GPUs are available" in hidden and "CUDA_VISIBLE_DEVICES is set to ''" in hidden
    assert "PyTorch gives no reason" in gpu_note(facts("Tesla T4, 7.5, 580.82.07\n"))
    assert "no CUDA support" in gpu_note(facts(GTX_1080, cuda=None))


# ---- the pieces ------------------------------------------------------------------------------------

def test_nvidia_smi_lines_old_and_new_are_read():
    assert parse_nvidia_smi("NVIDIA A100-SXM4-80GB, 8.0, 580.82.07\nTesla K80, [N/A], 470.1.2\n") == [
        NvidiaGpu("NVIDIA A100-SXM4-80GB", (8, 0), "580.82.07"), NvidiaGpu("Tesla K80", None, "470.1.2")]
    assert parse_nvidia_smi("Quadro P1000, 470.256.02\n") == [NvidiaGpu("Quadro P1000", None, "470.256.02")]
    assert parse_nvidia_smi("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n") == []
    assert driver_from_proc(PROC_470) == "470.256.02" and driver_from_proc(PROC_OPEN_580) == "580.65.06"
    assert driver_from_proc("") is None and driver_from_proc(None) is None


def test_the_minimum_driver_comes_from_the_cuda_release_and_versions_compare_as_numbers():
    assert minimum_driver("13.0") == "580.65.06" and minimum_driver("13.0", windows=True) == "580"
    assert minimum_driver("12.8") == "525.60.13" and minimum_driver("12.8", windows=True) == "528.33"
    assert minimum_driver("14.0") is None and minimum_driver(None) is None
    assert driver_is_older("575.57.08", "580.65.06") and driver_is_older("580.9.1", "580.65.06")
    assert not driver_is_older("580.65.06", "580.65.06") and not driver_is_older("580.65.06", "580")
    assert not driver_is_older("1000.1", "580.65.06")


def test_the_bundled_torch_build_is_in_the_driver_table():
    """Fails when torch moves to a CUDA release the table does not know (update MINIMUM_DRIVERS then)."""
    if torch.version.cuda is None:
        pytest.skip("a CPU-only torch build")
    assert minimum_driver(torch.version.cuda) is not None


def test_kernels_run_within_a_major_version_and_ptx_on_anything_newer():
    assert has_kernels_for((8, 9), ARCH_LIST) and has_kernels_for((12, 1), ARCH_LIST)
    assert not has_kernels_for((6, 1), ARCH_LIST) and not has_kernels_for((7, 0), ARCH_LIST)
    assert not has_kernels_for((13, 0), ARCH_LIST)
    assert has_kernels_for((13, 0), ARCH_LIST + ("compute_120",))
    assert has_kernels_for((9, 0), ("sm_90a",)) and has_kernels_for((3, 5), ())


# ---- gathering the facts -----------------------------------------------------------------------

def test_the_note_is_made_once_per_process(monkeypatch):
    calls = fake_machine(monkeypatch, smi=GTX_1080, available=True)
    first = unusable_gpu_note()
    assert "GTX 1080" in first and unusable_gpu_note() == first and len(calls) == 1


def test_torch_is_not_asked_where_no_nvidia_gpu_is_seen(monkeypatch):
    monkeypatch.setattr(gpu_check, "run_nvidia_smi", lambda: None)
    monkeypatch.setattr(gpu_check, "read_proc_driver_version", lambda: None)
    monkeypatch.setattr(gpu_check, "torch_cuda_facts", lambda: pytest.fail("torch was asked"))
    assert gpu_check.gather_facts() == GpuFacts()
    assert unusable_gpu_note() is None


@pytest.mark.skipif(sys.platform == "win32", reason="the fake nvidia-smi is a shell script")
def test_nvidia_smi_is_asked_again_without_compute_cap_and_a_failing_one_is_no_error(tmp_path, monkeypatch):
    fake = tmp_path / "nvidia-smi"
    fake.write_text('#!/bin/sh\ncase "$1" in *compute_cap*) echo "Field is not valid" >&2; exit 2;; esac\n'
                    'echo "Quadro P1000, 470.256.02"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    assert gpu_check.run_nvidia_smi().strip() == "Quadro P1000, 470.256.02"
    fake.write_text("#!/bin/sh\necho 'NVIDIA-SMI has failed' >&2\nexit 9\n")
    assert gpu_check.run_nvidia_smi() is None
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert gpu_check.run_nvidia_smi() is None


@pytest.mark.skipif(torch.cuda.is_available() or torch.version.cuda is None,
                    reason="needs a CUDA build of torch on a machine without a usable GPU")
def test_torchs_own_reason_is_caught_here():
    facts_here = gpu_check.torch_cuda_facts()
    assert facts_here["cuda_available"] is False and facts_here["torch_cuda"] == torch.version.cuda
    assert facts_here["torch_reason"] and facts_here["arch_list"]


# ---- choosing the device --------------------------------------------------------------------------

def fake_cuda(monkeypatch, capability):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda index=0: capability)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: "NVIDIA GeForce GTX 1080")
    monkeypatch.setattr(torch.cuda, "get_arch_list", lambda: list(ARCH_LIST))


def test_a_gpu_without_code_in_this_build_is_passed_over(monkeypatch):
    fake_cuda(monkeypatch, (6, 1))
    assert not device.cuda_usable() and device.pick_device("auto") == torch.device("cpu")
    with pytest.raises(UserError, match=r"GTX 1080 cannot be used: .* compute capability 6\.1"):
        device.pick_device("cuda")
    fake_cuda(monkeypatch, (8, 6))
    assert device.cuda_usable() and device.pick_device("auto") == torch.device("cuda")


# ---- where the note is shown ----------------------------------------------------------------------

def test_train_json_carries_the_note_and_says_it_once(capsys, tiny_dataset, tmp_path, monkeypatch):
    fake_machine(monkeypatch, smi=GTX_1080, available=True)
    code = main(["train", str(tiny_dataset), "--strategy", "scratch", "--epochs", "1", "--image-size", "48",
                 "--batch-size", "8", "--device", "cpu", "--runs-dir", str(tmp_path / "runs"), "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert result["device"].startswith("CPU")
    assert "GTX 1080" in result["device_note"] and "6.1" in result["device_note"]
    assert captured.err.count("GTX 1080") == 1
    assert f"Note: {result['device_note']}" in captured.err.splitlines()


@pytest.mark.skipif(sys.platform == "win32", reason="the fake nvidia-smi is a shell script")
def test_self_test_prints_the_note_and_still_passes(tmp_path):
    """A made-up GTX 1080 seen by nvidia-smi: the self-test says why it is unused, on the CPU, and passes."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "nvidia-smi"
    fake.write_text(f"#!/bin/sh\necho '{GTX_1080.strip()}'\n")
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", QT_QPA_PLATFORM="offscreen",
               CATDOG_GUI_SCREENSHOTS=str(tmp_path / "shots"))
    done = subprocess.run([sys.executable, "-m", "catdog_gui", "--self-test"], env=env, capture_output=True,
                          text=True, timeout=240, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if line.startswith("catdog-gui self-test: note: ")]
    assert len(notes) == 1 and "GTX 1080" in notes[0] and "6.1" in notes[0], done.stderr
    assert "passed" in done.stderr
