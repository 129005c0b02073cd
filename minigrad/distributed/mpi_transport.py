"""The transport of a job launched by ``mpiexec`` or ``srun``: MPI's collectives through ``mpi4py``.

A transport moves numpy arrays (contiguous, in host memory) and Python objects between the ranks; the collectives
of ``minigrad.distributed`` and ``DistributedDataParallel`` call it by these names, whichever transport the job
has (the other is ``socket_transport``). Reductions are named "sum", "product", "min" and "max".
"""

_OP_NAMES = {"sum": "SUM", "product": "PROD", "min": "MIN", "max": "MAX"}


class MpiTransport:
    """MPI's COMM_WORLD, behind the transport's method names."""

    def __init__(self):
        from mpi4py import MPI
        self._mpi, self._comm = MPI, MPI.COMM_WORLD
        self.rank, self.size = self._comm.Get_rank(), self._comm.Get_size()

    def _op(self, op):
        return getattr(self._mpi, _OP_NAMES[op])

    def barrier(self):
        self._comm.Barrier()

    def abort(self, code=1):
        """End every rank of the job at once (MPI_Abort)."""
        self._comm.Abort(code)

    def broadcast(self, values, root):
        self._comm.Bcast(values, root=root)

    def all_reduce(self, values, op="sum"):
        self._comm.Allreduce(self._mpi.IN_PLACE, values, op=self._op(op))

    def reduce(self, values, op, root):
        """``values`` on rank ``root`` becomes the reduction; the other ranks' are left as they were."""
        if self.rank == root:
            self._comm.Reduce(self._mpi.IN_PLACE, values, op=self._op(op), root=root)
        else:
            self._comm.Reduce(values.copy(), None, op=self._op(op), root=root)

    def all_gather(self, values, out):
        self._comm.Allgather(values, out)

    def gather(self, values, out, root):
        self._comm.Gather(values, out, root=root)

    def all_gather_object(self, obj):
        return self._comm.allgather(obj)

    def gather_object(self, obj, root):
        return self._comm.gather(obj, root=root)

    def broadcast_object(self, obj, root):
        return self._comm.bcast(obj, root=root)

    def start_all_reduce(self, values):
        """Start a sum over the ranks of ``values`` in place (MPI_Iallreduce); ``wait()`` on the result ends it."""
        return _MpiRequest(self._comm.Iallreduce(self._mpi.IN_PLACE, values, op=self._mpi.SUM))

    def send(self, values, dst, tag=0):
        self._comm.Send(values, dest=dst, tag=tag)

    def recv(self, values, src=None, tag=0):
        """Receive into ``values`` from ``src`` (None: any rank); the sender's rank."""
        status = self._mpi.Status()
        self._comm.Recv(values, source=self._mpi.ANY_SOURCE if src is None else src, tag=tag, status=status)
        return status.Get_source()

    def start_send(self, values, dst, tag=0):
        return _MpiRequest(self._comm.Isend(values, dest=dst, tag=tag))

    def start_recv(self, values, src=None, tag=0):
        status = self._mpi.Status()
        request = self._comm.Irecv(values, source=self._mpi.ANY_SOURCE if src is None else src, tag=tag)
        return _MpiRequest(request, status)

    def progress(self, requests):
        """Let MPI move started reductions along (MPICH progresses inside MPI calls)."""
        pending = [r.request for r in requests if r.request is not None]
        if pending:
            self._mpi.Request.Testall(pending)


class _MpiRequest:
    """An MPI request behind the transport's request interface: ``wait()`` returns the sender's rank for a
    receive, ``is_completed()``."""

    def __init__(self, request, status=None):
        self.request, self.status, self.done = request, status, False

    def wait(self, timeout=None):
        if not self.done:
            self.request.Wait(self.status)
            self.done = True
        return self.status.Get_source() if self.status is not None else None

    def is_completed(self):
        if not self.done:
            self.done = self.request.Test(self.status)
        return self.done
