"""Randomness: ``minigrad.Generator``, PyTorch's CPU generator, and the global one behind ``minigrad.manual_seed``.

``Generator`` is a Mersenne Twister (MT19937) seeded as PyTorch seeds its CPU generator, with PyTorch's cache of
the second value of a Box-Muller pair and PyTorch's state layout (``get_state`` gives the 5056 bytes
``torch.Generator.get_state`` gives, and takes them). ``minigrad.sampling`` turns its words into PyTorch's
numbers (``rand``, ``randn``, ``randint``, ``randperm``, ``uniform_``, ``normal_``, ``bernoulli``, dropout,
``nn.init``, the distributions' samplers ...).
"""
import contextlib
import time
import warnings

import numpy as np

_MT_MULTIPLIER = 1812433253  # the multiplier of MT19937's seeding recurrence (init_genrand)
_MT_WORDS = 624

# PyTorch's CPUGeneratorImplState, byte for byte: the legacy THGenerator fields (the engine's state words are
# stored as uint64), then the float sample cache.
TORCH_STATE_LAYOUT = np.dtype([
    ("initial_seed", "<u8"), ("left", "<i4"), ("seeded", "<i4"), ("next", "<u8"), ("state", "<u8", _MT_WORDS),
    ("normal_x", "<f8"), ("normal_y", "<f8"), ("normal_rho", "<f8"), ("normal_is_valid", "<i4"), ("pad", "<i4"),
    ("next_float_normal", "<f4"), ("next_float_normal_is_valid", "u1"), ("pad_end", "u1", 3)])
_OWN_STATE_BYTES = 627 * 4  # the layout minigrad's DataLoader checkpoints used before (key, pos, seed)


def _mt19937_key(seed):
    """MT19937's 624-word state for a 32-bit seed (the reference init_genrand, as PyTorch's mt19937)."""
    key = [seed & 0xFFFFFFFF]
    for j in range(1, _MT_WORDS):
        previous = key[-1]
        key.append((_MT_MULTIPLIER * (previous ^ (previous >> 30)) + j) & 0xFFFFFFFF)
    return np.array(key, dtype=np.uint32)


class Generator:
    """A random-number generator object, as ``torch.Generator`` (CPU): ``manual_seed``, ``seed``,
    ``initial_seed``, ``get_state``, ``set_state``. Its draws equal PyTorch's for the same seed."""

    def __init__(self, device="cpu"):
        from .device import device as as_device
        self.device = as_device(device)
        self._bits = np.random.MT19937()
        self.normal_cache = None  # PyTorch's next_double_normal_sample: the unused half of a Box-Muller pair
        self.manual_seed(67280421310721)  # PyTorch's default seed for a new Generator

    def manual_seed(self, seed):
        """Seed the generator (returns it, so ``Generator().manual_seed(0)`` chains), as PyTorch's."""
        seed = int(seed)
        if not -2 ** 63 <= seed < 2 ** 64:
            raise RuntimeError(f"Overflow when unpacking long long: seed {seed} is out of range")
        self._seed = seed % 2 ** 64
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": _mt19937_key(self._seed), "pos": _MT_WORDS}}
        self.normal_cache = None
        return self

    def seed(self):
        """Seed from a non-deterministic source and return that seed, as ``torch.Generator.seed``."""
        seed = int.from_bytes(np.random.SeedSequence().generate_state(2, np.uint32).tobytes(), "little")
        self.manual_seed(seed ^ time.time_ns() % 2 ** 64)
        return self._seed

    def initial_seed(self):
        """The seed the generator was last seeded with."""
        return self._seed

    def get_state(self):
        """The whole state as a uint8 Tensor in PyTorch's layout (``torch.Generator.set_state`` takes it), as
        ``torch.Generator.get_state``."""
        from .creation import from_numpy
        state = self._bits.state["state"]
        record = np.zeros((), TORCH_STATE_LAYOUT)
        record["initial_seed"], record["seeded"], record["state"] = self._seed, 1, state["key"]
        # PyTorch counts the words used since the last twist (next) and those left before the next (left = 625 -
        # next); numpy keeps next as pos, and pos = 624 (a twist due) is PyTorch's next = 0, left = 1.
        used = state["pos"] % _MT_WORDS
        record["next"], record["left"] = used, _MT_WORDS + 1 - used if used else 1
        if self.normal_cache is not None:
            record["normal_y"], record["normal_is_valid"] = self.normal_cache, 1
        return from_numpy(np.frombuffer(record.tobytes(), np.uint8).copy())

    def set_state(self, new_state):
        """Restore a ``get_state()`` of this generator or of a ``torch.Generator``; returns the generator."""
        raw = np.asarray(new_state.numpy() if hasattr(new_state, "numpy") else new_state).reshape(-1)
        if raw.dtype == np.uint8 and raw.size == _OWN_STATE_BYTES:
            return self._set_own_state(raw.view(np.uint32))
        if raw.dtype != np.uint8 or raw.size != TORCH_STATE_LAYOUT.itemsize:
            raise RuntimeError(f"Expected a CPUGeneratorImplState of size {TORCH_STATE_LAYOUT.itemsize} but found "
                               f"the input RNG state size to be {raw.size}")
        record = raw.view(TORCH_STATE_LAYOUT)[0]
        left, used = int(record["left"]), int(record["next"])
        if not (record["seeded"] and 0 < left <= _MT_WORDS and used <= _MT_WORDS):
            raise RuntimeError("Invalid mt19937 state")
        key = (record["state"] & 0xFFFFFFFF).astype(np.uint32)
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _MT_WORDS + 1 - left}}
        self._seed = int(record["initial_seed"])
        self.normal_cache = float(record["normal_y"]) if record["normal_is_valid"] else None
        return self

    def _set_own_state(self, words):
        if not 0 <= int(words[624]) <= _MT_WORDS:
            raise RuntimeError("Generator.set_state: invalid position in the state")
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": words[:624].copy(), "pos": int(words[624])}}
        self._seed = int(words[625]) | int(words[626]) << 32
        self.normal_cache = None
        return self

    def words(self, count):
        """The next ``count`` 32-bit outputs of the engine (PyTorch's ``random()``), as a uint64 array."""
        return self._bits.random_raw(int(count)) if count else np.zeros(0, np.uint64)

    def random32(self, count):
        """``count`` raw 32-bit outputs as Python ints, PyTorch's ``generator->random()``."""
        return [int(v) for v in self.words(count)]

    def random64(self):
        """One 64-bit draw made of two 32-bit outputs, high word first, as PyTorch's ``random64()``."""
        high, low = self.random32(2)
        return high << 32 | low


