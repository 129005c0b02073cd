"""An image-classifier training script in today's PyTorch idiom runs under minigrad with only its imports changed:
a residual network with GroupNorm and GELU, a squeeze-and-excitation gate (AdaptiveAvgPool2d, SiLU, Hardsigmoid),
a LayerNorm head over an Embedding of a side label, random flips by torch.flip, top-k accuracy by topk, the
gradient norm by torch.norm, and SGD with Nesterov momentum under CosineAnnealingLR. Both runs give the same
losses, accuracies and weights.

It trains in float64, so that the two libraries' rounding (summation orders differ) cannot move an argmax or a
top-k boundary: the losses then agree to about 1e-12."""
import numpy as np
import torch

from test_port_script import _load
from helpers import port_imports as _port

SCRIPT = '''
import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPE = torch.float64


class SqueezeExcite(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.gate = nn.Sequential(nn.Conv2d(channels, channels // 2, 1), nn.SiLU(),
                                  nn.Conv2d(channels // 2, channels, 1), nn.Hardsigmoid())

    def forward(self, x):
        return x * self.gate(self.pool(x))


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.norm1 = nn.GroupNorm(2, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.norm2 = nn.GroupNorm(2, cout)
        self.se = SqueezeExcite(cout)
        self.shortcut = nn.Sequential() if stride == 1 and cin == cout else nn.Conv2d(cin, cout, 1, stride, bias=False)

    def forward(self, x):
        out = F.gelu(self.norm1(self.conv1(x)))
        out = self.se(self.norm2(self.conv2(out)))
        return F.gelu(out + self.shortcut(x))


class Classifier(nn.Module):
    def __init__(self, classes=4, sources=3):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU6())
        self.blocks = nn.Sequential(Block(8, 8, 1), Block(8, 16, 2))
        self.pool = nn.AdaptiveAvgPool2d((1, 1))
        self.source = nn.Embedding(sources, 16)
        self.head = nn.Sequential(nn.LayerNorm(16), nn.Dropout(0.0), nn.Linear(16, classes))

    def forward(self, x, source):
        features = torch.flatten(self.pool(self.blocks(self.stem(x))), 1)
        return self.head(F.normalize(features, dim=1) * 4 + self.source(source))


def accuracy(output, target, topk=(1,)):
    with torch.no_grad():
        maxk = max(topk)
        batch_size = target.size(0)
        _, pred = output.topk(maxk, 1, True, True)
        pred = pred.t()
        correct = pred.eq(target.view(1, -1).expand_as(pred))
        return [correct[:k].reshape(-1).float().sum(0, keepdim=True).mul_(100.0 / batch_size) for k in topk]


def train(state, images, labels, sources, flips, epochs=3, batch=16):
    model = Classifier().to(DTYPE)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs * len(images) // batch)
    criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
    x, y, s = torch.from_numpy(images).to(DTYPE), torch.from_numpy(labels), torch.from_numpy(sources)
    log = []
    for epoch in range(epochs):
        model.train()
        for step, i in enumerate(range(0, len(x), batch)):
            inputs = x[i:i + batch]
            if flips[epoch, step]:
                inputs = torch.flip(inputs, dims=[3])
            optimizer.zero_grad()
            output = model(inputs, s[i:i + batch])
            loss = criterion(output, y[i:i + batch])
            loss.backward()
            grad_norm = torch.norm(torch.stack([p.grad.norm(2) for p in model.parameters()]), 2)
            optimizer.step()
            scheduler.step()
            top1, top2 = accuracy(output, y[i:i + batch], topk=(1, 2))
            log.append((loss.item(), grad_norm.item(), top1.item(), top2.item(), scheduler.get_last_lr()[0]))
    return log, {k: v.detach().numpy() for k, v in model.state_dict().items()}
'''


def _data(count=48, seed=0):
    """Four classes of 12x12 pictures: a bright square in one of the four quadrants, plus noise."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 4, count)
    images = rng.normal(0, 0.3, (count, 1, 12, 12))
    for image, label in zip(images, labels):
        top, left = 6 * (label // 2), 6 * (label % 2)
        image[0, top:top + 6, left:left + 6] += 1.0
    return images, labels.astype(np.int64), rng.integers(0, 3, count).astype(np.int64), rng.random((3, 3)) < 0.5


def test_classifier_script_ports_by_changing_imports():
    ported = _port(SCRIPT)
    assert ported.count("minigrad") == 3 and ported.replace("minigrad as torch", "torch").replace(
        "minigrad", "torch") == SCRIPT
    reference, ours = _load(SCRIPT), _load(ported)
    assert ours["torch"].__name__ == "minigrad"

    torch.manual_seed(0)
    initial = {k: v.double().numpy().copy() if v.is_floating_point() else v.numpy().copy()
               for k, v in reference["Classifier"]().state_dict().items()}
    images, labels, sources, flips = _data()
    their_log, their_state = reference["train"](initial, images, labels, sources, flips)
    our_log, our_state = ours["train"](initial, images, labels, sources, flips)

    assert len(our_log) == len(their_log) == 9
    np.testing.assert_allclose(np.array(our_log), np.array(their_log), rtol=1e-10, atol=1e-12)
    assert list(our_state) == list(their_state)
    for key, value in their_state.items():
        np.testing.assert_allclose(our_state[key], value, rtol=1e-9, atol=1e-12, err_msg=key)
    losses = [entry[0] for entry in their_log]
    assert losses[-1] < losses[0]  # it trains: agreement means something
