"""Loading the training engine (torch and the models) off the main thread, so the window opens at once."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from dataclasses import dataclass, field
from functools import lru_cache

M_ARENA_MAX = -8  # glibc's mallopt() parameter


@dataclass(frozen=True)
class EngineInfo:
    """What the panels need to know about the machine and the engine once it is loaded."""

    device: str  # for people: "CPU (2 threads)", "NVIDIA H100 (CUDA)"
    device_type: str  # "cpu", "cuda" or "mps"
    devices: tuple[str, ...]  # the choices that work here, "auto" first
    threads: int
    weights: dict[str, str] = field(default_factory=dict)  # backbone -> built in / cached / download needed


def load_engine() -> EngineInfo:
    """Import the engine and look at the machine (seconds, the first time: run it in a worker)."""
    import torch

    from ..core import training  # noqa: F401  (imported here so the first run starts at once)
    from ..core.backbones import BACKBONES, weights_status
    from ..core.device import describe_device, pick_device

    device = pick_device("auto")
    devices = ["auto", "cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append("mps")
    weights = {}
    for name, backbone in BACKBONES.items():
        try:
            weights[name] = weights_status(backbone)
        except Exception:  # a broken torchvision install must not stop the window
            weights[name] = "unknown"
    return EngineInfo(describe_device(device), device.type, tuple(devices), torch.get_num_threads(), weights)


@lru_cache(maxsize=1)
def share_one_malloc_arena() -> None:
    """Make threads started from now on allocate from glibc's main arena (call before starting any).

    The window trains in a worker thread. Each new thread otherwise gets its own malloc arena made of
    64 MB heaps, too small for a batch's activations, so every step maps and unmaps them afresh and
    the page faults cost about a fifth of the speed of extracting features (1.7 million faults
    instead of 0.3 million for 600 photos). The main arena keeps freed memory for reuse, as
    :func:`catdog_gui.core.device.configure_runtime` arranges for the command line.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_ARENA_MAX, ctypes.c_int(1))
    except (OSError, AttributeError):
        pass  # not glibc: nothing to tune
