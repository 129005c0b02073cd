"""``minigrad.save(model)`` and ``minigrad.load`` with safe globals, as PyTorch 2.6+: a whole model, optimizer or
scheduler is written as Python's pickle writes one and rebuilt only from classes the user lists."""
import pickle
import pickletools
import zipfile

import numpy as np
import pytest
import torch

import minigrad
import minigrad.nn as nn
from minigrad.serialization import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals


class TiedLanguageModel(nn.Module):
    """Tied input/output embeddings, a recurrent core, a functional activation and a device as attributes."""

    def __init__(self, vocabulary=7, width=4):
        super().__init__()
        self.encoder = nn.Embedding(vocabulary, width)
        self.rnn = nn.LSTM(width, width)
        self.decoder = nn.Linear(width, vocabulary)
        self.decoder.weight = self.encoder.weight
        self.activation = minigrad.nn.functional.relu
        self.kind, self.where = "LSTM", minigrad.device("cpu")

    def forward(self, tokens):
        return self.decoder(self.activation(self.rnn(self.encoder(tokens))[0]))


TRUSTED = [TiedLanguageModel, nn.Embedding, nn.LSTM, nn.Linear, minigrad.nn.functional.relu]


@pytest.fixture(autouse=True)
def _no_leftover_trust():
    yield
    clear_safe_globals()


def test_a_whole_model_loads_back_only_from_listed_classes(tmp_path):
    minigrad.manual_seed(0)
    model = TiedLanguageModel()
    path = tmp_path / "model.pt"
    minigrad.save(model, path)
    with pytest.raises(pickle.UnpicklingError, match="unsupported global .*TiedLanguageModel.*add_safe_globals"):
        minigrad.load(path)
    with safe_globals(TRUSTED):
        loaded = minigrad.load(path)
    assert get_safe_globals() == []  # the with block's trust ends with it
    assert type(loaded) is TiedLanguageModel and type(loaded.decoder.weight) is nn.Parameter
    assert loaded.decoder.weight is loaded.encoder.weight  # tied weights stay tied (one object, written once)
    assert loaded.activation is minigrad.nn.functional.relu and loaded.where == minigrad.device("cpu")
    assert loaded.kind == "LSTM" and loaded.training
    tokens = minigrad.tensor([[1, 2], [3, 4], [5, 6]])
    np.testing.assert_array_equal(loaded(tokens).detach().numpy(), model(tokens).detach().numpy())
    assert [n for n, _ in loaded.named_parameters()] == [n for n, _ in model.named_parameters()]


def test_unsafe_globals_are_listed_as_pytorch_lists_them(tmp_path):
    path = tmp_path / "model.pt"
    minigrad.save({"model": TiedLanguageModel(), "step": 3}, path)
    ours = minigrad.serialization.get_unsafe_globals_in_checkpoint(path)
    assert sorted(ours) == sorted(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    assert f"{__name__}.TiedLanguageModel" in ours and "minigrad.nn.rnn.LSTM" in ours
    add_safe_globals(TRUSTED)
    assert minigrad.serialization.get_unsafe_globals_in_checkpoint(path) == []
    assert minigrad.load(path)["step"] == 3


def test_torch_nn_modules_paths_name_the_same_classes(tmp_path):
    """Scripts list ``torch.nn.modules.linear.Linear`` and kin; the same paths work under minigrad."""
    path = tmp_path / "model.pt"
    model = nn.Sequential(nn.Linear(3, 2), nn.Dropout(0.1), nn.TransformerEncoderLayer(2, 1, 4))
    minigrad.save(model, path)
    modules = minigrad.nn.modules
    with safe_globals([modules.container.Sequential, modules.linear.Linear, modules.dropout.Dropout,
                       modules.transformer.TransformerEncoderLayer, modules.activation.MultiheadAttention,
                       modules.linear.NonDynamicallyQuantizableLinear, modules.normalization.LayerNorm,
                       minigrad.nn.functional.relu]):
        loaded = minigrad.load(path)
    x = minigrad.randn(5, 1, 3)
    model.eval(), loaded.eval()
    np.testing.assert_array_equal(loaded(x).detach().numpy(), model(x).detach().numpy())


def test_a_training_run_saved_whole_continues_identically(tmp_path):
    minigrad.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 1))
    optimizer = minigrad.optim.Adam(model.parameters(), lr=0.01)
    scheduler = minigrad.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.5)
    x = minigrad.randn(8, 3)

    def step(model, optimizer, scheduler):
        optimizer.zero_grad()
        model(x).pow(2).mean().backward()
        optimizer.step()
        scheduler.step()

    for _ in range(3):
        step(model, optimizer, scheduler)
    minigrad.save({"model": model, "optimizer": optimizer, "scheduler": scheduler}, tmp_path / "run.pt")
    with safe_globals([nn.Sequential, nn.Linear, nn.ReLU, minigrad.optim.Adam, minigrad.optim.lr_scheduler.StepLR]):
        run = minigrad.load(tmp_path / "run.pt")
    assert run["optimizer"].param_groups[0]["params"][0] is run["model"][0].weight
    assert run["scheduler"].optimizer is run["optimizer"]
    assert run["optimizer"].state[run["model"][0].weight]["step"] == 3
    for _ in range(4):
        step(model, optimizer, scheduler)
        step(run["model"], run["optimizer"], run["scheduler"])
    for ours, resumed in zip(model.parameters(), run["model"].parameters()):
        np.testing.assert_array_equal(resumed.detach().numpy(), ours.detach().numpy())
    assert run["optimizer"].param_groups[0]["lr"] == optimizer.param_groups[0]["lr"] == 0.01 * 0.5 ** 3


