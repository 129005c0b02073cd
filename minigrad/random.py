"""The library's one source of randomness, seeded by ``minigrad.manual_seed``."""
import numpy as np

_generator = np.random.default_rng(0)


def manual_seed(seed):
    """Seed everything minigrad draws at random (init, randn, dropout...), as ``torch.manual_seed``."""
    global _generator
    _generator = np.random.default_rng(int(seed))
    return _generator


def default_generator():
    """The numpy Generator behind every random draw of the library."""
    return _generator


def get_rng_state():
    """The generator's state as a uint8 numpy array (storable in an .npz), as ``torch.get_rng_state``."""
    import json
    return np.frombuffer(json.dumps(_generator.bit_generator.state).encode(), dtype=np.uint8).copy()


def set_rng_state(state):
    """Restore a state returned by ``get_rng_state``, as ``torch.set_rng_state``."""
    import json
    _generator.bit_generator.state = json.loads(bytes(np.asarray(state, dtype=np.uint8)).decode())
