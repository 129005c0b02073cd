"""Train a small classifier with minigrad, written as a PyTorch user would write it.

    python examples/classifier.py

Points of the plane belong to one of three concentric rings; an MLP learns the (nonlinear) boundaries with
Adam and cross-entropy, prints its falling loss, then its accuracy on points it never saw.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a clone, uninstalled
import minigrad  # noqa: E402
import minigrad.nn as nn  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402


def rings(n):
    """n points of N(0, 1.5²) in the plane; the class is the ring: radius < 1.2, < 2.4, or beyond."""
    x = minigrad.randn(n, 2) * 1.5
    radius = (x * x).sum(dim=1).sqrt()
    return x, (radius > 1.2).long() + (radius > 2.4).long()


minigrad.manual_seed(0)
x, y = rings(1000)
model = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
optimizer = minigrad.optim.Adam(model.parameters(), lr=1e-2)
for step in range(201):
    loss = F.cross_entropy(model(x), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 40 == 0:
        print(f"step {step:3d}  loss {loss.item():.4f}")

x_test, y_test = rings(1000)
model.eval()
with minigrad.no_grad():
    accuracy = (model(x_test).argmax(dim=1) == y_test).float().mean().item()
print(f"test accuracy {accuracy:.1%}")
