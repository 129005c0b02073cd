"""Point-to-point messages of the TCP transport (``send``/``recv``/``isend``/``irecv``), and the ordered
background lanes that run non-blocking operations.

Every rank listens on a port of its own, announced at the rendezvous. The first message from rank i to rank j
opens a connection i -> j that carries only i's messages to j, so each direction keeps its order, as MPI's
messages between two ranks do. A message is its tag (8 bytes), then the array as the transport frames it; a
receive names the tag it expects, and a different one is an error (messages are matched in order, not by tag).
``recv`` from any source waits on every incoming connection and the listener at once, and returns the sender.
"""
import queue
import select
import socket
import struct
import threading

_TAG = struct.Struct("<q")
_PEER_HELLO = b"minigrad-pair-1"


class Request:
    """A non-blocking operation: ``wait()`` returns its result (or raises its error), ``is_completed()``."""

    def __init__(self):
        self.done, self.error, self.result = threading.Event(), None, None

    def wait(self, timeout=None):
        self.done.wait(timeout)
        if self.error is not None:
            error, self.error = self.error, None
            raise error
        return self.result

    def is_completed(self):
        return self.done.is_set()


class Lane:
    """One background thread running submitted calls in the order they came."""

    def __init__(self, name):
        self._calls, self._thread, self._name = queue.Queue(), None, name
        self._pending = []

    def submit(self, call):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()
        request = Request()
        self._pending = [r for r in self._pending if not r.done.is_set()] + [request]
        self._calls.put((call, request))
        return request

    def _run(self):
        while True:
            call, request = self._calls.get()
            try:
                request.result = call()
            except BaseException as error:  # handed to wait(), in the thread that asked
                request.error = error
            request.done.set()

    def drain(self):
        """Wait for every submitted call (its errors are raised by its own request's ``wait``)."""
        for request in self._pending:
            request.done.wait()
        self._pending = []


class PeerLinks:
    """This rank's connections to the others for point-to-point messages (see the module's docstring)."""

    def __init__(self, rank, listener, addresses, timeout_s, send_array, receive_array):
        self.rank, self._listener, self._addresses = rank, listener, addresses
        self._timeout_s, self._send_array, self._receive_array = timeout_s, send_array, receive_array
        self._out, self._in = {}, {}  # peer rank -> connection (to it / from it)
        self._lanes = {}
        self._lock = threading.RLock()  # accepting connections, from the lanes' threads and this one

    def _outgoing(self, dst):
        if dst not in self._out:
            sock = socket.create_connection(self._addresses[dst], timeout=self._timeout_s)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            sock.sendall(_PEER_HELLO + _TAG.pack(self.rank))
            self._out[dst] = sock
        return self._out[dst]

    def _accept_one(self):
        sock, _ = self._listener.accept()
        sock.settimeout(self._timeout_s)
        hello = bytearray(len(_PEER_HELLO) + _TAG.size)
        view = memoryview(hello)
        while len(view):
            got = sock.recv_into(view)
            if got == 0:
                raise RuntimeError("minigrad.distributed: a peer closed its connection while joining")
            view = view[got:]
        if not hello.startswith(_PEER_HELLO):
            sock.close()
            raise RuntimeError("minigrad.distributed: a connection that is not a minigrad rank's")
        self._in[_TAG.unpack(hello[len(_PEER_HELLO):])[0]] = sock

    def _incoming(self, src):
        self._listener.settimeout(self._timeout_s)
        while src not in self._in:
            self._accept_one()
        return self._in[src]

    def _any_incoming(self):
        """The rank of a connection with a message waiting (accepting new connections meanwhile)."""
        while True:
            ready, _, _ = select.select([self._listener] + list(self._in.values()), [], [], self._timeout_s)
            if not ready:
                raise RuntimeError(f"minigrad.distributed: no message from any rank within {self._timeout_s:g} s")
            for sock in ready:
                if sock is self._listener:
                    self._accept_one()
                else:
                    return next(r for r, s in self._in.items() if s is sock)

    def send(self, values, dst, tag):
        self.lane(("out", dst)).drain()
        self._send_now(values, dst, tag)

    def recv(self, values, src, tag):
        """Receive into ``values`` from ``src`` (None: any rank); the sender's rank."""
        self.lane(("in", src)).drain()
        return self._recv_now(values, src, tag)

    def start_send(self, values, dst, tag):
        """``send`` on the lane of messages to ``dst`` (so they keep their order); a request."""
        return self.lane(("out", dst)).submit(lambda: self._send_now(values, dst, tag))

    def start_recv(self, values, src, tag):
        """``recv`` on the lane of messages from ``src``; the request's result is the sender's rank. (An irecv
        from any rank is not to be mixed with irecvs from a given rank: they would race for its messages.)"""
        return self.lane(("in", src)).submit(lambda: self._recv_now(values, src, tag))

    def lane(self, key):
        with self._lock:
            if key not in self._lanes:
                self._lanes[key] = Lane(f"minigrad-{key[0]}-{key[1]}")
            return self._lanes[key]

    def _send_now(self, values, dst, tag):
        sock = self._outgoing(dst)
        sock.sendall(_TAG.pack(tag))
        self._send_array(sock, values)

    def _recv_now(self, values, src, tag):
        with self._lock:
            src = self._any_incoming() if src is None else src
            sock = self._incoming(src)
        header = bytearray(_TAG.size)
        view = memoryview(header)
        while len(view):
            got = sock.recv_into(view)
            if got == 0:
                raise RuntimeError(f"minigrad.distributed: rank {src} closed its connection")
            view = view[got:]
        sent_tag = _TAG.unpack(header)[0]
        if sent_tag != tag:
            raise RuntimeError(f"minigrad.distributed: rank {src} sent a message with tag {sent_tag} where this "
                               f"rank expected tag {tag} (messages are received in the order they were sent)")
        self._receive_array(sock, values)
        return src

    def close(self):
        for sock in list(self._out.values()) + list(self._in.values()) + [self._listener]:
            sock.close()
        self._out, self._in = {}, {}
