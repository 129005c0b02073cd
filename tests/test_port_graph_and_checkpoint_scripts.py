"""Two more PyTorch scripts in the idiom of PyTorch's own examples run under minigrad with only their imports
changed: a graph convolutional network on a sparse normalised adjacency matrix (torch.sparse_coo_tensor,
to_sparse, torch.spmm, torch.sparse.mm, the device from torch.accelerator), and a language model saved whole
with torch.save(model, f) and loaded back under torch.serialization.safe_globals, naming its classes by their
torch.nn.modules paths (with torch.onnx imported, flatten_parameters called). Each script is written to a file and
imported, so that its classes have a module to be found by, as a script's do."""
import importlib
import sys

import numpy as np
import pytest
import torch

from helpers import port_imports

GRAPH_SCRIPT = '''
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import Adam


def normalised_adjacency(edges, nodes):
    """D^-1/2 (A + I) D^-1/2 as a sparse matrix."""
    adjacency = torch.sparse_coo_tensor(edges.T, torch.ones(len(edges)), (nodes, nodes), dtype=torch.int64)
    adjacency = torch.eye(nodes) + adjacency
    degree = torch.sum(adjacency, dim=1)
    scale = torch.sqrt(1 / degree)
    scale[scale == float("inf")] = 0
    scale = torch.diag(scale).to_sparse()
    return (scale @ adjacency @ scale).to_sparse()


class GraphConvolution(nn.Module):
    def __init__(self, features_in, features_out, sparse_product):
        super().__init__()
        self.kernel = nn.Parameter(torch.empty(size=(features_in, features_out)))
        self.bias = nn.Parameter(torch.zeros(features_out))
        self.sparse_product = sparse_product
        nn.init.xavier_uniform_(self.kernel)

    def forward(self, x, adjacency):
        support = torch.mm(x, self.kernel)
        product = torch.sparse.mm if self.sparse_product else torch.spmm
        return product(adjacency, support) + self.bias


class GraphNetwork(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.first = GraphConvolution(features, hidden, sparse_product=False)
        self.second = GraphConvolution(hidden, classes, sparse_product=True)

    def forward(self, x, adjacency):
        return F.log_softmax(self.second(F.relu(self.first(x, adjacency)), adjacency), dim=1)


def train(state, features, labels, edges, epochs=15):
    device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")
    adjacency = normalised_adjacency(edges, len(labels)).to(device)
    x = torch.FloatTensor(features).to_sparse().to(device)
    y = torch.LongTensor(labels).to(device)
    train_mask, test_mask = torch.arange(len(y)) % 3 != 0, torch.arange(len(y)) % 3 == 0
    model = GraphNetwork(x.shape[1], 8, int(y.max().item()) + 1).to(device)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    optimizer = Adam(model.parameters(), lr=0.05, weight_decay=5e-4)
    criterion = nn.NLLLoss()
    losses = []
    for epoch in range(epochs):
        model.train()
        optimizer.zero_grad()
        loss = criterion(model(x, adjacency)[train_mask], y[train_mask])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        accuracy = (model(x, adjacency).argmax(1)[test_mask] == y[test_mask]).float().mean().item()
    return losses, accuracy, {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
'''

CHECKPOINT_SCRIPT = '''
import math
import torch
import torch.nn as nn
import torch.onnx


class RNNModel(nn.Module):
    def __init__(self, tokens, width, layers, dropout=0.0):
        super().__init__()
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(tokens, width)
        self.rnn = nn.LSTM(width, width, layers, dropout=dropout)
        self.decoder = nn.Linear(width, tokens)
        self.decoder.weight = self.encoder.weight
        self.width, self.layers = width, layers

    def forward(self, tokens, hidden):
        output, hidden = self.rnn(self.drop(self.encoder(tokens)), hidden)
        return self.decoder(self.drop(output)), hidden

    def init_hidden(self, batch):
        weight = next(self.parameters())
        return (weight.new_zeros(self.layers, batch, self.width), weight.new_zeros(self.layers, batch, self.width))


def detach(hidden):
    return hidden.detach() if isinstance(hidden, torch.Tensor) else tuple(detach(h) for h in hidden)


def evaluate(model, data, criterion, bptt):
    model.eval()
    hidden, total = model.init_hidden(data.size(1)), 0.0
    with torch.no_grad():
        for i in range(0, data.size(0) - 1, bptt):
            length = min(bptt, len(data) - 1 - i)
            output, hidden = model(data[i:i + length], hidden)
            total += length * criterion(output.view(-1, output.size(-1)), data[i + 1:i + 1 + length].reshape(-1)).item()
    return total / (len(data) - 1)


def train(state, tokens, path, epochs=3, bptt=6, lr=5.0, clip=0.25):
    device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")
    data = torch.tensor(tokens).view(4, -1).t().contiguous().to(device)
    model = RNNModel(30, 8, 2).to(device).double()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    criterion = nn.CrossEntropyLoss()
    best, losses = None, []
    for epoch in range(epochs):
        model.train()
        hidden = model.init_hidden(data.size(1))
        for i in range(0, data.size(0) - 1, bptt):
            length = min(bptt, len(data) - 1 - i)
            hidden = detach(hidden)
            model.zero_grad()
            output, hidden = model(data[i:i + length], hidden)
            loss = criterion(output.view(-1, 30), data[i + 1:i + 1 + length].reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
            losses.append(loss.item())
        validation = evaluate(model, data, criterion, bptt)
        if best is None or validation < best:
            with open(path, "wb") as f:
                torch.save(model, f)
            best = validation
        else:
            lr /= 4.0
    with open(path, "rb") as f:
        with torch.serialization.safe_globals([RNNModel, torch.nn.modules.dropout.Dropout,
                                               torch.nn.modules.sparse.Embedding, torch.nn.modules.rnn.LSTM,
                                               torch.nn.modules.linear.Linear]):
            model = torch.load(f)
    model.rnn.flatten_parameters()
    tied = model.decoder.weight is model.encoder.weight
    return losses, best, evaluate(model, data, criterion, bptt), math.exp(best), tied
'''


