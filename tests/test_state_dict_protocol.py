"""state_dict and load_state_dict by PyTorch's protocol, each case run on both libraries: a module overriding
_load_from_state_dict to rename an old key, extra state (get_extra_state/set_extra_state), the four state-dict
hooks, a post-hook that forgives a missing key, PyTorch's error text, and minigrad's one difference: a failed load
changes nothing."""
import numpy as np
import pytest
import torch

import minigrad


def _renaming(library):
    class Renaming(library.nn.Module):
        """Reads checkpoints that called its layer 'old'."""

        def __init__(self):
            super().__init__()
            self.layer = library.nn.Linear(2, 2)

        def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                  error_msgs):
            for name in ("weight", "bias"):
                old = prefix + "old." + name
                if old in state_dict:
                    state_dict[prefix + "layer." + name] = state_dict.pop(old)
            super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                          error_msgs)
    return library.nn.Sequential(Renaming())


def test_an_overridden_load_from_state_dict_renames_old_keys():
    weights = {"0.old.weight": np.eye(2, dtype=np.float32) * 3, "0.old.bias": np.ones(2, np.float32)}
    results = []
    for library in (minigrad, torch):
        model = _renaming(library)
        keys = model.load_state_dict({k: library.tensor(v) for k, v in weights.items()})
        results.append((str(keys), model[0].layer.weight.detach().numpy().tolist()))
    assert results[0] == results[1] and results[0][1] == [[3.0, 0.0], [0.0, 3.0]]


def _stateful(library):
    class Counter(library.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("total", library.zeros(1))
            self.steps = 0

        def get_extra_state(self):
            return {"steps": self.steps}

        def set_extra_state(self, state):
            self.steps = state["steps"]
    return library.nn.Sequential(library.nn.Linear(1, 1), Counter())


def test_extra_state_is_saved_and_restored():
    results = []
    for library in (minigrad, torch):
        model = _stateful(library)
        model[1].steps = 7
        state = model.state_dict()
        fresh = _stateful(library)
        keys = fresh.load_state_dict(state)
        missing = _stateful(library).load_state_dict({k: v for k, v in state.items() if "extra" not in k},
                                                     strict=False)
        results.append((list(state), state["1._extra_state"], fresh[1].steps, str(keys), list(missing.missing_keys)))
    assert results[0] == results[1] and results[0][2] == 7


def test_state_dict_hooks_run_in_torchs_order_and_may_edit():
    results = []
    for library in (minigrad, torch):
        model, calls = library.nn.Sequential(library.nn.Linear(2, 1)), []
        model.register_state_dict_pre_hook(lambda module, prefix, keep_vars: calls.append(("pre", prefix)))
        model[0].register_state_dict_post_hook(
            lambda module, state, prefix, metadata: state.update({prefix + "note": library.ones(1)}))
        state = model.state_dict()
        model[0].register_load_state_dict_pre_hook(
            lambda module, state_dict, prefix, *rest: state_dict.pop(prefix + "note", None))

        def forgive(module, keys):
            calls.append(("post", list(keys.missing_keys)))
            if "0.bias" in keys.missing_keys:
                keys.missing_keys.remove("0.bias")
        model.register_load_state_dict_post_hook(forgive)
        keys = model.load_state_dict({k: v for k, v in state.items() if k != "0.bias"})
        results.append((list(state), calls, str(keys)))
    assert results[0] == results[1]


@pytest.mark.parametrize("case", ["mis-shaped", "missing", "unexpected", "all three"])
def test_errors_read_as_torchs_and_a_failed_load_changes_nothing(case):
    entries = {"mis-shaped": {"weight": (3, 3), "bias": (2,)}, "missing": {"weight": (2, 3)},
               "unexpected": {"weight": (2, 3), "bias": (2,), "x": (1,)},
               "all three": {"weight": (3, 3), "x": (1,)}}[case]
    messages = []
    for library in (minigrad, torch):
        layer = library.nn.Linear(3, 2)
        before = layer.weight.detach().clone()
        with pytest.raises(RuntimeError) as error:
            layer.load_state_dict({key: library.zeros(*shape) for key, shape in entries.items()})
        messages.append(str(error.value).replace("torch.Size", "Size").replace("minigrad.Size", "Size"))
        if library is minigrad:
            assert np.array_equal(layer.weight.detach().numpy(), before.numpy())
    assert messages[0] == messages[1]


def test_embedding_bag_from_pretrained():
    table = np.arange(6.0, dtype=np.float32).reshape(3, 2)
    outputs = []
    for library in (minigrad, torch):
        bag = library.nn.EmbeddingBag.from_pretrained(library.tensor(table), mode="sum", freeze=False)
        outputs.append((bag(library.tensor([[0, 2]])).detach().numpy().tolist(), bag.weight.requires_grad,
                        bag.mode))
    assert outputs[0] == outputs[1]
