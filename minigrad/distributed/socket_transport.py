"""The transport of a job started without MPI (``python -m minigrad.distributed.run``, ``mp.spawn``, several
machines given ``MASTER_ADDR``/``MASTER_PORT``): TCP connections from every rank to rank 0, which relays.

Rank 0 listens on MASTER_PORT; every other rank connects to MASTER_ADDR:MASTER_PORT and says who it is. A
collective is then a star: the ranks send their arrays to rank 0, which reduces or assembles them in rank order
and sends the result back, so every rank ends with the same bits. Each message is its length (8 bytes) followed by
the bytes; an array's length must be what the receiver expects, so ranks that disagree about a tensor's size get
an error rather than each other's bytes. A rank that dies closes its connection, and the ranks waiting on it get
an error instead of waiting forever. Objects travel pickled, between the job's own processes, as PyTorch's
``all_gather_object`` (its documentation: only with data you trust).

``start_all_reduce`` (DistributedDataParallel's buckets, during backward) hands the sum to one background thread,
which runs them in the order started; the sockets and numpy's additions release the GIL, so backward goes on
meanwhile. Every other collective first waits for the started ones, so all ranks use their connections in one
order.
"""
import json
import pickle
import socket
import struct
import threading
import time

import numpy as np

from .socket_pairs import Lane, PeerLinks

_HELLO = b"minigrad-rendezvous-1"
_LENGTH = struct.Struct("<q")
_REDUCERS = {"sum": np.add, "product": np.multiply, "min": np.minimum, "max": np.maximum}
PIECE_BYTES = 1 << 20  # an all-reduce travels in pieces of this size, both directions at once


def _receive_exactly(sock, view):
    """Fill the byte memoryview ``view`` from ``sock``."""
    while len(view):
        received = sock.recv_into(view)
        if received == 0:
            raise RuntimeError("minigrad.distributed: a rank closed its connection (it ended or failed); "
                               "this rank cannot complete the collective")
        view = view[received:]


def _send_bytes(sock, data):
    sock.sendall(_LENGTH.pack(len(data)))
    sock.sendall(data)


def _receive_length(sock):
    header = bytearray(_LENGTH.size)
    _receive_exactly(sock, memoryview(header))
    return _LENGTH.unpack(header)[0]


def _receive_bytes(sock):
    data = bytearray(_receive_length(sock))
    _receive_exactly(sock, memoryview(data))
    return bytes(data)


def _bytes_of(values):
    return memoryview(np.ascontiguousarray(values)).cast("B")


def _send_array(sock, values):
    _send_bytes(sock, _bytes_of(values))


def _receive_array(sock, out):
    """Receive into the contiguous array ``out``; a message of another size is an error (the ranks disagree)."""
    length = _receive_length(sock)
    if length != out.nbytes:
        raise RuntimeError(f"minigrad.distributed: a rank sent {length} bytes where this rank expected "
                           f"{out.nbytes}: the ranks passed tensors of different sizes to one collective")
    _receive_exactly(sock, memoryview(out).cast("B"))


