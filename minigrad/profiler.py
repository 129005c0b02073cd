"""``torch.profiler``'s names over minigrad's op profiler (``minigrad.utils.profile``): ``profile`` times every op's
forward and backward by op type; ``key_averages().table()`` prints them; ``record_function`` marks a region
(accepted; regions are not timed apart); ``schedule``, ``tensorboard_trace_handler`` and ``step()`` are
accepted so that a script's profiling code runs. Traces in Chrome's format hold the op totals only."""
import enum
import json

from .utils.profiler import profile as _op_profile

__all__ = ["profile", "record_function", "ProfilerActivity", "schedule", "tensorboard_trace_handler",
           "ProfilerAction"]


class ProfilerActivity(enum.Enum):
    CPU = 0
    CUDA = 1


class ProfilerAction(enum.Enum):
    NONE = 0
    WARMUP = 1
    RECORD = 2
    RECORD_AND_SAVE = 3


def schedule(*, wait, warmup, active, repeat=0, skip_first=0):
    """PyTorch's step schedule, as a function of the step number (accepted: minigrad records every step)."""
    def action(step):
        return ProfilerAction.RECORD
    return action


def tensorboard_trace_handler(dir_name, worker_name=None, use_gzip=False):
    """Accepted; the handler does nothing (minigrad writes no Kineto traces)."""
    return lambda prof: None


class _Averages:
    def __init__(self, owner):
        self.owner = owner

    def table(self, sort_by=None, row_limit=100, **kwargs):
        """The op table: milliseconds in forward and backward by op type, slowest first."""
        lines = self.owner.table().splitlines()
        return "\n".join(lines[:1 + row_limit] + lines[-1:])

    def __str__(self):
        return self.table()


class profile(_op_profile):  # noqa: N801 (PyTorch's name)
    """``torch.profiler.profile(activities=..., schedule=..., on_trace_ready=..., record_shapes=...)``."""

    def __init__(self, *, activities=None, schedule=None, on_trace_ready=None, record_shapes=False,
                 profile_memory=False, with_stack=False, with_flops=False, with_modules=False,
                 experimental_config=None, execution_trace_observer=None, acc_events=False, use_cuda=None):
        super().__init__()
        self.on_trace_ready = on_trace_ready

    def __exit__(self, *exc):
        result = super().__exit__(*exc)
        if self.on_trace_ready is not None:
            self.on_trace_ready(self)
        return result

    def step(self):
        """The end of a training step (accepted: the totals run over every step)."""

    def key_averages(self, group_by_input_shape=False, group_by_stack_n=0):
        return _Averages(self)

    def export_chrome_trace(self, path):
        """A JSON file of one complete event per (op, forward/backward), its total time as the duration."""
        events, start = [], 0.0
        for name, (forward, backward, calls) in self.totals().items():
            for phase, seconds in (("forward", forward), ("backward", backward)):
                events.append({"name": f"{name} {phase}", "ph": "X", "ts": start, "dur": seconds * 1e6,
                               "pid": 0, "tid": 0, "args": {"calls": calls}})
                start += seconds * 1e6
        with open(path, "w") as f:
            json.dump({"traceEvents": events}, f)


class record_function:  # noqa: N801 (PyTorch's name)
    """``with torch.profiler.record_function("name"):`` (accepted; also usable as a decorator)."""

    def __init__(self, name, args=None):
        self.name = name

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        return fn
