"""minigrad.vision.models: torchvision's ResNets, VGGs, AlexNet and MobileNetV2 (sizes, names, forward and
gradients against the same network written with PyTorch's functional ops), and a torchvision-style training
script ported by its imports."""
import os
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad
from minigrad.vision import models
from helpers import port_imports
from test_vision import _write_mnist

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("builder,count", [
    (models.resnet18, 11_689_512), (models.resnet34, 21_797_672), (models.resnet50, 25_557_032),
    (models.resnet101, 44_549_160), (models.resnet152, 60_192_808), (models.resnext50_32x4d, 25_028_904),
    (models.wide_resnet50_2, 68_883_240), (models.alexnet, 61_100_840), (models.vgg11, 132_863_336),
    (models.vgg11_bn, 132_868_840), (models.vgg16, 138_357_544), (models.vgg16_bn, 138_365_992),
    (models.vgg19_bn, 143_678_248), (models.mobilenet_v2, 3_504_872)])
def test_parameter_counts_are_torchvisions(builder, count):
    """torchvision's published sizes for 1000 classes."""
    assert sum(p.numel() for p in builder().parameters()) == count


def test_state_dict_names_are_torchvisions():
    keys = set(models.resnet50(num_classes=10).state_dict())
    for key in ("conv1.weight", "bn1.running_mean", "bn1.num_batches_tracked", "layer1.0.conv3.weight",
                "layer1.0.downsample.0.weight", "layer2.0.downsample.1.running_var", "layer4.2.bn3.bias",
                "fc.weight", "fc.bias"):
        assert key in keys, key
    assert "layer1.0.downsample.0.weight" not in models.resnet18().state_dict()  # 64 -> 64: no projection
    zeroed = models.resnet18(zero_init_residual=True)
    assert float(zeroed.layer3[1].bn2.weight.abs().sum()) == 0.0 and float(zeroed.layer3[1].bn1.weight.sum()) > 0
    with pytest.raises(NotImplementedError, match="no pretrained weights"):
        models.resnet18(weights="IMAGENET1K_V1")


def _torch_resnet18(state, x, training):
    """resnet18's forward in PyTorch's functional ops, on the given weights (torchvision's ResNet.forward)."""
    def conv(name, x, stride=1, padding=0):
        return TF.conv2d(x, state[f"{name}.weight"], stride=stride, padding=padding)

    def bn(name, x):
        return TF.batch_norm(x, state[f"{name}.running_mean"].clone(), state[f"{name}.running_var"].clone(),
                             state[f"{name}.weight"], state[f"{name}.bias"], training, 0.1, 1e-5)

    x = TF.max_pool2d(TF.relu(bn("bn1", conv("conv1", x, 2, 3))), 3, 2, 1)
    for layer in range(1, 5):
        for block in range(2):
            name = f"layer{layer}.{block}"
            stride = 2 if layer > 1 and block == 0 else 1
            out = TF.relu(bn(f"{name}.bn1", conv(f"{name}.conv1", x, stride, 1)))
            out = bn(f"{name}.bn2", conv(f"{name}.conv2", out, 1, 1))
            shortcut = f"{name}.downsample.0.weight" in state
            identity = bn(f"{name}.downsample.1", conv(f"{name}.downsample.0", x, stride)) if shortcut else x
            x = TF.relu(out + identity)
    return TF.linear(TF.adaptive_avg_pool2d(x, 1).flatten(1), state["fc.weight"], state["fc.bias"])


@pytest.mark.parametrize("training", [True, False])
def test_resnet18_forward_and_every_gradient_equal_pytorchs(training):
    minigrad.manual_seed(0)
    model = models.resnet18(num_classes=5).double().train(training)
    if not training:  # running statistics that are not the initial ones
        for m in model.modules():
            if isinstance(m, minigrad.nn.BatchNorm2d):
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    state = {k: torch.tensor(v.detach().numpy(), requires_grad=v.dtype == minigrad.float64 and "running" not in k)
             for k, v in model.state_dict().items()}
    x = np.random.default_rng(1).standard_normal((2, 3, 40, 40))
    ours = model(minigrad.tensor(x))
    theirs = _torch_resnet18(state, torch.tensor(x), training)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    (ours ** 2).sum().backward()
    (theirs ** 2).sum().backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), state[name].grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=name)


