"""A short PyTorch training script ports to minigrad by changing its imports, and trains identically."""
import numpy as np
import torch
from helpers import port_imports as _port

SCRIPT = '''
import torch
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, hidden=32, classes=3):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.Tanh())
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.head(F.relu(self.body(x)))


def train(state, X, Y, epochs=12, batch=40):
    model = MLP()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-2, weight_decay=1e-4)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.05)
    x, y = torch.from_numpy(X), torch.from_numpy(Y)
    losses, accuracies = [], []
    for epoch in range(epochs):
        model.train()
        for i in range(0, len(x), batch):
            optimizer.zero_grad()
            loss = criterion(model(x[i:i + batch]), y[i:i + batch])
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
        model.eval()
        with torch.no_grad():
            pred = model(x).argmax(dim=1)
            accuracies.append((pred == y).float().mean().item())
    return losses, accuracies, model.state_dict()
'''


def _load(source):
    namespace = {}
    exec(compile(source, "<script>", "exec"), namespace)
    return namespace


def _spirals(n_per_class=40, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    radius = np.tile(np.linspace(0.1, 1.0, n_per_class), classes)
    label = np.repeat(np.arange(classes), n_per_class)
    angle = radius * 4 + label * (2 * np.pi / classes) + rng.normal(0, 0.15, radius.shape)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1).astype(np.float32)
    order = rng.permutation(len(X))
    return X[order], label[order].astype(np.int64)


def test_script_ports_by_changing_imports():
    ported = _port(SCRIPT)
    assert ported.count("minigrad") == 3 and ported.replace("minigrad as torch", "torch").replace(
        "minigrad", "torch") == SCRIPT
    reference, ours = _load(SCRIPT), _load(ported)
    assert ours["torch"].__name__ == "minigrad" and ours["nn"].__name__ == "minigrad.nn"

    torch.manual_seed(0)
    initial = {k: v.numpy().copy() for k, v in reference["MLP"]().state_dict().items()}
    X, Y = _spirals()
    their_losses, their_acc, their_state = reference["train"](initial, X, Y)
    our_losses, our_acc, our_state = ours["train"](initial, X, Y)

    assert len(our_losses) == len(their_losses) == 36
    np.testing.assert_allclose(our_losses, their_losses, rtol=1e-4)
    # Accuracies are counts over 120 points: allow one point to flip on a logit tie at float32 precision.
    np.testing.assert_allclose(our_acc, their_acc, atol=1.01 / len(X))
    assert list(our_state) == list(their_state)
    for key, value in their_state.items():
        np.testing.assert_allclose(our_state[key], value.numpy(), atol=1e-5, rtol=1e-4, err_msg=key)
    assert their_losses[-1] < 0.5 * their_losses[0] and their_acc[-1] > 0.8  # it trains: agreement means something