default_generator = Generator().manual_seed(0)  # (PyTorch seeds its own from the clock: minigrad starts at 0)


def manual_seed(seed):
    """Seed everything minigrad draws at random (init, randn, dropout...) and return the global generator, as
    ``torch.manual_seed``: the same seed gives PyTorch's numbers."""
    return default_generator.manual_seed(seed)


def initial_seed():
    """The seed the global generator was last seeded with, as ``torch.initial_seed`` (in a DataLoader worker:
    ``base_seed + worker_id``, as PyTorch's)."""
    return default_generator.initial_seed()


def seed():
    """Seed the global generator from a non-deterministic source and return that seed, as ``torch.seed``."""
    new_seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0]) % 2 ** 63
    manual_seed(new_seed)
    return new_seed


def get_rng_state():
    """The global generator's state as a uint8 Tensor in PyTorch's layout, as ``torch.get_rng_state``."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore a state returned by ``get_rng_state`` (minigrad's or PyTorch's), as ``torch.set_rng_state``. A
    state saved by minigrad before its generator was PyTorch's (numpy's state as text) cannot be restored: it is
    ignored with a warning."""
    raw = np.asarray(new_state.numpy() if hasattr(new_state, "numpy") else new_state).reshape(-1)
    if raw.dtype == np.uint8 and raw.size and raw[0] == ord("{"):
        warnings.warn("set_rng_state: this state was saved by an older minigrad (numpy's generator) and cannot be "
                      "restored into PyTorch's generator; the random stream continues from its current state")
        return
    default_generator.set_state(raw)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller="fork_rng", _devices_kw="devices", device_type="cuda"):
    """``torch.random.fork_rng``: the global generator's state is saved on entry and restored on exit, so draws
    inside the block leave the stream outside it as it was. (The CUDA device draws from the same generator here,
    so ``devices`` has nothing more to save.)"""
    if not enabled:
        yield
        return
    saved = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(saved)


def torch_generator(generator):
    """The ``Generator`` a draw uses: the one given, or the global one (where PyTorch uses its default)."""
    if generator is None:
        return default_generator
    if isinstance(generator, Generator):
        return generator
    raise TypeError(f"expected a minigrad.Generator, got {type(generator).__name__}")


def randperm_list(n, generator=None):
    """A permutation of ``range(n)`` as a list, drawn as PyTorch's CPU ``randperm``: a Fisher-Yates pass in
    which swap i takes ``random() % (n - i)``, so the same seed gives PyTorch's permutation."""
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    if n >= 2 ** 32 // 20:
        raise NotImplementedError("randperm: n above 2**32 / 20 is not supported")
    draws = torch_generator(generator).random32(max(n - 1, 0))
    order = list(range(n))
    for i in range(n - 1):
        j = i + draws[i] % (n - i)
        order[i], order[j] = order[j], order[i]
    return order


def randint_list(high, count, generator=None):
    """``count`` integers in [0, high) drawn as PyTorch's ``randint(high, (count,), generator=g)`` on the CPU."""
    generator = torch_generator(generator)
    if high >= 2 ** 32:
        return [generator.random64() % high for _ in range(count)]
    return [v % high for v in generator.random32(count)]
