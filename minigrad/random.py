"""Randomness: the library's global generator (``minigrad.manual_seed``) and ``minigrad.Generator``.

``Generator`` is a Mersenne Twister (MT19937) seeded as PyTorch seeds its CPU generator, and draws its
integers as PyTorch does: ``randperm`` (and so ``random_split``, ``RandomSampler`` and a shuffling
``DataLoader`` given ``generator=``) yields exactly PyTorch's permutation for the same seed. Its floating
point draws (``randn``, ``uniform_`` ... with ``generator=``) come from numpy on the same state and do not
match PyTorch's.
"""
import json
import time

import numpy as np

_generator = np.random.default_rng(0)
_initial_seed = 0

_MT_MULTIPLIER = 1812433253  # the multiplier of MT19937's seeding recurrence (init_genrand)


def manual_seed(seed):
    """Seed everything minigrad draws at random (init, randn, dropout...), as ``torch.manual_seed``."""
    global _generator, _initial_seed
    _initial_seed = int(seed)
    _generator = np.random.default_rng(_initial_seed)
    return _generator


def initial_seed():
    """The seed the global generator was last seeded with, as ``torch.initial_seed`` (in a DataLoader worker:
    ``base_seed + worker_id``, as PyTorch's)."""
    return _initial_seed


def seed():
    """Seed the global generator from a non-deterministic source and return that seed, as ``torch.seed``."""
    new_seed = int(np.random.SeedSequence().generate_state(1, np.uint64)[0]) % 2 ** 63
    manual_seed(new_seed)
    return new_seed


def default_generator():
    """The numpy Generator behind every random draw of the library."""
    return _generator


def get_rng_state():
    """The generator's state as a uint8 numpy array (storable in an .npz), as ``torch.get_rng_state``."""
    return np.frombuffer(json.dumps(_generator.bit_generator.state).encode(), dtype=np.uint8).copy()


def set_rng_state(new_state):
    """Restore a state returned by ``get_rng_state``, as ``torch.set_rng_state``."""
    _generator.bit_generator.state = json.loads(bytes(np.asarray(new_state, dtype=np.uint8)).decode())


def _mt19937_key(seed):
    """MT19937's 624-word state for a 32-bit seed (the reference init_genrand, as PyTorch's mt19937)."""
    key = [seed & 0xFFFFFFFF]
    for j in range(1, 624):
        previous = key[-1]
        key.append((_MT_MULTIPLIER * (previous ^ (previous >> 30)) + j) & 0xFFFFFFFF)
    return np.array(key, dtype=np.uint32)


class Generator:
    """A random-number generator object, as ``torch.Generator`` (CPU): ``manual_seed``, ``seed``,
    ``initial_seed``, ``get_state``, ``set_state``. Integer draws equal PyTorch's for the same seed."""

    def __init__(self, device="cpu"):
        self.device = device
        self._bits = np.random.MT19937()
        self.numpy = np.random.Generator(self._bits)  # numpy's distributions on the same state
        self.manual_seed(67280421310721)  # PyTorch's default seed for a new Generator

    def manual_seed(self, seed):
        """Seed the generator (returns it, so ``Generator().manual_seed(0)`` chains), as PyTorch's."""
        seed = int(seed)
        if not -2 ** 63 <= seed < 2 ** 64:
            raise RuntimeError(f"Overflow when unpacking long long: seed {seed} is out of range")
        self._seed = seed % 2 ** 64
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": _mt19937_key(self._seed), "pos": 624}}
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
        """The whole state as a uint8 Tensor (for ``set_state``), as ``torch.Generator.get_state``."""
        from .creation import from_numpy
        state = self._bits.state["state"]
        words = np.concatenate([np.asarray(state["key"], np.uint32), np.array([state["pos"]], np.uint32),
                                np.array([self._seed & 0xFFFFFFFF, self._seed >> 32], np.uint32)])
        return from_numpy(words.view(np.uint8).copy())

    def set_state(self, new_state):
        """Restore a ``get_state()``; returns the generator."""
        raw = np.asarray(new_state.numpy() if hasattr(new_state, "numpy") else new_state)
        if raw.dtype != np.uint8 or raw.size != 627 * 4:
            raise RuntimeError(f"Generator.set_state: expected a uint8 tensor of {627 * 4} bytes from get_state(), "
                               f"got {raw.dtype} of {raw.size} elements")
        words = raw.reshape(-1).view(np.uint32)
        if not 0 <= int(words[624]) <= 624:
            raise RuntimeError("Generator.set_state: invalid position in the state")
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": words[:624].copy(), "pos": int(words[624])}}
        self._seed = int(words[625]) | int(words[626]) << 32
        return self

    def random32(self, count):
        """``count`` raw 32-bit outputs, PyTorch's ``generator->random()``."""
        return [int(v) for v in self._bits.random_raw(count)]

    def random64(self):
        """One 64-bit draw made of two 32-bit outputs, high word first, as PyTorch's ``random64()``."""
        high, low = self.random32(2)
        return high << 32 | low


def resolve(generator):
    """The numpy Generator to draw floats from: ``generator``'s (a minigrad or numpy one) or the global one."""
    if generator is None:
        return _generator
    return generator.numpy if isinstance(generator, Generator) else generator


def _torch_style(generator):
    """A ``Generator`` for an integer draw: the given one, or one seeded from the global generator (where
    PyTorch would use its global CPU generator)."""
    if isinstance(generator, Generator):
        return generator
    if generator is not None:
        raise TypeError(f"expected a minigrad.Generator, got {type(generator).__name__}")
    return Generator().manual_seed(int(_generator.integers(0, 2 ** 63)))


def randperm_list(n, generator=None):
    """A permutation of ``range(n)`` as a list, drawn as PyTorch's CPU ``randperm``: a Fisher-Yates pass in
    which swap i takes ``random() % (n - i)``, so a seeded Generator gives PyTorch's permutation."""
    if n < 0:
        raise RuntimeError(f"randperm: n must be non-negative, got {n}")
    if n >= 2 ** 32 // 20:
        raise NotImplementedError("randperm: n above 2**32 / 20 is not supported")
    generator = _torch_style(generator)
    order = list(range(n))
    draws = generator.random32(max(n - 1, 0))
    for i in range(n - 1):
        j = i + draws[i] % (n - i)
        order[i], order[j] = order[j], order[i]
    return order


def randint_list(high, count, generator=None):
    """``count`` integers in [0, high) drawn as PyTorch's ``randint(high, (count,), generator=g)`` on the CPU."""
    generator = _torch_style(generator)
    if high >= 2 ** 32:
        return [generator.random64() % high for _ in range(count)]
    return [v % high for v in generator.random32(count)]
