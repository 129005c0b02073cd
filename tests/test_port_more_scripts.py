"""Three more kinds of PyTorch script, each run under minigrad with only its imports changed:

- sequence regression in the spirit of PyTorch's time-sequence-prediction example: two LSTMCells and a Linear
  in float64, trained by LBFGS with a closure, then predicting beyond the input (its losses agree to 1e-8);
- text classification with padded batches of different lengths: pad_sequence, pack_padded_sequence
  (enforce_sorted=False), a bidirectional LSTM, the last states, EmbeddingBag features, AdamW and CyclicLR;
- policy gradient as the REINFORCE example writes it: Categorical(probs).sample(), log_prob, returns normalized by
  their std, and an Adam step; its sampled actions come from each library's own generator, so the script
  takes them as given from PyTorch's run and the losses and weights are compared."""
import numpy as np
import pytest
import torch

from test_port_script import _load
from helpers import port_imports as _port

SCRIPTS = '''
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pad_sequence, pack_padded_sequence
from torch.distributions import Categorical

DTYPE = torch.float64


class Sequence(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm1 = nn.LSTMCell(1, 12)
        self.lstm2 = nn.LSTMCell(12, 12)
        self.linear = nn.Linear(12, 1)

    def forward(self, input, future=0):
        outputs = []
        h_t = torch.zeros(input.size(0), 12, dtype=DTYPE)
        c_t = torch.zeros(input.size(0), 12, dtype=DTYPE)
        h_t2 = torch.zeros(input.size(0), 12, dtype=DTYPE)
        c_t2 = torch.zeros(input.size(0), 12, dtype=DTYPE)
        for input_t in input.split(1, dim=1):
            h_t, c_t = self.lstm1(input_t, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        for i in range(future):
            h_t, c_t = self.lstm1(output, (h_t, c_t))
            h_t2, c_t2 = self.lstm2(h_t, (h_t2, c_t2))
            output = self.linear(h_t2)
            outputs += [output]
        return torch.cat(outputs, dim=1)


def train_sequence(state, waves, steps=3):
    seq = Sequence().double()
    seq.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    data = torch.from_numpy(waves)
    input, target = data[:, :-1], data[:, 1:]
    criterion = nn.MSELoss()
    optimizer = torch.optim.LBFGS(seq.parameters(), lr=0.8, max_iter=4)
    losses = []
    for i in range(steps):
        def closure():
            optimizer.zero_grad()
            out = seq(input)
            loss = criterion(out, target)
            loss.backward()
            return loss
        losses.append(float(optimizer.step(closure)))
    with torch.no_grad():
        future = seq(input[:1], future=5)
    return losses, future.numpy()


class Classifier(nn.Module):
    def __init__(self, vocab, classes):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 8, padding_idx=0)
        self.rnn = nn.LSTM(8, 6, batch_first=True, bidirectional=True)
        self.bag = nn.EmbeddingBag(vocab, 4, mode="mean")
        self.head = nn.Linear(2 * 6 + 4, classes)

    def forward(self, sequences, lengths):
        padded = pad_sequence(sequences, batch_first=True)
        packed = pack_padded_sequence(self.embedding(padded), lengths, batch_first=True, enforce_sorted=False)
        _, (h_n, _) = self.rnn(packed)
        offsets = torch.tensor([0] + [int(n) for n in lengths[:-1]]).cumsum(0)
        bag = self.bag(torch.cat(sequences), offsets)
        return self.head(torch.cat([h_n[0], h_n[1], bag], dim=1))


def train_classifier(state, token_lists, labels, steps=4):
    model = Classifier(20, 3).double()
    model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.05, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.CyclicLR(optimizer, 0.01, 0.05, step_size_up=2, cycle_momentum=False)
    sequences = [torch.from_numpy(t) for t in token_lists]
    lengths = torch.tensor([len(t) for t in token_lists])
    target = torch.from_numpy(labels)
    losses = []
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(sequences, lengths), target)
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
    return losses


class Policy(nn.Module):
    def __init__(self):
        super().__init__()
        self.affine1 = nn.Linear(4, 16)
        self.affine2 = nn.Linear(16, 2)

    def forward(self, x):
        return F.softmax(self.affine2(F.relu(self.affine1(x))), dim=1)


def reinforce(state, episode_states, rewards, actions=None, gamma=0.9):
    policy = Policy().double()
    policy.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
    optimizer = torch.optim.Adam(policy.parameters(), lr=1e-2)
    eps = torch.finfo(torch.float32).eps
    probs = policy(torch.from_numpy(episode_states))
    m = Categorical(probs)
    chosen = m.sample() if actions is None else torch.from_numpy(actions)
    log_probs = m.log_prob(chosen)
    R, returns = 0, []
    for r in rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns, dtype=DTYPE)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    loss = (-log_probs * returns).sum()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.item(), chosen.numpy(), {k: v.numpy().copy() for k, v in policy.state_dict().items()}
'''


def _pair():
    ported = _port(SCRIPTS)
    assert "import torch" not in ported and "from torch" not in ported
    return _load(SCRIPTS), _load(ported)


def test_time_sequence_prediction_with_lbfgs():
    reference, ours = _pair()
    torch.manual_seed(0)
    state = {k: v.double().numpy().copy() for k, v in reference["Sequence"]().double().state_dict().items()}
    phase = np.random.default_rng(0).integers(-20, 20, (3, 1))
    waves = np.sin((np.arange(30) + phase) / 5.0).astype(np.float64)
    (theirs, their_future), (mine, my_future) = reference["train_sequence"](state, waves), ours["train_sequence"](
        state, waves)
    np.testing.assert_allclose(mine, theirs, rtol=1e-8)
    np.testing.assert_allclose(my_future, their_future, rtol=1e-6, atol=1e-8)
    assert theirs[-1] < theirs[0]


def test_text_classifier_with_packed_sequences():
    reference, ours = _pair()
    torch.manual_seed(1)
    state = {k: v.double().numpy().copy() for k, v in reference["Classifier"](20, 3).double().state_dict().items()}
    rng = np.random.default_rng(1)
    token_lists = [rng.integers(1, 20, n).astype(np.int64) for n in (5, 2, 7, 3)]
    labels = np.array([0, 2, 1, 2], dtype=np.int64)
    theirs = reference["train_classifier"](state, token_lists, labels)
    mine = ours["train_classifier"](state, token_lists, labels)
    np.testing.assert_allclose(mine, theirs, rtol=1e-10)
    assert theirs[-1] < theirs[0]


def test_reinforce_step():
    reference, ours = _pair()
    torch.manual_seed(2)
    state = {k: v.double().numpy().copy() for k, v in reference["Policy"]().double().state_dict().items()}
    rng = np.random.default_rng(2)
    states, rewards = rng.standard_normal((6, 4)), [1.0, 0.0, 1.0, 1.0, 0.0, 1.0]
    their_loss, actions, their_state = reference["reinforce"](state, states, rewards)
    my_loss, _, my_state = ours["reinforce"](state, states, rewards, actions)
    np.testing.assert_allclose(my_loss, their_loss, rtol=1e-10)
    for k in their_state:
        np.testing.assert_allclose(my_state[k], their_state[k], rtol=1e-9, atol=1e-12)
    sampled = ours["reinforce"](state, states, rewards)[1]  # minigrad's own draws: valid actions
    assert sampled.shape == (6,) and set(sampled.tolist()) <= {0, 1}