class SocketTransport:
    """The ranks of a job joined over TCP (see the module's docstring); the same methods as ``MpiTransport``."""

    def __init__(self, host, port, rank, size, timeout_s):
        self.rank, self.size = rank, size
        self._peers = {}  # on rank 0: rank -> its connection
        self._root = None  # elsewhere: the connection to rank 0
        self._background = Lane("minigrad-allreduce")  # DDP's started sums, in order
        listener = socket.create_server(("", 0))  # for point-to-point messages (socket_pairs)
        own = listener.getsockname()[1]
        if rank == 0:
            addresses = self._accept_peers(host, port, own, timeout_s)
        else:
            addresses = self._connect(host, port, own, timeout_s)
        self.links = PeerLinks(rank, listener, addresses, timeout_s, _send_array, _receive_array)

    # ------------------------------------------------------------------ joining
    def _accept_peers(self, host, port, own_port, timeout_s):
        """Rank 0: accept every other rank, then send each the table of point-to-point addresses."""
        try:
            server = socket.create_server(("", port))
        except OSError as error:
            raise RuntimeError(f"minigrad.distributed: rank 0 cannot listen on port {port} ({error}); set "
                               "MASTER_PORT to a free port") from error
        deadline, addresses = time.monotonic() + timeout_s, {0: (host, own_port)}
        with server:
            while len(self._peers) < self.size - 1:
                server.settimeout(max(deadline - time.monotonic(), 0.001))
                try:
                    sock, (peer_host, _) = server.accept()
                except socket.timeout:
                    missing = sorted(set(range(1, self.size)) - set(self._peers))
                    raise RuntimeError(f"minigrad.distributed: ranks {missing} did not join within "
                                       f"{timeout_s:g} s") from None
                sock.settimeout(timeout_s)
                hello = _receive_bytes(sock)
                peer_rank, peer_size, peer_port = struct.unpack("<qqq", hello[len(_HELLO):]) \
                    if hello.startswith(_HELLO) and len(hello) == len(_HELLO) + 24 else (-1, -1, -1)
                if peer_size != self.size or not 0 < peer_rank < self.size or peer_rank in self._peers:
                    sock.close()
                    raise RuntimeError(f"minigrad.distributed: a process joined as rank {peer_rank} of "
                                       f"{peer_size}, in a job of {self.size}")
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._peers[peer_rank] = sock
                addresses[peer_rank] = (peer_host, peer_port)
        table = json.dumps({str(r): list(a) for r, a in addresses.items()}).encode()
        for sock in self._peers.values():
            _send_bytes(sock, b"ok" + table)
        return addresses

    def _connect(self, host, port, own_port, timeout_s):
        """Any other rank: join rank 0; the table of point-to-point addresses it sends back."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                sock = socket.create_connection((host, port), timeout=max(deadline - time.monotonic(), 0.001))
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"minigrad.distributed: rank {self.rank} found no rank 0 at {host}:{port} "
                                       f"within {timeout_s:g} s") from None
                time.sleep(0.05)
        sock.settimeout(timeout_s)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        _send_bytes(sock, _HELLO + struct.pack("<qqq", self.rank, self.size, own_port))
        reply = _receive_bytes(sock)
        if not reply.startswith(b"ok"):
            raise RuntimeError("minigrad.distributed: rank 0 refused this rank")
        self._root = sock
        return {int(r): tuple(a) for r, a in json.loads(reply[2:]).items()}

    def close(self):
        self._finish_started()
        self.links.close()
        for sock in list(self._peers.values()) + [self._root]:
            if sock is not None:
                sock.close()
        self._peers, self._root = {}, None

    # ------------------------------------------------------------------ arrays
    def _collect(self, values):
        """On rank 0: every rank's array, in rank order (rank 0's is ``values`` itself)."""
        parts = [values]
        for rank in range(1, self.size):
            part = np.empty_like(values)
            _receive_array(self._peers[rank], part)
            parts.append(part)
        return parts

    def _to(self, rank, values):
        _send_array(self._peers[rank], values)

    def broadcast(self, values, root):
        self._finish_started()
        self._broadcast(values, root)

    def _broadcast(self, values, root):
        if self.rank == 0:
            if root != 0:
                _receive_array(self._peers[root], values)
            for rank in self._peers:
                if rank != root:
                    self._to(rank, values)
        elif self.rank == root:
            _send_array(self._root, values)
        else:
            _receive_array(self._root, values)

    def reduce(self, values, op, root):
        """``values`` on rank ``root`` becomes the reduction, taken in rank order; the other ranks' stay."""
        self._finish_started()
        self._reduce(values, op, root)

    def _reduce(self, values, op, root):
        if self.rank == 0:
            parts = self._collect(values)
            result = parts[0].copy()
            for part in parts[1:]:
                _REDUCERS[op](result, part, out=result)
            if root == 0:
                values[...] = result
            else:
                self._to(root, result)
        else:
            _send_array(self._root, values)
            if self.rank == root:
                _receive_array(self._root, values)

    def all_reduce(self, values, op="sum"):
        self._finish_started()
        self._all_reduce_now(values, op)

    def _all_reduce_now(self, values, op):
        """Every rank's ``values`` (contiguous) becomes the reduction. Beyond one piece of PIECE_BYTES: each rank
        sends its pieces from a thread while it receives the reduced ones, and rank 0 reduces piece k (in rank
        order) and sends it back while the ranks send piece k + 1, so both directions of every connection carry
        data at once."""
        if values.nbytes <= PIECE_BYTES:  # one piece: nothing to overlap, and a thread would cost 0.4 ms
            self._reduce(values, op, 0)
            self._broadcast(values, 0)
            return
        flat = values.reshape(-1)
        step = max(1, PIECE_BYTES // max(flat.itemsize, 1))
        pieces = [(a, min(a + step, flat.size)) for a in range(0, flat.size, step)]
        if self.rank == 0:
            for rank in range(1, self.size):
                if _receive_length(self._peers[rank]) != flat.nbytes:
                    raise RuntimeError("minigrad.distributed: the ranks passed tensors of different sizes to one "
                                       "all_reduce")
            scratch = np.empty(min(step, flat.size), flat.dtype)
            for a, b in pieces:
                for rank in range(1, self.size):
                    _receive_array(self._peers[rank], scratch[:b - a])
                    _REDUCERS[op](flat[a:b], scratch[:b - a], out=flat[a:b])
                for rank in range(1, self.size):
                    _send_array(self._peers[rank], flat[a:b])
            return
        failure = []

        def send_pieces():
            try:
                self._root.sendall(_LENGTH.pack(flat.nbytes))
                for a, b in pieces:
                    _send_array(self._root, flat[a:b])  # piece k is sent before its reduced value can arrive
            except OSError as error:
                failure.append(error)
        sender = threading.Thread(target=send_pieces, name="minigrad-allreduce-send", daemon=True)
        sender.start()
        try:
            for a, b in pieces:
                _receive_array(self._root, flat[a:b])
        finally:
            sender.join()
        if failure:
            raise RuntimeError(f"minigrad.distributed: sending to rank 0 failed: {failure[0]}")

    def gather(self, values, out, root):
        self._finish_started()
        if self.rank == 0:
            whole = out if root == 0 else np.empty((self.size,) + values.shape, values.dtype)
            for rank, part in enumerate(self._collect(values)):
                whole[rank] = part
            if root != 0:
                self._to(root, whole)
        else:
            _send_array(self._root, values)
            if self.rank == root:
                _receive_array(self._root, out)

    def all_gather(self, values, out):
        self.gather(values, out, 0)
        self._broadcast(out, 0)

    def barrier(self):
        self.all_reduce(np.zeros(1, np.int8))

    def abort(self, code=1):
        """Close the connections: every rank waiting on this one gets an error instead of waiting."""
        self.close()

    # ------------------------------------------------------------------ in the background
    def start_all_reduce(self, values):
        """Start the sum over the ranks of ``values``, in place, on the background thread; ``wait()`` on the
        result ends it (and raises what it raised)."""
        return self._background.submit(lambda: self._all_reduce_now(values, "sum"))

    def _finish_started(self):
        """Wait for every started sum, before this thread uses the connections."""
        self._background.drain()

    def progress(self, requests):
        pass

    # ------------------------------------------------------------------ objects
    def gather_object(self, obj, root):
        self._finish_started()
        if self.rank == 0:
            gathered = [obj] + [pickle.loads(_receive_bytes(self._peers[r])) for r in range(1, self.size)]
            if root == 0:
                return gathered
            _send_bytes(self._peers[root], pickle.dumps(gathered))
            return None
        _send_bytes(self._root, pickle.dumps(obj))
        return pickle.loads(_receive_bytes(self._root)) if self.rank == root else None

    def broadcast_object(self, obj, root):
        self._finish_started()
        if self.rank == 0:
            if root != 0:
                obj = pickle.loads(_receive_bytes(self._peers[root]))
            data = pickle.dumps(obj)
            for rank in self._peers:
                if rank != root:
                    _send_bytes(self._peers[rank], data)
            return obj
        if self.rank == root:
            _send_bytes(self._root, pickle.dumps(obj))
            return obj
        return pickle.loads(_receive_bytes(self._root))

    def all_gather_object(self, obj):
        return self.broadcast_object(self.gather_object(obj, 0), 0)

    # ------------------------------------------------------------------ point to point (socket_pairs)
    def send(self, values, dst, tag=0):
        self.links.send(values, dst, tag)

    def recv(self, values, src=None, tag=0):
        return self.links.recv(values, src, tag)

    def start_send(self, values, dst, tag=0):
        return self.links.start_send(values, dst, tag)

    def start_recv(self, values, src=None, tag=0):
        return self.links.start_recv(values, src, tag)
