"""The caching device allocator's bookkeeping (minigrad/cuda/allocator.py), without a GPU: blocks are
rounded as PyTorch rounds them, reused by size, counted, and given back by empty_cache."""
import gc

import pytest

from minigrad.cuda.allocator import BlockCache, rounded_size


def test_sizes_are_rounded_as_pytorchs_allocator_rounds_them():
    assert [rounded_size(n) for n in (0, 1, 512, 513, 2 ** 20)] == [512, 512, 512, 1024, 2 ** 20]
    assert [rounded_size(n) for n in (2 ** 20 + 1, 4 * 2 ** 20, 5 * 2 ** 20)] == [2 * 2 ** 20, 4 * 2 ** 20,
                                                                                 6 * 2 ** 20]


class _Block:
    """Stands for a device allocation."""


def test_a_steady_loop_takes_nothing_new_from_the_driver():
    made = []
    cache = BlockCache(lambda nbytes: made.append(nbytes) or _Block())
    for step in range(5):  # each step asks for the same sizes and frees them all
        held = [cache.acquire(size) for size in (100, 3000, 3 * 2 ** 20, 100)]
        assert cache.allocated_bytes == 512 + 3072 + 4 * 2 ** 20 + 512
        for block, nbytes in held:
            cache.release(block, nbytes)
        assert cache.allocated_bytes == 0
    assert made == [512, 3072, 4 * 2 ** 20, 512]  # the first step only
    assert cache.driver_allocations == 4 and cache.reserved_bytes == sum(made)
    assert cache.peak_allocated_bytes == sum(made)


def test_a_kept_block_serves_only_its_own_size_and_clear_releases_them():
    cache = BlockCache(lambda nbytes: _Block())
    block, nbytes = cache.acquire(1000)
    cache.release(block, nbytes)
    other, _ = cache.acquire(5000)
    assert other is not block
    again, _ = cache.acquire(1000)
    assert again is block
    cache.release(again, 1024)
    assert cache.clear() == 1024 and cache.reserved_bytes == 5120
    assert cache.acquire(1000)[0] is not block  # a new block after clear


def test_memory_statistics_without_a_gpu_are_zero():
    import minigrad
    if minigrad.cuda.is_available():
        pytest.skip("a GPU (or the simulator) is in use: tests/cuda covers it")
    minigrad.cuda.empty_cache()
    gc.collect()
    assert (minigrad.cuda.memory_allocated(), minigrad.cuda.max_memory_allocated(),
            minigrad.cuda.memory_reserved()) == (0, 0, 0)


def test_numbas_memory_pointers_give_their_block_back_when_their_array_goes():
    pytest.importorskip("numba_cuda", reason="the cuda extra (numba-cuda) is not installed")
    from numba import config
    if config.ENABLE_CUDASIM:
        pytest.skip("the simulator has no memory manager")
    from minigrad.cuda.allocator import caching_memory_manager

    class Context:  # what the manager keeps a weak proxy of
        pass

    class Allocation:
        device_pointer = 4096

    context = Context()
    manager = caching_memory_manager()(context=context)
    manager.cache = BlockCache(lambda nbytes: Allocation())
    pointer = manager.memalloc(1000)
    assert pointer.size == 1000 and pointer.device_pointer == 4096
    assert manager.cache.allocated_bytes == 1024
    del pointer
    gc.collect()
    assert manager.cache.allocated_bytes == 0 and manager.cache.reserved_bytes == 1024
    assert manager.memalloc(700).device_pointer == 4096 and manager.cache.driver_allocations == 1
