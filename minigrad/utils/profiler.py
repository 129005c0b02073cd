"""Where a training step spends its time, by op type: a small cousin of ``torch.profiler``.

    with minigrad.utils.profile() as prof:
        loss = F.cross_entropy(model(x), y); loss.backward()
    print(prof.table())

Each op (a ``Function``: Conv2d, BatchNorm, ReLU...) is timed around its forward and its backward. On CUDA
the profiler waits for the GPU before and after each op, so the times are the kernels' own (and the step runs
slower than unprofiled). Time outside ops (the optimizer, Python glue) is not attributed.
"""
import time
from collections import defaultdict

from .. import autograd

__all__ = ["profile"]


class profile:
    """Context manager timing every op's forward and backward by op type, as ``torch.profiler.profile``
    with ``key_averages()`` grouped by op name."""

    def __init__(self):
        self.seconds = defaultdict(float)  # (op name, "forward" | "backward") -> total seconds
        self.calls = defaultdict(int)
        self._wall = 0.0

    def __enter__(self):
        if autograd._profiler is not None:
            raise RuntimeError("minigrad.utils.profile: a profiler is already active")
        autograd._profiler = self
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc):
        autograd._profiler = None
        self._wall += time.perf_counter() - self._started
        return False

    def start(self):
        return time.perf_counter()

    def record(self, name, phase, start, device):
        if device is not None and device.type == "cuda":
            from .. import cuda
            cuda.synchronize()
        self.seconds[name, phase] += time.perf_counter() - start
        self.calls[name, phase] += 1

    def totals(self):
        """{op name: (forward seconds, backward seconds, forward calls)}, slowest first."""
        names = {name for name, _ in self.seconds}
        rows = {n: (self.seconds[n, "forward"], self.seconds[n, "backward"], self.calls[n, "forward"]) for n in names}
        return dict(sorted(rows.items(), key=lambda item: -(item[1][0] + item[1][1])))

    def table(self, steps=1):
        """A text table of milliseconds per step (totals divided by ``steps``) and each op type's share of the
        time spent inside the ``with`` block."""
        rows = self.totals()
        lines = [f"{'op':<20} {'calls':>6} {'forward ms':>11} {'backward ms':>12} {'total ms':>9} {'share':>6}"]
        for name, (fwd, bwd, calls) in rows.items():
            share = (fwd + bwd) / self._wall if self._wall else 0.0
            lines.append(f"{name:<20} {calls // steps:>6} {fwd / steps * 1e3:>11.1f} {bwd / steps * 1e3:>12.1f} "
                         f"{(fwd + bwd) / steps * 1e3:>9.1f} {share:>6.1%}")
        inside = sum(f + b for f, b, _ in rows.values())
        lines.append(f"{'(outside ops)':<20} {'':>6} {'':>11} {'':>12} {(self._wall - inside) / steps * 1e3:>9.1f} "
                     f"{(self._wall - inside) / self._wall if self._wall else 0.0:>6.1%}")
        return "\n".join(lines)
