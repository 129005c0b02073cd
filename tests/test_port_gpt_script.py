"""A small GPT training script in the idiom of today's single-file language-model trainers runs under minigrad with
only its imports changed: causal attention by F.scaled_dot_product_attention(is_causal=True), GELU, LayerNorm
without bias, tied embeddings, AdamW with decayed and undecayed parameter groups (choosing fused=True by
inspecting AdamW's signature), a warmup-then-cosine learning rate set by hand, TF32 and cuDNN flags, a dtype table
naming bfloat16, a disabled GradScaler, gradient accumulation, clip_grad_norm_, batches cut from a numpy memmap,
and a checkpoint dict (model args, iteration, optimizer state) that a second run resumes from. In float64 the
losses equal PyTorch's to 1e-10, and the resumed run equals the uninterrupted one."""
import numpy as np
import torch

from helpers import port_imports
from test_port_script import _load

SCRIPT = '''
import inspect
import math
from contextlib import nullcontext
import numpy as np
import torch
import torch.nn as nn
from torch.nn import functional as F


class SelfAttention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.qkv = nn.Linear(width, 3 * width, bias=False)
        self.proj = nn.Linear(width, width, bias=False)
        self.heads = heads

    def forward(self, x):
        batch, steps, width = x.size()
        q, k, v = self.qkv(x).split(width, dim=2)
        q, k, v = (t.view(batch, steps, self.heads, width // self.heads).transpose(1, 2) for t in (q, k, v))
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=None, dropout_p=0.0, is_causal=True)
        return self.proj(y.transpose(1, 2).contiguous().view(batch, steps, width))


class Block(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(width, bias=False), nn.LayerNorm(width, bias=False)
        self.attention = SelfAttention(width, heads)
        self.mlp = nn.Sequential(nn.Linear(width, 4 * width), nn.GELU(), nn.Linear(4 * width, width))

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class GPT(nn.Module):
    def __init__(self, vocab, steps, width, heads, layers):
        super().__init__()
        self.token = nn.Embedding(vocab, width)
        self.position = nn.Embedding(steps, width)
        self.blocks = nn.ModuleList([Block(width, heads) for _ in range(layers)])
        self.norm = nn.LayerNorm(width, bias=False)
        self.head = nn.Linear(width, vocab, bias=False)
        self.token.weight = self.head.weight
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("proj.weight"):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * layers))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets=None):
        positions = torch.arange(0, idx.size(1), dtype=torch.long, device=idx.device)
        x = self.token(idx) + self.position(positions)
        for block in self.blocks:
            x = block(x)
        logits = self.head(self.norm(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type):
        params = {name: p for name, p in self.named_parameters() if p.requires_grad}
        groups = [{"params": [p for p in params.values() if p.dim() >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params.values() if p.dim() < 2], "weight_decay": 0.0}]
        fused = "fused" in inspect.signature(torch.optim.AdamW).parameters and device_type == "cuda"
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas, **(dict(fused=True) if fused else dict()))


def learning_rate(it, peak=3e-3, warmup=3, decay=12, floor=3e-4):
    if it < warmup:
        return peak * (it + 1) / (warmup + 1)
    if it > decay:
        return floor
    ratio = (it - warmup) / (decay - warmup)
    return floor + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (peak - floor)


def train(path, state, starts, iterations, checkpoint=None, resume=False, accumulation=2, block=8, batch=3):
    torch.manual_seed(1337)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    device = "cpu"
    device_type = "cuda" if "cuda" in device else "cpu"
    dtype = "bfloat16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "float16"
    ptdtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
    ctx = nullcontext() if device_type == "cpu" else torch.amp.autocast(device_type=device_type, dtype=ptdtype)
    data = np.memmap(path, dtype=np.uint16, mode="r")
    model_args = dict(vocab=13, steps=block, width=16, heads=2, layers=2)
    iteration = 0
    if resume:
        saved = torch.load(checkpoint, map_location=device)
        model = GPT(**saved["model_args"])
        weights = saved["model"]
        for key in list(weights):
            if key.startswith("_orig_mod."):
                weights[key[len("_orig_mod."):]] = weights.pop(key)
        model.load_state_dict(weights)
        iteration = saved["iter_num"]
    else:
        model = GPT(**model_args)
        model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    model.to(device)
    scaler = torch.cuda.amp.GradScaler(enabled=(dtype == "float16" and device_type == "cuda"))
    optimizer = model.configure_optimizers(0.1, 3e-3, (0.9, 0.95), device_type)
    if resume:
        optimizer.load_state_dict(saved["optimizer"])

    def get_batch(it, micro):
        ix = starts[(it * accumulation + micro) % len(starts)]
        x = torch.stack([torch.from_numpy((data[i:i + block]).astype(np.int64)) for i in ix])
        y = torch.stack([torch.from_numpy((data[i + 1:i + 1 + block]).astype(np.int64)) for i in ix])
        return x.to(device, non_blocking=True), y.to(device, non_blocking=True)

    losses = []
    while iteration < iterations:
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(iteration)
        for micro in range(accumulation):
            x, y = get_batch(iteration, micro)
            with ctx:
                logits, loss = model(x, y)
                loss = loss / accumulation
            scaler.scale(loss).backward()
        scaler.unscale_(optimizer)
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        scaler.step(optimizer)
        scaler.update()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.item() * accumulation)
        iteration += 1
    if checkpoint is not None and not resume:
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "model_args": model_args,
                    "iter_num": iteration, "best_val_loss": 1e9}, checkpoint)
    return losses, {k: v.detach().numpy() for k, v in model.state_dict().items()}
'''


