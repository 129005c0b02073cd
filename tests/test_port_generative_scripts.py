"""Two generative-model scripts in the idiom of PyTorch's own examples run under minigrad with only their imports
changed:

- DCGAN: generator of ConvTranspose2d/BatchNorm2d/ReLU/Tanh, discriminator of Conv2d/LeakyReLU(inplace)/Sigmoid,
  ``weights_init`` applied by class name with ``nn.init.normal_`` on ``m.weight.data``, BCELoss against labels
  made by ``torch.full`` and refilled by ``fill_``, the discriminator trained on ``fake.detach()``, Adam with
  betas (0.5, 0.999), ``D_x = output.mean().item()``, and ``torchvision.utils.save_image(normalize=True)``;
- the variational autoencoder: ``reparameterize`` with ``torch.exp(0.5 * logvar)`` and ``torch.randn_like``,
  ``F.binary_cross_entropy(..., reduction='sum')`` plus the KL term, Adam.

Both train in float64 from PyTorch's initial weights; the noise each script draws comes from numpy and is given
to both, so their losses and final weights can be compared (they agree to 1e-10)."""
import sys

import numpy as np
import torch

from helpers import port_imports as _port
from test_port_script import _load

SCRIPT = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.utils as vutils

NZ, NGF, NDF, NC = 8, 4, 4, 1
NOISE = []  # the noise the scripts draw, given from outside so that both libraries see the same


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self):
        super(Generator, self).__init__()
        self.main = nn.Sequential(
            nn.ConvTranspose2d(NZ, NGF * 4, 4, 1, 0, bias=False),
            nn.BatchNorm2d(NGF * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 4, NGF * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(NGF * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(NGF * 2, NC, 4, 2, 1, bias=False),
            nn.Tanh()
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self):
        super(Discriminator, self).__init__()
        self.main = nn.Sequential(
            nn.Conv2d(NC, NDF, 4, 2, 1, bias=False),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF, NDF * 2, 4, 2, 1, bias=False),
            nn.BatchNorm2d(NDF * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(NDF * 2, 1, 4, 1, 0, bias=False),
            nn.Sigmoid()
        )

    def forward(self, input):
        return self.main(input).view(-1, 1).squeeze(1)


def train_gan(g_state, d_state, images, image_path):
    netG, netD = Generator().double(), Discriminator().double()
    netG.apply(weights_init)
    netD.apply(weights_init)
    netG.load_state_dict({k: torch.from_numpy(v) for k, v in g_state.items()})
    netD.load_state_dict({k: torch.from_numpy(v) for k, v in d_state.items()})
    criterion = nn.BCELoss()
    real_label, fake_label = 1., 0.
    optimizerD = optim.Adam(netD.parameters(), lr=0.0002, betas=(0.5, 0.999))
    optimizerG = optim.Adam(netG.parameters(), lr=0.0002, betas=(0.5, 0.999))
    history = []
    for data in images:
        real_cpu = torch.from_numpy(data)
        batch_size = real_cpu.size(0)
        netD.zero_grad()
        label = torch.full((batch_size,), real_label, dtype=real_cpu.dtype)
        output = netD(real_cpu)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()
        noise = torch.from_numpy(NOISE.pop(0)).view(batch_size, NZ, 1, 1)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach())
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()
        netG.zero_grad()
        label.fill_(real_label)
        output = netD(fake)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        history.append((errD.item(), errG.item(), D_x, D_G_z1, D_G_z2))
    vutils.save_image(fake.detach(), image_path, normalize=True)
    return history, {k: v.numpy().copy() for k, v in netG.state_dict().items()}


class VAE(nn.Module):
    def __init__(self):
        super(VAE, self).__init__()
        self.fc1 = nn.Linear(64, 16)
        self.fc21 = nn.Linear(16, 4)
        self.fc22 = nn.Linear(16, 4)
        self.fc3 = nn.Linear(4, 16)
        self.fc4 = nn.Linear(16, 64)

    def encode(self, x):
        h1 = F.relu(self.fc1(x))
        return self.fc21(h1), self.fc22(h1)

    def reparameterize(self, mu, logvar):
        std = torch.exp(0.5*logvar)
        eps = torch.from_numpy(NOISE.pop(0)) if NOISE else torch.randn_like(std)
        return mu + eps*std

    def decode(self, z):
        h3 = F.relu(self.fc3(z))
        return torch.sigmoid(self.fc4(h3))

    def forward(self, x):
        mu, logvar = self.encode(x.view(-1, 64))
        z = self.reparameterize(mu, logvar)
        return self.decode(z), mu, logvar


def loss_function(recon_x, x, mu, logvar):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), reduction='sum')
    KLD = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
    return BCE + KLD