def _torch_forward(module, x, state, prefix=""):
    """A module tree of Sequentials, Conv2d, BatchNorm2d (eval), ReLU6, Dropout (eval), Linear and
    InvertedResidual, run by PyTorch's functional ops on the given weights."""
    name = type(module).__name__
    if name in ("Sequential", "Conv2dNormActivation"):
        for key, child in module.named_children():
            x = _torch_forward(child, x, state, f"{prefix}{key}.")
        return x
    if name == "InvertedResidual":
        out = _torch_forward(module.conv, x, state, f"{prefix}conv.")
        return x + out if module.use_res_connect else out
    if name == "Conv2d":
        return TF.conv2d(x, state[prefix + "weight"], state.get(prefix + "bias"), module.stride, module.padding,
                         module.dilation, module.groups)
    if name == "BatchNorm2d":
        return TF.batch_norm(x, state[prefix + "running_mean"], state[prefix + "running_var"],
                             state[prefix + "weight"], state[prefix + "bias"], False, 0.1, module.eps)
    if name == "ReLU6":
        return TF.relu6(x)
    if name == "Dropout":
        return x
    if name == "Linear":
        return TF.linear(x, state[prefix + "weight"], state[prefix + "bias"])
    raise AssertionError(name)


def test_mobilenet_v2_forward_and_gradients_equal_pytorchs():
    minigrad.manual_seed(0)
    model = models.mobilenet_v2(num_classes=4, width_mult=0.5).double().eval()
    state = {k: torch.tensor(v.detach().numpy(), requires_grad=v.dtype == minigrad.float64 and "running" not in k)
             for k, v in model.state_dict().items()}
    x = np.random.default_rng(2).standard_normal((2, 3, 32, 32))
    ours = model(minigrad.tensor(x))
    features = _torch_forward(model.features, torch.tensor(x), state, "features.")
    theirs = _torch_forward(model.classifier, TF.adaptive_avg_pool2d(features, 1).flatten(1), state, "classifier.")
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-10, atol=1e-12)
    ours.pow(2).sum().backward()
    theirs.pow(2).sum().backward()
    for name, p in model.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), state[name].grad.numpy(), rtol=1e-9, atol=1e-11, err_msg=name)


MNIST_SCRIPT = '''
import sys
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from torchvision import datasets, transforms
from torch.optim.lr_scheduler import StepLR


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, 1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.fc1 = nn.Linear(2304, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        return F.log_softmax(self.fc2(x), dim=1)


def main():
    torch.manual_seed(1)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train_set = datasets.MNIST(sys.argv[1], train=True, download=True, transform=transform)
    test_set = datasets.MNIST(sys.argv[1], train=False, transform=transform)
    train_loader = torch.utils.data.DataLoader(train_set, batch_size=8, shuffle=True)
    test_loader = torch.utils.data.DataLoader(test_set, batch_size=16)
    model = Net()
    optimizer = optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)
    losses = []
    for epoch in range(1, 9):
        model.train()
        for data, target in train_loader:
            optimizer.zero_grad()
            loss = F.nll_loss(model(data), target)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        scheduler.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for data, target in test_loader:
            correct += model(data).argmax(dim=1, keepdim=True).eq(target.view_as(data[:, 0, 0, :1])).sum().item()
    torch.save(model.state_dict(), sys.argv[2])
    print(losses[0], sum(losses[-3:]) / 3, correct)


if __name__ == "__main__":
    main()
'''


def test_pytorchs_mnist_example_ported_by_its_imports(tmp_path):
    """The idiom of PyTorch's examples/mnist (torchvision's MNIST, ToTensor, Normalize; Adadelta, StepLR), on 32
    made-up digits whose brightness tells their label: it runs, its loss falls as PyTorch's does on them, and it
    saves a state_dict PyTorch can read. (No PyTorch run to compare with: torchvision needs a CUDA build of torch
    here.)"""
    _write_mnist(tmp_path / "data", count=32, learnable=True)
    script = tmp_path / "mnist.py"
    script.write_text(f"import sys; sys.path.insert(0, {ROOT!r})\n" + port_imports(MNIST_SCRIPT))
    assert "from minigrad.vision import datasets, transforms" in script.read_text()
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "data"), str(tmp_path / "mnist_cnn.pt")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    first, last, correct = done.stdout.split()
    # PyTorch, the same script on the same 32 digits (its dataset built by hand): 2.27 -> 1.40, 14 correct
    assert float(last) < 0.8 * float(first) and 0 <= int(correct) <= 32
    state = torch.load(tmp_path / "mnist_cnn.pt", weights_only=True)
    assert tuple(state["fc1.weight"].shape) == (32, 2304)
