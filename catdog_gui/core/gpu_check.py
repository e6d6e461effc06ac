"""Why an NVIDIA GPU that is present goes unused: a driver too old, a GPU too old, or torch's own reason.

The verdict is made by pure functions from facts passed in (nvidia-smi's output, the kernel driver's
/proc file, torch's CUDA version, availability and architectures), so that every case can be tested
on a machine without a GPU; :func:`unusable_gpu_note` gathers the facts once per process.

torch is imported only inside the functions that ask it, so the window may import this module.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass
from functools import lru_cache

NVIDIA_SMI_QUERY = ("name", "compute_cap", "driver_version")
NVIDIA_SMI_TIMEOUT_S = 5.0
PROC_DRIVER_VERSION = "/proc/driver/nvidia/version"

# The oldest NVIDIA driver each CUDA major release runs on: (Linux x86_64, Windows x86_64).
# From NVIDIA's CUDA Toolkit release notes (docs.nvidia.com/cuda/cuda-toolkit-release-notes),
# Table 2 "CUDA Toolkit and Minimum Required Driver Version for CUDA Minor Version Compatibility"
# and Table 3 "CUDA Toolkit and Corresponding Driver Versions" (as in the 13.2 notes):
#   13.x: Table 2 ">= 580"; Table 3 "CUDA 13.0 GA >=580.65.06" for Linux and "N/A" for Windows (the
#         CUDA 13 Windows installers no longer carry a driver), so Windows names the 580 branch only.
#   12.x: Table 2 of the 12.x notes ">=525.60.13" Linux, ">=528.33" Windows.
#   11.x: Table 2 footnote, minor version compatibility from 450.80.02 Linux, 452.39 Windows.
# Keyed by the major release because torch's wheels carry their own CUDA runtime, which runs on any
# driver of its major family (minor version compatibility): a CUDA 12.8 build needs 525.60.13, not
# the 570.26 that the 12.8 toolkit shipped with.
MINIMUM_DRIVERS = {
    11: ("450.80.02", "452.39"),
    12: ("525.60.13", "528.33"),
    13: ("580.65.06", "580"),
}
RUNS_ON_CPU = "Training and predictions run on the CPU."


@dataclass(frozen=True)
class NvidiaGpu:
    """One line of nvidia-smi: the GPU's name, compute capability (None if not reported) and driver."""

    name: str
    compute_capability: tuple[int, int] | None
    driver: str | None


@dataclass(frozen=True)
class GpuFacts:
    """What the verdict is made from; every field may be empty where the fact could not be read."""

    nvidia_smi: str | None = None  # nvidia-smi --query-gpu output, csv without a header
    proc_version: str | None = None  # the text of /proc/driver/nvidia/version
    torch_cuda: str | None = None  # torch.version.cuda, None for a CPU-only build
    cuda_available: bool = False  # torch.cuda.is_available()
    arch_list: tuple[str, ...] = ()  # torch.cuda.get_arch_list(), e.g. ("sm_75", "sm_80")
    torch_reason: str = ""  # torch's own words when CUDA fails (exception or warning)
    windows_driver: bool = False  # the driver is a Windows one (Windows, or WSL)
    cuda_visible_devices: str | None = None  # $CUDA_VISIBLE_DEVICES, which can hide every GPU


# ---- reading the facts' text ------------------------------------------------------------------

def parse_nvidia_smi(text: str | None) -> list[NvidiaGpu]:
    """The GPUs listed by ``nvidia-smi --query-gpu=name,compute_cap,driver_version --format=csv,noheader``.

    Parameters
    ----------
    text : str or None
        nvidia-smi's standard output; lines of ``name, driver_version`` (older drivers know no
        ``compute_cap``) are read too.

    Returns
    -------
    list of NvidiaGpu
        One per GPU line; empty for no text.
    """
    gpus = []
    for line in (text or "").splitlines():
        fields = [field.strip() for field in line.split(",")]
        if len(fields) < 2 or not _is_version(fields[-1]):
            continue  # not a GPU line (a message, an empty line)
        if len(fields) >= 3 and (_is_version(fields[-2]) or "N/A" in fields[-2]):
            name, capability = ", ".join(fields[:-2]), parse_capability(fields[-2])
        else:
            name, capability = ", ".join(fields[:-1]), None
        gpus.append(NvidiaGpu(name, capability, fields[-1]))
    return gpus


def driver_from_proc(text: str | None) -> str | None:
    """The driver version in /proc/driver/nvidia/version's text, e.g. ``580.65.06``; None if none."""
    first_line = (text or "").strip().splitlines()[:1]
    match = re.search(r"\s(\d{3,}\.\d+(?:\.\d+)?)\s", f" {first_line[0]} ") if first_line else None
    return match.group(1) if match else None


