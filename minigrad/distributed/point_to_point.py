"""Point-to-point messages between two ranks, as ``torch.distributed``'s ``send``, ``recv``, ``isend``,
``irecv`` and ``batch_isend_irecv``: on MPI its own messages, over TCP a connection per direction
(``socket_pairs``). Between two ranks, messages arrive in the order they were sent; a receive's tag must be the
message's."""
from .collectives import host_values, write_back
from .group import default_group

__all__ = ["send", "recv", "isend", "irecv", "P2POp", "batch_isend_irecv"]


def _peer(group, rank, role):
    if not 0 <= rank < group.size:
        raise ValueError(f"Invalid {role} rank: {rank} is not in a world of {group.size}")
    if rank == group.rank:
        raise ValueError(f"Invalid {role} rank: {role} rank should not be the same as the rank of the current "
                         "process.")
    return rank


def _transport(group):
    if group.transport is None:
        raise RuntimeError("point-to-point messages need a world of more than one process")
    return group.transport


class _Work:
    """What ``isend``/``irecv`` return: ``wait()`` completes the message (a receive's values are then in the
    tensor), ``is_completed()``; for a receive, ``source_rank()`` after the wait."""

    def __init__(self, request, finish=None):
        self._request, self._finish, self._source = request, finish, None

    def wait(self, timeout=None):
        if self._request is not None:
            self._source = self._request.wait()
            if self._finish is not None:
                self._finish()
            self._request = None
        return True

    def is_completed(self):
        return self._request is None or self._request.is_completed()

    def source_rank(self):
        return self._source


def send(tensor, dst, group=None, tag=0):
    """Send ``tensor``'s values to rank ``dst``; returns when they are on their way (the tensor may change)."""
    group = default_group()
    _transport(group).send(host_values(tensor), _peer(group, dst, "destination"), tag)


def recv(tensor, src=None, group=None, tag=0):
    """Receive into ``tensor`` (in place) from rank ``src``, or from any rank; returns the sender's rank."""
    group = default_group()
    values = host_values(tensor)
    sender = _transport(group).recv(values, None if src is None else _peer(group, src, "source"), tag)
    write_back(tensor, values)
    return sender


def isend(tensor, dst, group=None, tag=0):
    """Start sending ``tensor``'s values to ``dst``; the values are read until ``wait()`` returns."""
    group = default_group()
    values = host_values(tensor)  # contiguous already: the tensor's own array or a host copy
    return _Work(_transport(group).start_send(values, _peer(group, dst, "destination"), tag))


def irecv(tensor, src=None, group=None, tag=0):
    """Start receiving into ``tensor`` from ``src`` (or any rank); the values are there after ``wait()``."""
    group = default_group()
    values = host_values(tensor)
    request = _transport(group).start_recv(values, None if src is None else _peer(group, src, "source"), tag)
    return _Work(request, lambda: write_back(tensor, values))


class P2POp:
    """One message of ``batch_isend_irecv``: ``op`` is ``isend`` or ``irecv``."""

    def __init__(self, op, tensor, peer=None, group=None, tag=0, group_peer=None):
        if op not in (isend, irecv):
            raise ValueError("Invalid ``op``. Expected ``op`` to be of type ``torch.distributed.isend`` or "
                             "``torch.distributed.irecv``.")
        self.op, self.tensor, self.peer, self.group, self.tag = op, tensor, peer, group, tag


def batch_isend_irecv(p2p_op_list):
    """Start every message of the list; their works, to ``wait()`` on."""
    return [op.op(op.tensor, op.peer, op.group, op.tag) for op in p2p_op_list]
