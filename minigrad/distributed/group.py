"""The process group: which process this is among how many, on MPI (``mpi4py``), as ``torch.distributed``'s
default group.

Launched by ``mpiexec -n N`` (or ``srun``), ``init_process_group`` takes the rank and the size from MPI; launched
as a plain ``python`` it is a world of one, with or without ``mpi4py``. After it, an uncaught exception on any rank
prints that rank's traceback and aborts the whole job (``MPI_Abort``), so the other ranks never wait forever in a
collective.
"""
import os
import sys
import time
import traceback

__all__ = ["init_process_group", "destroy_process_group", "is_available", "is_initialized", "is_mpi_available",
           "get_rank", "get_world_size", "get_backend", "barrier", "GroupMember", "new_group", "default_group"]



class _Group:
    """The world: ``comm`` is MPI's COMM_WORLD, or None for a world of one without MPI."""

    def __init__(self, comm, backend):
        self.comm, self.backend = comm, backend
        self.rank = comm.Get_rank() if comm is not None else 0
        self.size = comm.Get_size() if comm is not None else 1


class GroupMember:
    """PyTorch's ``GroupMember.WORLD``: the default group (the only one minigrad has)."""

    WORLD = None


_world = None
_previous_excepthook = None
# Seconds an uncaught exception's rank waits, its traceback written, before it aborts the job (see _abort_on_uncaught).
ABORT_DELAY = 0.5

# Launchers' variables for (rank, size, rank on this node, ranks on this node), by launcher: MPICH's hydra,
# Open MPI, Slurm's srun.
_LAUNCHER_VARIABLES = (("PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID", "MPI_LOCALNRANKS"),
                       ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK",
                        "OMPI_COMM_WORLD_LOCAL_SIZE"),
                       ("SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_NTASKS_PER_NODE"))


def export_torchrun_environment(environ=os.environ):
    """Under mpiexec or srun, set RANK, WORLD_SIZE, LOCAL_RANK and LOCAL_WORLD_SIZE as torchrun sets them (unless
    already set), so that scripts written for torchrun, which read them before init_process_group, run as they
    are. Done when ``minigrad.distributed`` is imported."""
    for rank, size, local_rank, local_size in _LAUNCHER_VARIABLES:
        if rank in environ and size in environ:
            for name, source in (("RANK", rank), ("WORLD_SIZE", size), ("LOCAL_RANK", local_rank),
                                 ("LOCAL_WORLD_SIZE", local_size)):
                if name not in environ and environ.get(source, "").isdigit():
                    environ[name] = environ[source]
            return


export_torchrun_environment()


def _mpi():
    """mpi4py's MPI module, or None when mpi4py is not installed."""
    try:
        from mpi4py import MPI
    except ImportError:
        return None
    return MPI


def is_mpi_available():
    """Whether mpi4py (``pip install minigrad[distributed]``) can be imported."""
    return _mpi() is not None


def is_available():
    """True: ``minigrad.distributed`` can always be used (a world of one without MPI), as PyTorch's."""
    return True


def is_initialized():
    """Whether ``init_process_group`` has been called (and not undone), as PyTorch's."""
    return _world is not None


def _launched_size():
    for _, name, _, _ in _LAUNCHER_VARIABLES:
        value = os.environ.get(name)
        if value and value.isdigit():
            return int(value)
    return 1


def _abort_on_uncaught(exc_type, exc, tb):
    """Print this rank's traceback, then end every rank: one failing rank must not leave the others waiting in a
    collective. (Ctrl-C reaches every rank by itself, and a world of one has no one to wait.)"""
    if exc_type is KeyboardInterrupt or _world is None or _world.comm is None or _world.size == 1:
        (_previous_excepthook or sys.__excepthook__)(exc_type, exc, tb)
        return
    message = f"[rank {_world.rank}] uncaught exception; aborting all {_world.size} ranks\n" + \
        "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stdout.flush()
    sys.stderr.write(message)
    sys.stderr.flush()
    # The launcher forwards each rank's output from a pipe; MPI_Abort at once lost the traceback, whole or in part,
    # in 2 of 30 runs (mpiexec from pip's mpich). A moment's wait lets it be forwarded before every rank is ended.
    time.sleep(ABORT_DELAY)
    _world.comm.Abort(1)


def init_process_group(backend="mpi", init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the job, as ``torch.distributed.init_process_group``. Every backend name (``"mpi"``, ``"gloo"``,
    ``"nccl"``) runs on MPI; ``world_size`` and ``rank``, when given, must agree with the launcher's."""
    global _world, _previous_excepthook
    if _world is not None:
        raise RuntimeError("trying to initialize the default process group twice!")
    MPI = _mpi()
    if MPI is None:
        if _launched_size() > 1:
            raise RuntimeError(f"launched as one of {_launched_size()} processes, but mpi4py is not installed: "
                               "pip install minigrad[distributed]")
        group = _Group(None, backend)
    else:
        group = _Group(MPI.COMM_WORLD, backend)
    if world_size not in (-1, None) and world_size != group.size:
        raise ValueError(f"init_process_group: world_size={world_size}, but MPI started {group.size} processes")
    if rank not in (-1, None) and rank != group.rank:
        raise ValueError(f"init_process_group: rank={rank}, but MPI gave this process rank {group.rank}")
    _world = group
    GroupMember.WORLD = group
    _previous_excepthook, sys.excepthook = sys.excepthook, _abort_on_uncaught


def destroy_process_group(group=None):
    """Leave the job (MPI itself is finalised when the process exits), as PyTorch's."""
    global _world
    if _world is None:
        return
    if _world.comm is not None:
        _world.comm.Barrier()
    _world = None
    GroupMember.WORLD = None
    sys.excepthook = _previous_excepthook or sys.__excepthook__


def default_group():
    """The initialised group; raises PyTorch's error before ``init_process_group``."""
    if _world is None:
        raise ValueError("Default process group has not been initialized, please make sure to call "
                         "init_process_group.")
    return _world


def get_rank(group=None):
    """This process's rank (0 before ``init_process_group`` is an error, as PyTorch's)."""
    return default_group().rank


def get_world_size(group=None):
    """The number of processes in the job."""
    return default_group().size


def get_backend(group=None):
    """The backend name given to ``init_process_group`` (the transport is always MPI)."""
    return default_group().backend


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank reaches this point."""
    group = default_group()
    if group.comm is not None:
        group.comm.Barrier()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None):
    """Only the whole world is supported as a group."""
    group = default_group()
    if ranks is not None and sorted(ranks) != list(range(group.size)):
        raise NotImplementedError("minigrad.distributed supports the default group (all ranks) only")
    return group