def train_vae(state, batches):
    model = VAE().double()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    optimizer = optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    train_loss, losses = 0, []
    for batch_idx, data in enumerate(batches):
        data = torch.from_numpy(data)
        optimizer.zero_grad()
        recon_batch, mu, logvar = model(data)
        loss = loss_function(recon_batch, data, mu, logvar)
        loss.backward()
        train_loss += loss.item()
        optimizer.step()
        losses.append(loss.item() / len(data))
    return losses, train_loss, {k: v.numpy().copy() for k, v in model.state_dict().items()}
'''


def _torchvision_stand_in():
    """The tests install torch without torchvision: PyTorch's run of the script gets a save_image that writes the
    grid's raw bytes (the comparison is of losses and weights; minigrad's run uses minigrad.vision's own)."""
    import types
    if "torchvision" in sys.modules or _has_torchvision():
        return {}
    package, utils = types.ModuleType("torchvision"), types.ModuleType("torchvision.utils")
    utils.save_image = lambda tensor, path, **options: open(path, "wb").write(tensor.numpy().tobytes())
    package.utils = utils
    return {"torchvision": package, "torchvision.utils": utils}


def _has_torchvision():
    import importlib.util
    return importlib.util.find_spec("torchvision") is not None


def _pair():
    ported = _port(SCRIPT)
    assert "import torch" not in ported and "from torch" not in ported and "torchvision" not in ported.replace(
        "as torchvision", "")
    stand_in = _torchvision_stand_in()
    sys.modules.update(stand_in)
    try:
        reference = _load(SCRIPT)
    finally:
        for name in stand_in:
            del sys.modules[name]
    return reference, _load(ported)


def test_dcgan_steps_equal_torch(tmp_path):
    reference, ours = _pair()
    torch.manual_seed(0)
    g_state = {k: v.double().numpy().copy() for k, v in reference["Generator"]().double().state_dict().items()}
    d_state = {k: v.double().numpy().copy() for k, v in reference["Discriminator"]().double().state_dict().items()}
    rng = np.random.default_rng(0)
    images = [np.tanh(rng.standard_normal((4, 1, 16, 16))) for _ in range(3)]
    noise = [rng.standard_normal((4, 8)) for _ in range(3)]
    results = []
    for namespace, name in ((reference, "theirs.png"), (ours, "ours.png")):
        namespace["NOISE"][:] = [n.copy() for n in noise]
        results.append(namespace["train_gan"](g_state, d_state, images, str(tmp_path / name)))
    (their_history, their_state), (my_history, my_state) = results
    np.testing.assert_allclose(my_history, their_history, rtol=1e-10)
    for key in their_state:
        np.testing.assert_allclose(my_state[key], their_state[key], rtol=1e-9, atol=1e-12, err_msg=key)
    assert (tmp_path / "ours.png").stat().st_size > 0


def test_vae_steps_equal_torch():
    reference, ours = _pair()
    torch.manual_seed(1)
    state = {k: v.double().numpy().copy() for k, v in reference["VAE"]().double().state_dict().items()}
    rng = np.random.default_rng(1)
    batches = [rng.uniform(0, 1, (5, 1, 8, 8)) for _ in range(4)]
    eps = [rng.standard_normal((5, 4)) for _ in range(4)]
    results = []
    for namespace in (reference, ours):
        namespace["NOISE"][:] = [e.copy() for e in eps]
        results.append(namespace["train_vae"](state, batches))
    (their_losses, their_total, their_state), (my_losses, my_total, my_state) = results
    np.testing.assert_allclose(my_losses, their_losses, rtol=1e-10)
    np.testing.assert_allclose(my_total, their_total, rtol=1e-10)
    for key in their_state:
        np.testing.assert_allclose(my_state[key], their_state[key], rtol=1e-9, atol=1e-12, err_msg=key)
    assert their_losses[-1] < their_losses[0]
    ours["NOISE"].clear()  # minigrad's own randn_like: a forward pass still runs
    model = ours["VAE"]().double()
    assert tuple(model(ours["torch"].from_numpy(batches[0]))[0].shape) == (5, 64)
