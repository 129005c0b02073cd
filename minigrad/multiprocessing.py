"""``minigrad.multiprocessing``: Python's ``multiprocessing`` plus PyTorch's ``spawn``, as ``torch.multiprocessing``.

A tensor in shared memory (``share_memory_()``, ``Module.share_memory()``) crosses a process boundary as its
memory's file descriptor, so both processes see one set of values (Hogwild training; see
``minigrad.shared_memory``); any other tensor crosses as a copy of its values (as ``DataLoader`` workers send
batches).
"""
import multiprocessing as _multiprocessing
from multiprocessing import *  # noqa: F401,F403 (torch.multiprocessing re-exports it)

__all__ = list(_multiprocessing.__all__) + ["spawn", "start_processes", "ProcessContext", "ProcessRaisedException",
                                            "ProcessExitedException", "get_sharing_strategy", "set_sharing_strategy",
                                            "get_all_sharing_strategies"]


class ProcessException(Exception):
    """A spawned process failed (PyTorch's base of the two below)."""

    def __init__(self, message, error_index, error_pid):
        super().__init__(message)
        self.error_index, self.pid = error_index, error_pid


class ProcessRaisedException(ProcessException):
    """A spawned process raised; the message holds its traceback."""


class ProcessExitedException(ProcessException):
    """A spawned process exited with a non-zero code."""

    def __init__(self, message, error_index, error_pid, exit_code):
        super().__init__(message, error_index, error_pid)
        self.exit_code = exit_code


def _run(fn, index, args, errors):
    import traceback
    try:
        fn(index, *args)
    except KeyboardInterrupt:
        pass
    except Exception:
        errors.put((index, traceback.format_exc()))
        raise SystemExit(1)


class ProcessContext:
    """The processes ``start_processes`` started, as ``torch.multiprocessing.ProcessContext``."""

    def __init__(self, processes, errors):
        self.processes, self.errors = processes, errors

    def pids(self):
        return [p.pid for p in self.processes]

    def join(self, timeout=None):
        """Wait for the processes (until ``timeout`` seconds, if given); True when all ended. The first one to fail
        stops the others and raises, with its traceback, as PyTorch's: ranks waiting for a failed one in a
        rendezvous or a collective are not waited for."""
        from multiprocessing.connection import wait
        running = {p.sentinel: i for i, p in enumerate(self.processes) if p.exitcode is None}
        while running:
            ready = wait(list(running), timeout)
            if not ready:
                return False
            for sentinel in ready:
                index = running.pop(sentinel)
                process = self.processes[index]
                process.join()
                if process.exitcode != 0:
                    self._fail(index)
        return True

    def _fail(self, index):
        for other in self.processes:
            if other.is_alive():
                other.terminate()
        for other in self.processes:
            other.join()
        process = self.processes[index]
        if not self.errors.empty():
            failed, trace = self.errors.get()
            raise ProcessRaisedException(f"\n\n-- Process {failed} terminated with the following error:\n{trace}",
                                         failed, self.processes[failed].pid)
        raise ProcessExitedException(f"process {index} terminated with exit code {process.exitcode}", index,
                                     process.pid, process.exitcode)


def start_processes(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """Run ``fn(i, *args)`` for i in 0..nprocs-1, each in its own process, as ``torch.multiprocessing``."""
    context = _multiprocessing.get_context(start_method)
    errors = context.SimpleQueue()
    processes = [context.Process(target=_run, args=(fn, i, args, errors), daemon=daemon) for i in range(nprocs)]
    for process in processes:
        process.start()
    spawned = ProcessContext(processes, errors)
    if not join:
        return spawned
    while not spawned.join():
        pass
    return None


def spawn(fn, args=(), nprocs=1, join=True, daemon=False, start_method="spawn"):
    """``torch.multiprocessing.spawn``: ``start_processes`` with the 'spawn' start method."""
    return start_processes(fn, args, nprocs, join, daemon, start_method)


_strategy = ["file_descriptor"]


def get_all_sharing_strategies():
    """PyTorch's ways to share tensor memory between processes, as ``torch.multiprocessing``'s on Linux."""
    return {"file_descriptor", "file_system"}


def get_sharing_strategy():
    """The strategy last set ('file_descriptor' by default, what minigrad does whichever is set)."""
    return _strategy[0]


def set_sharing_strategy(new_strategy):
    """Accept PyTorch's strategies (scripts set 'file_system' to avoid running out of descriptors); minigrad passes
    descriptors either way, one per shared tensor sent."""
    if new_strategy not in get_all_sharing_strategies():
        raise ValueError(f"unknown sharing strategy {new_strategy!r}")
    _strategy[0] = new_strategy
