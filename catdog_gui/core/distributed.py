"""Data-parallel training across processes started by ``torchrun`` (no Qt).

``torchrun --nproc-per-node N -m catdog_gui train ...`` starts N copies of the command and tells each
its place through the environment (``WORLD_SIZE``, ``RANK``, ``LOCAL_RANK``). The training loop asks
this module who it is, which photos are its own, and to sum numbers over every process. Without
torchrun the world has one process and every function here is a no-op that costs nothing.

Processes on CPUs talk through gloo; processes on CUDA GPUs through NCCL, each on ``cuda:LOCAL_RANK``.
"""

from __future__ import annotations

import gc
import math
import os

import torch
import torch.distributed as dist
from torch import nn

from .errors import UserError


# ---- who am I ----------------------------------------------------------------------------------

def world_size() -> int:
    """How many processes train together (1 without torchrun)."""
    return max(1, int(os.environ.get("WORLD_SIZE") or 1))


def rank() -> int:
    """This process's place among them, 0 to ``world_size() - 1``."""
    return int(os.environ.get("RANK") or 0) if world_size() > 1 else 0


def local_rank() -> int:
    """This process's place among the processes of its machine (its GPU, on CUDA)."""
    return int(os.environ.get("LOCAL_RANK") or 0) if world_size() > 1 else 0


def local_world_size() -> int:
    """How many of the processes run on this machine."""
    return max(1, int(os.environ.get("LOCAL_WORLD_SIZE") or 1)) if world_size() > 1 else 1


def is_main() -> bool:
    """Whether this process is rank 0: the one that writes the run folder and prints."""
    return rank() == 0


def launched() -> bool:
    """Whether this process is one of several started by torchrun."""
    return world_size() > 1


def _active() -> bool:
    return launched() and dist.is_available() and dist.is_initialized()


# ---- start and end -----------------------------------------------------------------------------

def start(device: torch.device) -> torch.device:
    """Join the other processes (once) and return the device this one computes on.

    Parameters
    ----------
    device : torch.device
        The device the settings ask for: ``cpu`` (gloo) or ``cuda`` (NCCL, one GPU per process).

    Returns
    -------
    torch.device
        ``device`` itself without torchrun; ``cuda:LOCAL_RANK`` for a CUDA process.
    """
    if not launched():
        return device
    if device.type == "cuda":
        if local_rank() >= torch.cuda.device_count():
            raise UserError(f"{local_world_size()} processes on this machine but only "
                            f"{torch.cuda.device_count()} CUDA GPUs; start at most one process per GPU")
        device = torch.device("cuda", local_rank())
        torch.cuda.set_device(device)
    elif device.type != "cpu":
        raise UserError(f"several processes train on CPUs or CUDA GPUs, not on {device.type}; use --device cpu")
    if not dist.is_initialized():
        if device.type == "cuda":
            dist.init_process_group("nccl", device_id=device)
        else:
            dist.init_process_group("gloo")
    return device


def finish() -> None:
    """Leave the process group (a no-op without torchrun, or when it was never joined)."""
    if _active():
        # DistributedDataParallel wrappers left in reference cycles hold the group: free them first, or
        # the group's threads may be torn down at interpreter exit, which aborts the process.
        gc.collect()
        dist.destroy_process_group()


# ---- talking to the other processes --------------------------------------------------------------

def _device() -> torch.device:
    """Where collective tensors live: the GPU for NCCL, else the CPU."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def sum_over_ranks(*values: float) -> tuple[float, ...]:
    """Each of ``values`` summed over every process (for instance loss x count, correct, count).

    Parameters
    ----------
    *values : float
        This process's numbers.

    Returns
    -------
    tuple of float
        The sums, the same on every process.
    """
    if not _active():
        return tuple(float(v) for v in values)
    sums = torch.tensor(values, dtype=torch.float64, device=_device())
    dist.all_reduce(sums, op=dist.ReduceOp.SUM)
    return tuple(sums.tolist())


def any_rank(flag: bool) -> bool:
    """True on every process when ``flag`` is true on any of them (a stop asked of one stops all)."""
    if not _active():
        return flag
    value = torch.tensor([1 if flag else 0], dtype=torch.int32, device=_device())
    dist.all_reduce(value, op=dist.ReduceOp.MAX)
    return bool(value.item())


def most_over_ranks(value: int) -> int:
    """The largest of every process's ``value``."""
    if not _active():
        return value
    most = torch.tensor([value], dtype=torch.int64, device=_device())
    dist.all_reduce(most, op=dist.ReduceOp.MAX)
    return int(most.item())


