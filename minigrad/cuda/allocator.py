"""A caching device allocator, as PyTorch's: a freed block is kept and handed out again for the next request of
its size, so that a steady training step, which asks for the same sizes every step, takes nothing from the driver.

Requests are rounded up as PyTorch's allocator rounds them: to a multiple of 512 bytes up to 1 MiB, of 2 MiB
above. ``BlockCache`` is the bookkeeping, plain Python (tested without a GPU); ``CachingMemoryManager`` plugs it
into Numba's External Memory Management interface, so every device array Numba makes (``cuda.device_array``,
``cuda.to_device``) comes from it. All of minigrad's kernels run on the default stream, in order, so a block
freed by one kernel's output can serve the next request at once, as in PyTorch on one stream.
``minigrad.cuda.empty_cache()`` hands the kept blocks back to the driver; an allocation that fails for lack of
memory does so itself and tries once more.
"""
import weakref
from collections import defaultdict

SMALL_BLOCK = 512
LARGE_BLOCK = 2 * 2 ** 20
SMALL_LIMIT = 2 ** 20


def rounded_size(size):
    """The size of the block that serves a request of ``size`` bytes."""
    step = SMALL_BLOCK if size <= SMALL_LIMIT else LARGE_BLOCK
    return max(step, -(-size // step) * step)


class BlockCache:
    """Free blocks by size. ``allocate(nbytes)`` makes a new block; blocks are opaque to the cache."""

    def __init__(self, allocate):
        self._allocate = allocate
        self._free = defaultdict(list)
        self.allocated_bytes = 0  # in blocks handed out (PyTorch's memory_allocated, rounded)
        self.reserved_bytes = 0  # in all blocks made and not released (memory_reserved)
        self.peak_allocated_bytes = 0
        self.driver_allocations = 0

    def acquire(self, size):
        """(block, its size) for a request of ``size`` bytes: a kept block of that size, else a new one."""
        nbytes = rounded_size(size)
        free = self._free[nbytes]
        if free:
            block = free.pop()
        else:
            block = self._allocate(nbytes)
            self.reserved_bytes += nbytes
            self.driver_allocations += 1
        self.allocated_bytes += nbytes
        self.peak_allocated_bytes = max(self.peak_allocated_bytes, self.allocated_bytes)
        return block, nbytes

    def release(self, block, nbytes):
        """Keep a block whose user has gone, for the next request of its size."""
        self.allocated_bytes -= nbytes
        self._free[nbytes].append(block)

    def clear(self):
        """Forget every kept block (its owner frees it on the device); returns the bytes released."""
        released = sum(nbytes * len(blocks) for nbytes, blocks in self._free.items())
        self._free.clear()
        self.reserved_bytes -= released
        return released


def caching_memory_manager():
    """The EMM plugin class (imported only where Numba's CUDA driver is, never in the simulator)."""
    from numba.cuda.cudadrv import driver

    class CachingMemoryManager(driver.NumbaCUDAMemoryManager):
        """Numba's own device memory manager with a ``BlockCache`` in front of its ``memalloc``."""

        def initialize(self):
            super().initialize()
            self.cache = BlockCache(self._driver_memalloc)

        def _driver_memalloc(self, nbytes):
            try:
                return super(CachingMemoryManager, self).memalloc(nbytes)
            except driver.CudaAPIError:  # out of memory (or other): give the kept blocks back, then once more
                if not self.cache.clear():
                    raise
                self.deallocations.clear()
                return super(CachingMemoryManager, self).memalloc(nbytes)

        def memalloc(self, size):
            block, nbytes = self.cache.acquire(size)
            cache = self.cache
            return driver.MemoryPointer(weakref.proxy(self.context), block.device_pointer, size,
                                        finalizer=lambda: cache.release(block, nbytes))

    return CachingMemoryManager
