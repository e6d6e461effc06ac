"""The strategy step's time estimates rest on one batch timed on the engine's device, in a worker."""

from __future__ import annotations

from catdog_gui.core.names import SCRATCH, SCRATCH_RECIPE
from catdog_gui.core.recipes import resolve_settings

TIMING_TIMEOUT_MS = 60_000


def test_the_notes_use_the_networks_timed_on_this_device(window, qtbot):
    panel = window.strategy_panel
    device = window.engine.device_type
    needed = {(device, SCRATCH), (device, panel.backbone)}
    qtbot.waitUntil(lambda: needed <= set(panel._step_times), timeout=TIMING_TIMEOUT_MS)
    settings = resolve_settings("", SCRATCH_RECIPE)
    assert panel._times_for(settings) is panel._step_times[(device, SCRATCH)]
    assert all("Time: about" in note.text() for note in panel.recipe_notes.values())

    other = next(panel.backbone_combo.itemData(index) for index in range(panel.backbone_combo.count())
                 if panel.backbone_combo.itemData(index) != panel.backbone)
    panel.backbone_combo.setCurrentIndex(panel.backbone_combo.findData(other))
    qtbot.waitUntil(lambda: (device, other) in panel._step_times or (device, other) in panel._untimeable,
                    timeout=TIMING_TIMEOUT_MS)