def test_optimizer_state_is_keyed_by_parameter_as_pytorchs():
    weight = nn.Parameter(minigrad.ones(2))
    optimizer = minigrad.optim.SGD([weight], lr=0.1, momentum=0.9)
    assert optimizer.state[weight] == {}  # a defaultdict, as PyTorch's
    weight.grad = minigrad.ones(2)
    optimizer.step()
    assert optimizer.state[weight]["momentum_buffer"].tolist() == [1.0, 1.0]


def test_listed_classes_only_are_created_and_nothing_is_imported(tmp_path):
    """A file naming an unlisted global is refused before anything runs, trusted classes or not."""
    add_safe_globals(TRUSTED)
    evil = b"\x80\x02cos\nsystem\nX\x04\x00\x00\x00trueq\x00\x85R."  # os.system("true")
    path = tmp_path / "evil.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", evil)
    with pytest.raises(pickle.UnpicklingError, match="unsupported global os.system"):
        minigrad.load(path)
    newobj = b"\x80\x02c__builtin__\nset\n)\x81."  # set.__new__(set): NEWOBJ of a class nobody listed
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", newobj)
    with pytest.raises(pickle.UnpicklingError, match="creating a set is not admitted"):
        minigrad.load(path)


def test_listing_by_name_and_errors():
    add_safe_globals([(TiedLanguageModel, "some.where.Model")])
    assert get_safe_globals() == [TiedLanguageModel]
    with pytest.raises(ValueError, match="object or"):
        add_safe_globals([(TiedLanguageModel, 3)])
    clear_safe_globals()
    assert get_safe_globals() == []


def test_objects_that_cannot_be_named_are_refused(tmp_path):
    model = nn.Linear(2, 2)
    model.hook = lambda x: x  # a lambda has no importable name
    with pytest.raises(TypeError, match="cannot be found by its name"):
        minigrad.save(model, tmp_path / "model.pt")
    assert not (tmp_path / "model.pt").exists()


def test_the_pickle_is_pythons_protocol_2(tmp_path):
    """What Python's own tools read: the opcodes are protocol 2's, and the model's class is named by GLOBAL."""
    path = tmp_path / "model.pt"
    minigrad.save(nn.Linear(2, 3), path)
    with zipfile.ZipFile(path) as archive:
        data = archive.read("archive/data.pkl")
    opcodes = [op.name for op, _, _ in pickletools.genops(data)]
    assert opcodes[0] == "PROTO" and "NEWOBJ" in opcodes and "BUILD" in opcodes and "BINPERSID" in opcodes
    assert max(op.proto for op, _, _ in pickletools.genops(data)) <= 2