def _data(tmp_path):
    text = np.tile(np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4, 6, 2, 6, 4]), 20) % 13
    path = tmp_path / "train.bin"
    text.astype(np.uint16).tofile(path)
    starts = np.random.default_rng(0).integers(0, len(text) - 9, (40, 3))
    return str(path), starts


def test_gpt_script_ports_and_resumes(tmp_path):
    path, starts = _data(tmp_path)
    theirs, ours = _load(SCRIPT), _load(port_imports(SCRIPT))
    torch.set_default_dtype(torch.float64)  # float64 throughout, so that the comparison can be tight
    theirs_module_torch = theirs["torch"]
    try:
        ours["torch"].set_default_dtype(ours["torch"].float64)
        torch.manual_seed(0)
        state = {k: v.detach().numpy().copy() for k, v in theirs["GPT"](13, 8, 16, 2, 2).state_dict().items()}
        their_losses, their_state = theirs["train"](path, state, starts, 8)
        our_losses, our_state = ours["train"](path, state, starts, 8)
        np.testing.assert_allclose(our_losses, their_losses, rtol=1e-10)
        for name, value in their_state.items():
            np.testing.assert_allclose(our_state[name], value, rtol=1e-8, atol=1e-11, err_msg=name)
        assert our_losses[-1] < our_losses[0]
        # four iterations, a checkpoint, four more resumed from it: the uninterrupted run's weights
        checkpoint = str(tmp_path / "ckpt.pt")
        first, _ = ours["train"](path, state, starts, 4, checkpoint=checkpoint)
        second, resumed = ours["train"](path, None, starts, 8, checkpoint=checkpoint, resume=True)
        np.testing.assert_allclose(first + second, our_losses, rtol=1e-12)
        for name, value in our_state.items():
            np.testing.assert_allclose(resumed[name], value, rtol=1e-12, atol=1e-15, err_msg=name)
        assert theirs_module_torch.load(checkpoint, weights_only=True)["iter_num"] == 4  # PyTorch reads it too
    finally:  # (the script turns the TF32 flags on, process-wide, as nanoGPT does)
        torch.set_default_dtype(torch.float32)
        ours["torch"].set_default_dtype(ours["torch"].float32)
        for library in (torch, ours["torch"]):
            library.backends.cuda.matmul.allow_tf32 = False
            library.backends.cudnn.allow_tf32 = True