def parse_capability(text: str) -> tuple[int, int] | None:
    """``"8.6"`` -> ``(8, 6)``; None for ``[N/A]`` or anything else."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", text)
    return (int(match.group(1)), int(match.group(2))) if match else None


def _is_version(text: str) -> bool:
    return re.fullmatch(r"\d+(\.\d+)+", text) is not None


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version))


# ---- the rules --------------------------------------------------------------------------------

def minimum_driver(torch_cuda: str | None, windows: bool = False) -> str | None:
    """The oldest driver that runs ``torch_cuda`` (e.g. ``"13.0"``); None for an unknown release.

    Parameters
    ----------
    torch_cuda : str or None
        The CUDA release torch was built with, ``torch.version.cuda``.
    windows : bool
        Whether the driver is a Windows driver (their numbers differ from Linux ones).

    Returns
    -------
    str or None
        A driver version from :data:`MINIMUM_DRIVERS`.
    """
    if not torch_cuda:
        return None
    drivers = MINIMUM_DRIVERS.get(_version_key(torch_cuda)[0])
    return None if drivers is None else drivers[1 if windows else 0]


def driver_is_older(driver: str, minimum: str) -> bool:
    """True if ``driver`` is older than ``minimum``; ``"580.65.06"`` is not older than ``"580"``."""
    return _version_key(driver)[:len(_version_key(minimum))] < _version_key(minimum)


def architecture(arch: str) -> tuple[int, int] | None:
    """``"sm_86"`` -> ``(8, 6)``, ``"sm_120a"`` -> ``(12, 0)``, ``"compute_90"`` -> ``(9, 0)``."""
    match = re.fullmatch(r"(?:sm|compute)_(\d+)(\d)[a-z]?", arch)
    return (int(match.group(1)), int(match.group(2))) if match else None


def has_kernels_for(capability: tuple[int, int], arch_list) -> bool:
    """True if a GPU of ``capability`` can run code built for ``arch_list`` (True for an empty list).

    Machine code for ``sm_XY`` runs on the GPUs of major version X from minor version Y on; PTX,
    ``compute_XY``, is compiled by the driver for any GPU from X.Y on.
    """
    built = [(arch, architecture(arch)) for arch in arch_list]
    built = [(arch, version) for arch, version in built if version is not None]
    if not built:
        return True  # nothing known to compare with: let torch decide
    return any(_runs_on(capability, arch, version) for arch, version in built)


def _runs_on(capability: tuple[int, int], arch: str, version: tuple[int, int]) -> bool:
    if arch.startswith("compute_"):  # PTX: compiled by the driver for this GPU or any newer one
        return version <= capability
    return version[0] == capability[0] and version[1] <= capability[1]


def missing_kernels_reason(gpu: NvidiaGpu, arch_list) -> str | None:
    """Why this build of torch has no code for ``gpu``, naming both compute capabilities; or None."""
    if gpu.compute_capability is None or has_kernels_for(gpu.compute_capability, arch_list):
        return None
    versions = sorted(v for v in map(architecture, arch_list) if v is not None)
    built = ", ".join(arch_list)
    capability = _capability_text(gpu.compute_capability)
    if gpu.compute_capability < versions[0]:
        return (f"its compute capability is {capability}, but this build of PyTorch supports "
                f"{_capability_text(versions[0])} and newer (it is built for {built})")
    return f"this build of PyTorch has no code for its compute capability {capability} (it is built for {built})"


def driver_reason(driver: str | None, torch_cuda: str | None, windows: bool) -> str | None:
    """Why the driver cannot run this build's CUDA, naming both versions; or None if it can (or unknown)."""
    minimum = minimum_driver(torch_cuda, windows)
    if driver is None or minimum is None or not driver_is_older(driver, minimum):
        return None
    system = "Windows" if windows else "Linux"
    return (f"its driver is version {driver}, but this build's CUDA {torch_cuda} needs version {minimum} "
            f"or newer (on {system}); update the NVIDIA driver")


