"""PyTorch's word-language-model example, in its own idiom, runs under minigrad with only its imports changed: an
Embedding, an LSTM, GRU or Transformer encoder (with a sinusoidal position buffer written by strided slices and a
causal mask from log(tril(ones))), log_softmax and NLLLoss, hidden states repackaged by detach, gradient clipping
and a hand-written SGD step on p.data. In float64, with dropout 0, the losses agree with PyTorch's to 1e-10."""
import numpy as np
import pytest
import torch

from test_port_script import _load
from helpers import port_imports as _port

SCRIPT = '''
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPE = torch.float64


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=64):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))

    def forward(self, x):
        return x + self.pe[:x.size(0), :]


class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers):
        super().__init__()
        self.encoder = nn.Embedding(ntoken, ninp)
        self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers)
        self.decoder = nn.Linear(nhid, ntoken)
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers

    def forward(self, input, hidden):
        output, hidden = self.rnn(self.encoder(input), hidden)
        decoded = self.decoder(output).view(-1, self.decoder.out_features)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == "LSTM":
            return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)


class TransformerModel(nn.Module):
    def __init__(self, ntoken, ninp, nhead, nhid, nlayers):
        super().__init__()
        self.pos_encoder = PositionalEncoding(ninp)
        self.transformer_encoder = nn.TransformerEncoder(nn.TransformerEncoderLayer(ninp, nhead, nhid, 0.0),
                                                         nlayers, enable_nested_tensor=False)
        self.encoder = nn.Embedding(ntoken, ninp)
        self.decoder = nn.Linear(ninp, ntoken)
        self.ninp = ninp

    def forward(self, src):
        mask = torch.log(torch.tril(torch.ones(len(src), len(src)))).to(DTYPE)
        src = self.pos_encoder(self.encoder(src) * math.sqrt(self.ninp))
        return F.log_softmax(self.decoder(self.transformer_encoder(src, mask)), dim=-1)


def repackage_hidden(h):
    if isinstance(h, torch.Tensor):
        return h.detach()
    return tuple(repackage_hidden(v) for v in h)


def train(kind, state, tokens, lr=2.0, bptt=6):
    model = (TransformerModel(30, 8, 2, 16, 2) if kind == "Transformer" else RNNModel(kind, 30, 8, 12, 2)).to(DTYPE)
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    data = torch.from_numpy(tokens)
    data = data.narrow(0, 0, data.size(0) // 4 * 4).view(4, -1).t().contiguous()
    criterion = nn.NLLLoss()
    hidden = None if kind == "Transformer" else model.init_hidden(4)
    losses = []
    model.train()
    for i in range(0, data.size(0) - 1, bptt):
        seq_len = min(bptt, len(data) - 1 - i)
        source, target = data[i:i + seq_len], data[i + 1:i + 1 + seq_len].reshape(-1)
        model.zero_grad()
        if kind == "Transformer":
            output = model(source).view(-1, 30)
        else:
            hidden = repackage_hidden(hidden)
            output, hidden = model(source, hidden)
        loss = criterion(output, target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.25)
        for p in model.parameters():
            p.data.add_(p.grad, alpha=-lr)
        losses.append(loss.item())
    return losses
'''


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "Transformer"])
@pytest.mark.filterwarnings("ignore:enable_nested_tensor is True")
def test_word_language_model_ports_by_changing_imports(kind):
    reference, ours = _load(SCRIPT), _load(_port(SCRIPT))
    torch.manual_seed(0)
    model = (reference["TransformerModel"](30, 8, 2, 16, 2) if kind == "Transformer"
             else reference["RNNModel"](kind, 30, 8, 12, 2))
    state = {k: v.double().numpy().copy() for k, v in model.state_dict().items()}
    tokens = np.random.default_rng(0).integers(0, 30, 100).astype(np.int64)
    theirs, mine = reference["train"](kind, state, tokens), ours["train"](kind, state, tokens)
    assert len(mine) == len(theirs) == 4
    np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)
    assert theirs[-1] < theirs[0]  # it learns: agreement means something
