"""The window's status bar marks an NVIDIA GPU that cannot be used, and its tooltip says why."""

from __future__ import annotations

import pytest

from catdog_gui.core import gpu_check
from gui_fixtures import open_window

ARCH_LIST = ("sm_75", "sm_80", "sm_86", "sm_90", "sm_100", "sm_120")


@pytest.fixture(autouse=True)
def fresh_note():
    gpu_check.unusable_gpu_note.cache_clear()
    yield
    gpu_check.unusable_gpu_note.cache_clear()


def fake_machine(monkeypatch, smi):
    """nvidia-smi lists ``smi``; torch (a CUDA 13.0 build) calls CUDA unavailable."""
    monkeypatch.setattr(gpu_check, "run_nvidia_smi", lambda: smi)
    monkeypatch.setattr(gpu_check, "read_proc_driver_version", lambda: None)
    monkeypatch.setattr(gpu_check, "torch_cuda_facts", lambda: {
        "torch_cuda": "13.0", "cuda_available": False, "arch_list": ARCH_LIST, "torch_reason": ""})


def test_an_old_driver_is_marked_on_the_device_label_and_told_in_its_tooltip(qtbot, gui_settings, monkeypatch):
    from catdog_gui.gui.main_window import DEVICE_TOOLTIP

    fake_machine(monkeypatch, "NVIDIA GeForce RTX 3060, 8.6, 535.183.01\n")
    window = open_window(qtbot, gui_settings)
    note = window.engine.device_note
    assert "RTX 3060" in note and "535.183.01" in note and "580.65.06" in note
    assert window.device_label.text() == f"Device: {window.engine.device} — ⚠ NVIDIA GPU not usable"
    assert window.device_label.toolTip() == f"{note}\n\n{DEVICE_TOOLTIP}"
    assert window.statusBar().currentMessage() == note


def test_without_an_nvidia_gpu_the_label_is_as_before(qtbot, gui_settings, monkeypatch):
    from catdog_gui.gui.main_window import DEVICE_TOOLTIP

    fake_machine(monkeypatch, None)
    window = open_window(qtbot, gui_settings)
    assert window.engine.device_note == ""
    assert window.device_label.text() == f"Device: {window.engine.device}"
    assert window.device_label.toolTip() == DEVICE_TOOLTIP
    assert window.statusBar().currentMessage() == "Ready."
