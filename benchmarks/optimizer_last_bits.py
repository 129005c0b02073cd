"""How many float32 weights each optimizer leaves different from PyTorch's last bit, given the same start and the
same gradients: 20,000 weights, three steps, the share that differs after each.

    python benchmarks/optimizer_last_bits.py

SGD's four adds with a factor are fused multiply-adds, as PyTorch's ``add(other, alpha=...)``; Adam's moments
are bit for bit PyTorch's. What still differs comes from square roots: PyTorch's vector sqrt is faithful (within
0.75 ulp here) rather than correctly rounded, so where it rounds the other way the step differs in its last bit.
"""
import numpy as np
import torch

import minigrad

SETTINGS = {"SGD": dict(lr=0.1, momentum=0.9, weight_decay=1e-4), "SGD nesterov": dict(lr=0.1, momentum=0.9,
                                                                                      nesterov=True),
            "Adam": dict(lr=1e-3), "AdamW": dict(lr=1e-3), "NAdam": dict(lr=1e-3), "RAdam": dict(lr=1e-3),
            "Adamax": dict(lr=1e-3), "RMSprop": dict(lr=1e-3, alpha=0.9, centered=True, momentum=0.5),
            "Adagrad": dict(lr=0.1), "Adadelta": dict(), "ASGD": dict(lr=0.01), "Rprop": dict()}


def main():
    rng = np.random.default_rng(0)
    start = rng.standard_normal(20_000).astype(np.float32)
    gradients = [rng.standard_normal(start.size).astype(np.float32) * (i + 1) for i in range(3)]
    print(f"{'optimizer':14s} share of weights whose last bit differs after steps 1, 2, 3")
    for label, options in SETTINGS.items():
        name = label.split()[0]
        theirs, ours = torch.tensor(start, requires_grad=True), minigrad.tensor(start, requires_grad=True)
        their_opt, our_opt = getattr(torch.optim, name)([theirs], **options), getattr(minigrad.optim, name)([ours],
                                                                                                       **options)
        shares = []
        for g in gradients:
            theirs.grad, ours.grad = torch.tensor(g), minigrad.tensor(g)
            their_opt.step()
            our_opt.step()
            shares.append(f"{np.mean(theirs.detach().numpy() != ours.detach().numpy()):7.2%}")
        print(f"{label:14s} {' '.join(shares)}")


if __name__ == "__main__":
    main()
