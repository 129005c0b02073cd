"""The process group: which process this is among how many, and the transport between them, as
``torch.distributed``'s default group.

- Launched by ``mpiexec -n N`` (or ``srun``), ``init_process_group`` takes the rank and the size from MPI and the
  job runs on MPI (``mpi4py``). An uncaught exception on any rank then prints that rank's traceback and aborts the
  whole job (``MPI_Abort``), so the other ranks never wait forever in a collective.
- Given a world size above one otherwise (``WORLD_SIZE``, ``RANK``, ``MASTER_ADDR`` and ``MASTER_PORT`` in the
  environment as ``python -m minigrad.distributed.run`` or torchrun set them, or ``world_size``, ``rank`` and
  ``init_method="tcp://host:port"`` as a script started by ``mp.spawn`` passes them), the ranks meet over TCP
  (``socket_transport``); a rank that fails closes its connections and the others stop with an error.
- Launched as a plain ``python``, it is a world of one.
"""
import datetime
import os
import sys
import time
import traceback
from urllib.parse import parse_qs, urlparse

from .mpi_transport import MpiTransport
from .socket_transport import SocketTransport

__all__ = ["init_process_group", "destroy_process_group", "is_available", "is_initialized", "is_mpi_available",
           "get_rank", "get_world_size", "get_backend", "barrier", "GroupMember", "new_group", "default_group"]



class _Group:
    """The world: ``transport`` moves the values (an ``MpiTransport`` or a ``SocketTransport``; None in a world
    of one)."""

    def __init__(self, transport, backend):
        self.transport, self.backend = transport, backend
        self.rank = transport.rank if transport is not None else 0
        self.size = transport.size if transport is not None else 1


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
    if exc_type is KeyboardInterrupt or _world is None or _world.size == 1 or \
            not isinstance(_world.transport, MpiTransport):
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
    _world.transport.abort(1)


DEFAULT_TIMEOUT = datetime.timedelta(minutes=30)  # PyTorch's for gloo


def _from_environment(name, method):
    value = os.environ.get(name)
    if value is None:
        raise ValueError(f"Error initializing torch.distributed using {method} rendezvous: environment variable "
                         f"{name} expected, but not set")
    return value


def _rendezvous(init_method, world_size, rank):
    """(host, port, world size, rank) from ``init_method`` ("env://", the default, or "tcp://host:port", whose
    query may hold rank and world_size) and the arguments, which win over the environment, as PyTorch's."""
    method = init_method or "env://"
    parsed = urlparse(method)
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    if parsed.scheme == "env":
        host, port = _from_environment("MASTER_ADDR", "env://"), _from_environment("MASTER_PORT", "env://")
        world_size = world_size if world_size not in (-1, None) else _from_environment("WORLD_SIZE", "env://")
        rank = rank if rank not in (-1, None) else _from_environment("RANK", "env://")
    elif parsed.scheme == "tcp":
        host, port = parsed.hostname, parsed.port
        if not host or not port:
            raise ValueError(f"Error initializing torch.distributed using tcp:// rendezvous: {method!r} names no "
                             "host and port")
        world_size = world_size if world_size not in (-1, None) else query.get("world_size")
        rank = rank if rank not in (-1, None) else query.get("rank")
        for name, value in (("rank", rank), ("world size", world_size)):
            if value is None:
                raise ValueError(f"Error initializing torch.distributed using tcp:// rendezvous: {name} parameter "
                                 "missing")
    else:
        raise ValueError(f"minigrad.distributed: init_method {method!r} is not supported; use env:// or "
                         "tcp://host:port (or launch with mpiexec)")
    world_size, rank = int(world_size), int(rank)
    if not 0 <= rank < world_size:
        raise ValueError(f"init_process_group: rank {rank} is not in a world of {world_size}")
    return host, int(port), world_size, rank


def _requested_size(init_method, world_size):
    """The world size asked for outside an MPI launch: the argument, the tcp:// query, or WORLD_SIZE; else 1."""
    if world_size not in (-1, None):
        return int(world_size)
    if init_method and init_method.startswith("tcp://"):
        size = parse_qs(urlparse(init_method).query).get("world_size")
        return int(size[-1]) if size else 1
    value = os.environ.get("WORLD_SIZE", "")
    return int(value) if value.isdigit() else 1


def _seconds(timeout):
    if timeout is None:
        timeout = DEFAULT_TIMEOUT
    return timeout.total_seconds() if hasattr(timeout, "total_seconds") else float(timeout)


def init_process_group(backend=None, init_method=None, timeout=None, world_size=-1, rank=-1, store=None,
                       group_name="", pg_options=None, device_id=None):
    """Join the job, as ``torch.distributed.init_process_group``: on MPI when launched by mpiexec or srun, over
    TCP when a world size above one is given otherwise, else a world of one (see the module's docstring). Every
    backend name ("mpi", "gloo", "nccl") is accepted and recorded; the launch decides the transport. Under MPI,
    ``world_size`` and ``rank``, when given, must agree with the launcher's."""
    global _world, _previous_excepthook
    if _world is not None:
        raise RuntimeError("trying to initialize the default process group twice!")
    if store is not None:
        raise NotImplementedError("minigrad.distributed: a Store is not supported; use init_method or the "
                                  "environment")
    if _launched_size() > 1:
        if _mpi() is None:
            raise RuntimeError(f"launched as one of {_launched_size()} processes, but mpi4py is not installed: "
                               "pip install minigrad[distributed]")
        group = _Group(MpiTransport(), backend or "mpi")
        if world_size not in (-1, None) and world_size != group.size:
            raise ValueError(f"init_process_group: world_size={world_size}, but MPI started {group.size} processes")
        if rank not in (-1, None) and rank != group.rank:
            raise ValueError(f"init_process_group: rank={rank}, but MPI gave this process rank {group.rank}")
    elif _requested_size(init_method, world_size) > 1:
        host, port, size, this_rank = _rendezvous(init_method, world_size, rank)
        group = _Group(SocketTransport(host, port, this_rank, size, _seconds(timeout)), backend or "gloo")
    else:
        group = _Group(None, backend or "gloo")
    _world = group
    GroupMember.WORLD = group
    _previous_excepthook, sys.excepthook = sys.excepthook, _abort_on_uncaught


def destroy_process_group(group=None):
    """Leave the job, once every rank reaches this point, as PyTorch's (MPI itself is finalised when the process
    exits)."""
    global _world
    if _world is None:
        return
    if _world.transport is not None:
        _world.transport.barrier()
        if isinstance(_world.transport, SocketTransport):
            _world.transport.close()
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
    """The backend name given to ``init_process_group`` (the transport is MPI or TCP, as launched)."""
    return default_group().backend


def barrier(group=None, async_op=False, device_ids=None):
    """Wait until every rank reaches this point."""
    group = default_group()
    if group.transport is not None:
        group.transport.barrier()


def new_group(ranks=None, timeout=None, backend=None, pg_options=None):
    """Only the whole world is supported as a group."""
    group = default_group()
    if ranks is not None and sorted(ranks) != list(range(group.size)):
        raise NotImplementedError("minigrad.distributed supports the default group (all ranks) only")
    return group