def gpu_note(facts: GpuFacts) -> str | None:
    """Why an NVIDIA GPU that is present cannot be used, for people; None if none is there or CUDA works.

    Parameters
    ----------
    facts : GpuFacts
        What nvidia-smi, the driver's /proc file and torch say.

    Returns
    -------
    str or None
        One paragraph that names the GPU and the reason: the driver found and the one needed, the
        GPU's compute capability and the oldest supported, or torch's own reason.
    """
    gpus = parse_nvidia_smi(facts.nvidia_smi)
    driver = next((gpu.driver for gpu in gpus if gpu.driver), None) or driver_from_proc(facts.proc_version)
    if not gpus and driver is None:
        return None  # no NVIDIA GPU, or none with a driver loaded
    lacking = [(gpu, reason) for gpu in gpus if (reason := missing_kernels_reason(gpu, facts.arch_list))]
    if facts.cuda_available and not lacking:
        return None
    subject = _gpu_label(lacking[0][0] if lacking else gpus[0] if gpus else None)
    if not facts.torch_cuda:
        return f"{subject} cannot be used: this build of PyTorch has no CUDA support. {RUNS_ON_CPU}"
    reasons = [] if facts.cuda_available else [driver_reason(driver, facts.torch_cuda, facts.windows_driver)]
    reasons = [reason for reason in reasons if reason] + [reason for _, reason in lacking[:1]]
    if not reasons:
        reasons = [f"PyTorch says: {_one_paragraph(facts.torch_reason)}" if facts.torch_reason
                   else "PyTorch gives no reason"]
        if facts.cuda_visible_devices is not None:
            reasons.append(f"CUDA_VISIBLE_DEVICES is set to '{facts.cuda_visible_devices}'")
    return f"{subject} cannot be used: {'; and '.join(reasons)}. {RUNS_ON_CPU}"


def _gpu_label(gpu: NvidiaGpu | None) -> str:
    if gpu is None or not gpu.name:
        return "The NVIDIA GPU"
    return f"The {gpu.name}" if gpu.name.upper().startswith("NVIDIA") else f"The NVIDIA {gpu.name}"


def _capability_text(capability: tuple[int, int]) -> str:
    return f"{capability[0]}.{capability[1]}"


def _one_paragraph(text: str) -> str:
    return " ".join(text.split()).rstrip(".")


# ---- gathering the facts ----------------------------------------------------------------------

def run_nvidia_smi() -> str | None:
    """nvidia-smi's list of GPUs (name, compute capability, driver); None without a working nvidia-smi."""
    program = shutil.which("nvidia-smi")
    if program is None:
        return None
    # Drivers older than about 510 know no compute_cap field: ask again without it.
    for fields in (NVIDIA_SMI_QUERY, ("name", "driver_version")):
        try:
            done = subprocess.run([program, f"--query-gpu={','.join(fields)}", "--format=csv,noheader"],
                                  capture_output=True, text=True, timeout=NVIDIA_SMI_TIMEOUT_S,
                                  creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode == 0:
            return done.stdout
    return None


def read_proc_driver_version() -> str | None:
    """The text of /proc/driver/nvidia/version (Linux with the NVIDIA kernel module); None elsewhere."""
    try:
        with open(PROC_DRIVER_VERSION, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def torch_cuda_facts() -> dict:
    """What torch says of CUDA: ``torch_cuda``, ``cuda_available``, ``arch_list`` and ``torch_reason``."""
    import torch

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")  # torch's warnings may have been shown (or hidden) before
        available = torch.cuda.is_available()
    reason = ""
    if not available and torch.version.cuda:
        try:
            torch.cuda.init()  # raises torch's reason, e.g. "The NVIDIA driver on your system is too old"
        except Exception as error:
            reason = str(error)
    reason = reason or next((str(w.message) for w in caught if "cuda" in str(w.message).lower()), "")
    return {"torch_cuda": torch.version.cuda, "cuda_available": available,
            "arch_list": tuple(torch.cuda.get_arch_list()), "torch_reason": reason}


def runs_a_windows_driver() -> bool:
    """True on Windows, and in WSL, where the GPU is driven by the Windows driver."""
    return sys.platform == "win32" or "microsoft" in platform.release().lower()


def gather_facts() -> GpuFacts:
    """The facts of this machine; torch is asked only where an NVIDIA GPU is seen."""
    smi, proc = run_nvidia_smi(), read_proc_driver_version()
    if not parse_nvidia_smi(smi) and driver_from_proc(proc) is None:
        return GpuFacts(smi, proc)
    return GpuFacts(smi, proc, windows_driver=runs_a_windows_driver(),
                    cuda_visible_devices=os.environ.get("CUDA_VISIBLE_DEVICES"), **torch_cuda_facts())


@lru_cache(maxsize=1)
def unusable_gpu_note() -> str | None:
    """Why an NVIDIA GPU here cannot be used by torch, for people; None if there is none or CUDA works.

    Runs nvidia-smi (a few seconds at most) the first time; the answer is kept for the process.

    Returns
    -------
    str or None
        See :func:`gpu_note`.
    """
    try:
        return gpu_note(gather_facts())
    except Exception:  # a note that cannot be made must never stop the app
        return None
