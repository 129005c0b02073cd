"""``DistributedDataParallel``: one model replica per process, gradients averaged over the processes during
backward, as ``torch.nn.parallel.DistributedDataParallel``.

At construction rank 0's parameters and buffers are broadcast to every rank. The parameters are grouped into
buckets of about ``bucket_cap_mb`` megabytes, in reverse order (the order backward produces their gradients).
When backward has accumulated the last gradient of a bucket (a post-accumulate-grad hook on each parameter), the
bucket's gradients, divided by the number of ranks, start a non-blocking all-reduce (``MPI_Iallreduce``, or the
TCP transport's background thread) while backward goes on; buckets start in order, so every rank issues the same
collectives in the same order. When backward ends (an engine callback) the remaining buckets start (a parameter
without a gradient on this rank counts as zeros; one that no rank used keeps ``.grad = None``, as PyTorch's with
``find_unused_parameters``), all complete, and the averages are written into ``.grad`` before ``backward()``
returns.
"""
import contextlib

import numpy as np

from ...autograd import no_grad, queue_callback
from ...distributed.collectives import broadcast, host_values, write_back
from ...distributed.group import default_group
from ...tensor import Tensor
from ..module import Module

__all__ = ["DistributedDataParallel"]


class _Bucket:
    """Parameters whose gradients travel in one all-reduce, through one buffer kept from step to step (a fresh
    buffer each step would cost its page faults): the gradients, then one 'used here' flag per parameter."""

    def __init__(self, params):
        self.params = params
        self.ready = set()
        self.request = None
        self.sizes = [p.numel() for p in params]
        self.buffer = None

    def buffer_for(self, dtype):
        """The bucket's buffer, (re)made when the parameters' dtype changed (``model.double()`` after wrapping)."""
        if self.buffer is None or self.buffer.dtype != dtype:
            self.buffer = np.zeros(sum(self.sizes) + len(self.params), dtype)
        return self.buffer


def _buckets(params, cap_bytes):
    buckets, current, size = [], [], 0
    for p in params:
        if current and (size + p.numel() * p.dtype.itemsize > cap_bytes or p.dtype != current[0].dtype):
            buckets.append(_Bucket(current))
            current, size = [], 0
        current.append(p)
        size += p.numel() * p.dtype.itemsize
    if current:
        buckets.append(_Bucket(current))
    return buckets


class DistributedDataParallel(Module):
    """Wrap ``module`` for data-parallel training over the ranks of ``minigrad.distributed`` (see the module's
    docstring); ``no_sync()`` skips the all-reduce for gradient accumulation; ``.module`` is the wrapped model and
    the state_dict keys carry PyTorch's ``module.`` prefix."""

    def __init__(self, module, device_ids=None, output_device=None, dim=0, broadcast_buffers=True,
                 process_group=None, bucket_cap_mb=25, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False, **unused):
        super().__init__()
        self.module = module
        self._group = default_group()
        self.broadcast_buffers = broadcast_buffers
        self.find_unused_parameters = find_unused_parameters
        self.bucket_cap_mb = bucket_cap_mb
        self.require_backward_grad_sync = True
        self._sync(list(module.parameters()) + list(module.buffers()))
        params = [p for p in module.parameters() if p.requires_grad]
        self._bucket_list = _buckets(list(reversed(params)), int(bucket_cap_mb * 2 ** 20))
        self._bucket_of = {id(p): b for b in self._bucket_list for p in b.params}
        self._hook_handles = [p.register_post_accumulate_grad_hook(self._grad_ready) for p in params]
        self._next = 0
        self._in_backward = False

    @no_grad()
    def _sync(self, tensors):
        """Every rank takes rank 0's values."""
        if self._group.size > 1:
            for t in tensors:
                broadcast(t, src=0)

    def forward(self, *inputs, **kwargs):
        if self.broadcast_buffers:
            self._sync(list(self.module.buffers()))
        return self.module(*inputs, **kwargs)

    @contextlib.contextmanager
    def no_sync(self):
        """Inside, backward accumulates gradients locally; the next backward outside averages the sum."""
        previous, self.require_backward_grad_sync = self.require_backward_grad_sync, False
        try:
            yield
        finally:
            self.require_backward_grad_sync = previous

    # ------------------------------------------------------------------ during backward
    def _grad_ready(self, param):
        if not self.require_backward_grad_sync or self._group.size == 1:
            return
        if not self._in_backward:
            self._in_backward, self._next = True, 0
            for bucket in self._bucket_list:
                bucket.ready.clear()
            queue_callback(self._finish)
        bucket = self._bucket_of[id(param)]
        bucket.ready.add(id(param))
        while self._next < len(self._bucket_list) and \
                len(self._bucket_list[self._next].ready) == len(self._bucket_list[self._next].params):
            self._start(self._bucket_list[self._next])
            self._next += 1
        self._progress()

    def _start(self, bucket):
        """Copy the bucket's gradients, divided by the number of ranks (PyTorch divides before it sums), into its
        buffer in one pass, and start the all-reduce."""
        buffer, offset = bucket.buffer_for(bucket.params[0].dtype), 0
        scale = buffer.dtype.type(1.0 / self._group.size)
        flags = buffer[len(buffer) - len(bucket.params):]
        for i, (p, size) in enumerate(zip(bucket.params, bucket.sizes)):
            used = p.grad is not None and id(p) in bucket.ready
            if used:
                np.multiply(host_values(p.grad).reshape(-1), scale, out=buffer[offset:offset + size])
            else:
                buffer[offset:offset + size] = 0
            flags[i] = 1 if used else 0
            offset += size
        bucket.request = self._group.transport.start_all_reduce(buffer)

    def _progress(self):
        """Let the transport move the started all-reduces along (MPICH progresses inside MPI calls)."""
        self._group.transport.progress([b.request for b in self._bucket_list[:self._next] if b.request is not None])

    def _finish(self):
        self._in_backward = False
        while self._next < len(self._bucket_list):
            self._start(self._bucket_list[self._next])
            self._next += 1
        for bucket in self._bucket_list:
            bucket.request.wait()
            self._write_averages(bucket)
            bucket.request = None

    @no_grad()
    def _write_averages(self, bucket):
        offset, n = 0, len(bucket.params)
        flags = bucket.buffer[-n:]
        for p, size, used_anywhere in zip(bucket.params, bucket.sizes, flags):
            values = bucket.buffer[offset:offset + size].reshape(tuple(p.shape))
            offset += size
            if used_anywhere == 0:
                continue
            if p.grad is None:
                p.grad = Tensor._wrap(p.backend.from_numpy(np.array(values)), p.device)
            else:
                write_back(p.grad, values)
