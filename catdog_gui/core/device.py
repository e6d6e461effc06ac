"""Which device to compute on, how to name it for people, and which reduced precision is safe there."""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache

import torch

from .distributed import local_world_size
from .errors import UserError
from .gpu_check import has_kernels_for
from .memory import keep_freed_memory
from .names import DEVICE_CHOICES, PRECISION_CHOICES  # noqa: F401 (also imported from here)


def pick_device(request: str = "auto") -> torch.device:
    """CUDA, then Apple MPS, then the CPU for ``auto``; a clear error for a device that is not there."""
    if request not in DEVICE_CHOICES:
        raise UserError(f"unknown device '{request}'; choose one of {', '.join(DEVICE_CHOICES)}")
    cuda = cuda_usable()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if request == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if request == "cuda" and not cuda:
        if torch.cuda.is_available():
            major, minor = torch.cuda.get_device_capability(0)
            raise UserError(f"{torch.cuda.get_device_name(0)} cannot be used: this build of PyTorch has no code "
                            f"for its compute capability {major}.{minor}; use --device auto or cpu")
        raise UserError("no CUDA GPU is available here; use --device auto or cpu")
    if request == "mps" and not mps:
        raise UserError("Apple MPS is not available here; use --device auto or cpu")
    return torch.device(request)


def cuda_usable() -> bool:
    """True where torch sees a CUDA GPU and was built with code for it.

    torch calls a GPU older than its oldest architecture available, but every computation on it then
    fails ("no kernel image is available"): such a GPU is left out, and the reason is told by
    :func:`catdog_gui.core.gpu_check.unusable_gpu_note`.
    """
    if not torch.cuda.is_available():
        return False
    try:
        capability = torch.cuda.get_device_capability(0)
    except Exception:  # left to the first real use to say what is wrong
        return True
    return has_kernels_for(capability, torch.cuda.get_arch_list())


def describe_device(device: torch.device) -> str:
    """A short name for the status bar and reports, e.g. ``CPU (2 threads)`` or ``NVIDIA H100 (CUDA)``."""
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA)"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return f"CPU ({torch.get_num_threads()} threads)"


@lru_cache(maxsize=1)
def cpu_has_fast_bf16() -> bool:
    """True where the CPU computes bf16 natively (AVX-512 BF16 or AMX); elsewhere bf16 is slower."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as handle:
            flags = handle.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def resolve_precision(device: torch.device, request: str = "auto") -> str:
    """``fp32``, ``bf16`` or ``fp16``: reduced precision on GPUs and on CPUs with native bf16."""
    if request not in PRECISION_CHOICES:
        raise UserError(f"unknown precision '{request}'; choose one of {', '.join(PRECISION_CHOICES)}")
    if request != "auto":
        return request
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if device.type == "cpu" and cpu_has_fast_bf16():
        return "bf16"
    return "fp32"


def autocast(device: torch.device, precision: str):
    """A context that runs the forward pass in ``precision`` (weights stay fp32)."""
    if precision == "fp32":
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if precision == "bf16" else torch.float16
    return torch.autocast(device_type=device.type, dtype=dtype)


def configure_runtime() -> None:
    """Use every core (or ``$CATDOG_GUI_THREADS``), and keep freed memory for reuse (see :mod:`.memory`).

    Under torchrun the processes of one machine share its cores (``$LOCAL_WORLD_SIZE`` of them), so
    that two processes on two cores do not each start two threads.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    torch.set_num_threads(max(1, int(os.environ.get("CATDOG_GUI_THREADS") or cores // local_world_size())))
    keep_freed_memory()


# ---- running out of memory ------------------------------------------------------------------------

def is_out_of_memory(error: BaseException) -> bool:
    """True for the ways PyTorch and Python say that an allocation failed, on any device."""
    if isinstance(error, (torch.OutOfMemoryError, MemoryError)):
        return True
    text = str(error).lower()
    return isinstance(error, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text)


def release_cached_memory() -> None:
    """Hand the memory of freed tensors back, so that a retry with a smaller batch can use it."""
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    mps = getattr(torch, "mps", None)
    if mps is not None and getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        mps.empty_cache()


def map_in_batches(function, total: int, batch_size: int) -> list:
    """``[function(start, stop) for each slice of range(total)]``, halving the batch when memory runs out.

    For inference only (features, validation, predictions), whose results do not depend on the
    batch size. A batch of one that still does not fit is the user's to solve: a UserError says so.
    """
    results, start = [], 0
    while start < total:
        stop = min(total, start + batch_size)
        try:
            results.append(function(start, stop))
            start = stop
            continue
        except Exception as error:
            if not is_out_of_memory(error):
                raise
        # Out of the except clause, the traceback that held the failed attempt's tensors is gone.
        release_cached_memory()
        if stop - start == 1:
            raise UserError("out of memory even for one image at a time; try a smaller image size, "
                            "or the CPU (--device cpu)")
        batch_size = (stop - start) // 2
    return results
