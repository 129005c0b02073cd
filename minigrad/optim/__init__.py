"""``minigrad.optim``: optimizers with PyTorch's update rules."""