def _import(source, name, directory, monkeypatch):
    """The script as an imported module (its classes found by name, as pickle needs), removed after the test."""
    (directory / f"{name}.py").write_text(source)
    monkeypatch.syspath_prepend(str(directory))
    module = importlib.import_module(name)
    monkeypatch.setitem(sys.modules, name, module)  # (undone after the test: the module is forgotten)
    return module


def _graph(nodes=60, classes=3, features=12, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, nodes)
    signal = (np.arange(features) % classes)[None, :] == labels[:, None]
    x = (rng.random((nodes, features)) < 0.1 + 0.5 * signal).astype(np.float32)
    edges = []
    for a in range(nodes):
        for b in rng.choice(np.flatnonzero(labels == labels[a]), 2):
            edges.append((a, b))
    edges += [tuple(rng.integers(0, nodes, 2)) for _ in range(20)]
    return x, labels, np.array(edges, dtype=np.int64)


def test_graph_network_script_ports_by_changing_imports(tmp_path, monkeypatch):
    x, labels, edges = _graph()
    theirs_module = _import(GRAPH_SCRIPT, "graph_script_torch", tmp_path, monkeypatch)
    ours_module = _import(port_imports(GRAPH_SCRIPT), "graph_script_minigrad", tmp_path, monkeypatch)
    torch.manual_seed(0)
    reference = theirs_module.GraphNetwork(x.shape[1], 8, 3)
    state = {k: v.detach().numpy().copy() for k, v in reference.state_dict().items()}
    their_losses, their_accuracy, their_state = theirs_module.train(state, x, labels, edges)
    our_losses, our_accuracy, our_state = ours_module.train(state, x, labels, edges)
    np.testing.assert_allclose(our_losses, their_losses, rtol=2e-4, atol=1e-5)
    assert our_losses[-1] < our_losses[0] * 0.6 and our_accuracy == pytest.approx(their_accuracy, abs=0.03)
    for name, value in their_state.items():
        np.testing.assert_allclose(our_state[name], value, rtol=2e-3, atol=2e-4, err_msg=name)


def test_whole_model_checkpoint_script_ports_by_changing_imports(tmp_path, monkeypatch):
    theirs_module = _import(CHECKPOINT_SCRIPT, "checkpoint_script_torch", tmp_path, monkeypatch)
    ours_module = _import(port_imports(CHECKPOINT_SCRIPT), "checkpoint_script_minigrad", tmp_path, monkeypatch)
    torch.manual_seed(0)
    state = {k: v.detach().double().numpy().copy() for k, v in theirs_module.RNNModel(30, 8, 2).state_dict().items()}
    tokens = (np.arange(96) * 7 % 30).astype(np.int64)  # a repeating sequence: learnable
    theirs = theirs_module.train(state, tokens, str(tmp_path / "theirs.pt"))
    ours = ours_module.train(state, tokens, str(tmp_path / "ours.pt"))
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-9)  # every step's loss, in float64
    np.testing.assert_allclose(ours[1:4], theirs[1:4], rtol=1e-9)  # best validation, reloaded model's, perplexity
    assert ours[4] and theirs[4]  # the tied weights came back tied
    assert ours[0][-1] < ours[0][0]
