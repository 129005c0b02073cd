"""``torch.utils.benchmark``: ``Timer`` (a statement timed in blocks of runs, ``timeit``, ``blocked_autorange``,
``adaptive_autorange``), the ``Measurement`` it returns (per-run ``times``, ``mean``, ``median``, ``iqr``, and
PyTorch's printed summary) and ``Compare``, a table of several measurements. Threads: minigrad's kernels use
Numba's thread count, set here for the timing (``num_threads``) and restored after."""
import statistics
import timeit as timeit_module

import numpy as np

__all__ = ["Timer", "Measurement", "Compare", "select_unit"]


def select_unit(seconds):
    """(unit name, scale) of a time: ns, us, ms or s, as PyTorch's ``select_unit``."""
    for unit, scale in (("ns", 1e-9), ("us", 1e-6), ("ms", 1e-3)):
        if seconds < scale * 1000:
            return unit, scale
    return "s", 1.0


class Measurement:
    """The times of one statement: ``raw_times`` (seconds per block of ``number_per_run`` runs) and per run."""

    def __init__(self, number_per_run, raw_times, label=None, sub_label=None, description=None, num_threads=1,
                 stmt=""):
        self.number_per_run, self.raw_times = number_per_run, list(raw_times)
        self.label, self.sub_label, self.description = label, sub_label, description
        self.num_threads, self.stmt = num_threads, stmt

    @property
    def times(self):
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def mean(self):
        return statistics.mean(self.times)

    @property
    def median(self):
        return statistics.median(self.times)

    @property
    def iqr(self):
        if len(self.times) < 2:
            return 0.0
        low, high = np.percentile(self.times, [25, 75])
        return float(high - low)

    @property
    def title(self):
        return f"{self.label}: {self.sub_label}" if self.label and self.sub_label else (self.label or self.stmt)

    def __repr__(self):
        unit, scale = select_unit(self.median)
        lines = [f"<minigrad.utils.benchmark.Measurement object at {hex(id(self))}>", self.title]
        if self.description:
            lines.append(self.description)
        runs = f"{self.number_per_run} runs" if len(self.times) == 1 else f"{self.number_per_run} runs per measurement"
        if len(self.times) == 1:
            lines.append(f"  {self.median / scale:.2f} {unit}")
        else:
            low, high = np.percentile(self.times, [25, 75])
            lines += [f"  Median: {self.median / scale:.2f} {unit}",
                      f"  IQR:    {self.iqr / scale:.2f} {unit} ({low / scale:.2f} to {high / scale:.2f})"]
        plural = "measurement" if len(self.times) == 1 else "measurements"
        lines.append(f"  {len(self.times)} {plural}, {runs}, {self.num_threads} thread"
                     f"{'s' if self.num_threads != 1 else ''}")
        return "\n".join(lines)


class Timer:
    """``torch.utils.benchmark.Timer(stmt='pass', setup='pass', globals=None, label=None, sub_label=None,
    description=None, num_threads=1)``."""

    def __init__(self, stmt="pass", setup="pass", global_setup="", timer=timeit_module.default_timer,
                 globals=None, label=None, sub_label=None, description=None, env=None,  # noqa: A002
                 num_threads=1, language="python"):
        if language not in ("python", "py"):
            raise ValueError("minigrad's Timer times Python statements only")
        self.stmt, self.setup, self.num_threads = stmt, setup, num_threads
        self.label, self.sub_label, self.description = label, sub_label, description
        self._timer = timeit_module.Timer(stmt=stmt, setup=setup, timer=timer, globals=dict(globals or {}))

    def _time(self, number):
        import numba
        saved = numba.get_num_threads()
        numba.set_num_threads(max(1, min(self.num_threads, numba.config.NUMBA_NUM_THREADS)))
        try:
            return self._timer.timeit(number)
        finally:
            numba.set_num_threads(saved)

    def _measurement(self, number, raw_times):
        return Measurement(number, raw_times, self.label, self.sub_label, self.description, self.num_threads,
                           self.stmt)

    def timeit(self, number=1000000):
        """One block of ``number`` runs (after one untimed run)."""
        self._time(1)
        return self._measurement(number, [self._time(number)])

    def _block_size(self, min_block_time=0.01):
        number = 1
        while True:
            if self._time(number) >= min_block_time:
                return number
            number *= 10

    def blocked_autorange(self, callback=None, min_run_time=0.2):
        """Blocks of runs (each at least 10 ms) until ``min_run_time`` has passed; at least one."""
        number = self._block_size()
        raw, total = [], 0.0
        while total < min_run_time or not raw:
            elapsed = self._time(number)
            raw.append(elapsed)
            total += elapsed
            if callback is not None:
                callback(number, elapsed)
        return self._measurement(number, raw)

    def adaptive_autorange(self, threshold=0.1, *, min_run_time=0.01, max_run_time=10.0, callback=None):
        """Blocks until the interquartile range is within ``threshold`` of the median (at least ``min_run_time``,
        at most ``max_run_time`` of timing)."""
        number = self._block_size()
        raw, total = [], 0.0
        while total < max_run_time:
            elapsed = self._time(number)
            raw.append(elapsed)
            total += elapsed
            if callback is not None:
                callback(number, elapsed)
            measurement = self._measurement(number, raw)
            if total >= min_run_time and len(raw) > 3 and measurement.iqr <= threshold * measurement.median:
                break
        return self._measurement(number, raw)


class Compare:
    """``torch.utils.benchmark.Compare(results)``: the medians as a table, one row per sub_label, one column per
    description, times in one unit."""

    def __init__(self, results):
        self._results = list(results)

    def __str__(self):
        by_label = {}
        for r in self._results:
            by_label.setdefault(r.label, []).append(r)
        blocks = []
        for label, results in by_label.items():
            columns = list(dict.fromkeys(r.description for r in results))
            rows = list(dict.fromkeys(r.sub_label for r in results))
            unit, scale = select_unit(min(r.median for r in results))
            cell = {(r.sub_label, r.description): f"{r.median / scale:.1f}" for r in results}
            width = max(len(str(row)) for row in rows)
            header = " " * (width + 2) + "|" + "|".join(f"  {c} " for c in columns)
            lines = [f"[---- {label} ----]", header]
            for row in rows:
                values = "|".join(f"  {cell.get((row, c), ''):>{max(len(str(c)), 1)}} " for c in columns)
                lines.append(f"  {str(row):>{width}}|{values}")
            lines += ["", f"Times are in {dict(ns='nanoseconds', us='microseconds', ms='milliseconds', s='seconds')[unit]}"
                      f" ({unit})."]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks) + "\n"

    def print(self):
        print(str(self))