def barrier() -> None:
    """Wait until every process gets here."""
    if _active():
        dist.barrier()


def broadcast_object(value):
    """Rank 0's ``value`` (a small picklable object) on every process.

    Parameters
    ----------
    value : object
        This process's value; only rank 0's is used.

    Returns
    -------
    object
        Rank 0's value.
    """
    if not _active():
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def gather_lists(items: list) -> list:
    """Every process's ``items`` (small picklable objects), joined in rank order, on every process."""
    if not _active():
        return list(items)
    gathered: list = [None] * world_size()
    dist.all_gather_object(gathered, list(items))
    return [item for part in gathered for item in part]


def broadcast_weights(module: nn.Module) -> None:
    """Copy rank 0's parameters and buffers of ``module`` into every other process's, in place."""
    if not _active():
        return
    with torch.no_grad():
        for tensor in module.state_dict().values():
            sent = tensor.contiguous()  # channels-last weights travel as a plain copy
            dist.broadcast(sent, src=0)
            if sent is not tensor:
                tensor.copy_(sent)


def synchronized(module: nn.Module, device: torch.device) -> nn.Module:
    """``module`` wrapped in DistributedDataParallel for training steps (itself without torchrun).

    Wrapping copies rank 0's weights to every process; then each backward pass averages the gradients
    of the parameters that need them. Every such parameter takes part in every step, so
    ``find_unused_parameters`` stays off.
    """
    if not _active():
        return module
    device_ids = [device.index] if device.type == "cuda" else None
    return nn.parallel.DistributedDataParallel(module, device_ids=device_ids)


# ---- sharing out the work -------------------------------------------------------------------------

def shard_order(order: torch.Tensor, rank_: int | None = None, world: int | None = None) -> torch.Tensor:
    """This process's part of an epoch's shuffled ``order``: ``order[rank::world]``.

    As DistributedSampler does, ``order`` is first padded by repeating its start, so that every process
    gets the same number of photos (DistributedDataParallel needs the same number of steps everywhere).

    Parameters
    ----------
    order : torch.Tensor
        Positions in the training split, shuffled the same way on every process.
    rank_, world : int, optional
        This process's rank and the number of processes (by default, the current ones).

    Returns
    -------
    torch.Tensor
        ``ceil(len(order) / world)`` positions.
    """
    rank_ = rank() if rank_ is None else rank_
    world = world_size() if world is None else world
    if world == 1 or len(order) == 0:
        return order
    total = math.ceil(len(order) / world) * world
    if total > len(order):
        order = order.repeat(math.ceil(total / len(order)))[:total]
    return order[rank_:total:world]


def eval_positions(count: int, rank_: int | None = None, world: int | None = None) -> torch.Tensor:
    """This process's positions of an evaluated split of ``count`` photos: each photo once, no padding."""
    rank_ = rank() if rank_ is None else rank_
    world = world_size() if world is None else world
    return torch.arange(count)[rank_::world]  # empty where there are fewer photos than processes


def share_in_chunks(items: list, chunk_size: int, rank_: int, world: int) -> list[list]:
    """Process ``rank_``'s share of ``items`` among ``world`` processes (``items[rank_::world]``), in
    chunks of at most ``chunk_size``.

    Parameters
    ----------
    items : list
        The work, listed in the same order by every process that shares it.
    chunk_size : int
        Items per chunk.
    rank_, world : int
        This process's place among the processes that share the work, and their number.

    Returns
    -------
    list of list
        Chunks; the shares of two processes differ by at most one chunk.
    """
    share = items[rank_::world]
    return [share[start:start + chunk_size] for start in range(0, len(share), chunk_size)]


def pad_steps(chunks: list[list]) -> list[list]:
    """``chunks`` and empty ones, as many in all as the process with the most has: every process then
    goes round its loop (and through its collective calls) the same number of times."""
    steps = most_over_ranks(len(chunks))
    return chunks + [[] for _ in range(steps - len(chunks))]
