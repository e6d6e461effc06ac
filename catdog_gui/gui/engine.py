"""Loading the training engine (torch and the models) off the main thread, so the window opens at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import core
from ..core.names import AUTO_DEVICE, CPU_DEVICE, CUDA_DEVICE, MPS_DEVICE, WEIGHTS_UNKNOWN


@dataclass(frozen=True)
class EngineInfo:
    """What the panels need to know about the machine and the engine once it is loaded."""

    device: str  # for people: "CPU (2 threads)", "NVIDIA H100 (CUDA)"
    device_type: str  # "cpu", "cuda" or "mps"
    devices: tuple[str, ...]  # the choices that work here, "auto" first
    threads: int
    weights: dict[str, str] = field(default_factory=dict)  # backbone -> built in / cached / download needed
    gpus: int = 0  # CUDA GPUs: with 2 or more, a run may train on all of them through torchrun
    device_note: str = ""  # why an NVIDIA GPU that is here cannot be used; empty if none is or it works


def cuda_gpu_count() -> int:
    """How many CUDA GPUs torch can use here (0 without CUDA, or with a GPU it has no code for)."""
    import torch

    return torch.cuda.device_count() if core.device.cuda_usable() else 0


def load_engine() -> EngineInfo:
    """Import the engine and look at the machine (seconds, the first time: run it in a worker)."""
    import torch

    core.training  # noqa: B018  (loaded here, in the worker, so that the first run starts at once)
    device = core.device.pick_device(AUTO_DEVICE)
    devices = [AUTO_DEVICE, CPU_DEVICE]
    if core.device.cuda_usable():
        devices.append(CUDA_DEVICE)
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append(MPS_DEVICE)
    weights = {}
    for name, backbone in core.backbones.BACKBONES.items():
        try:
            weights[name] = core.backbones.weights_status(backbone)
        except Exception:  # a broken torchvision install must not stop the window
            weights[name] = WEIGHTS_UNKNOWN
    return EngineInfo(core.device.describe_device(device), device.type, tuple(devices), torch.get_num_threads(),
                      weights, cuda_gpu_count(), core.gpu_check.unusable_gpu_note() or "")
