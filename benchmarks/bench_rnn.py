"""Recurrent training steps, minigrad against PyTorch on the same cores: forward over a sequence, a loss, backward.

    python benchmarks/bench_rnn.py                   # every case (~1 min)
    python benchmarks/bench_rnn.py --only gru        # the cases whose name contains "gru"

Cases, each the same code on both libraries with the same weights and inputs:
- ``lstm 2x200 seq35 b20``, ``gru 2x200 seq35 b20``: PyTorch's word-language-model example at its default size
  (2 layers of 200 units, 35 steps, batch 20), float32;
- ``lstmcell x2 seq999 b97 f64``: its time-sequence-prediction example (two LSTMCells of 51 units and a Linear,
  stepped by hand over 999 steps of 97 sequences, float64): thousands of small ops, where per-op overhead and the
  graph's bookkeeping dominate.
The SGEMM peak and the load average are printed with the ratios, as these machines are noisy.
"""
import argparse
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]
import common  # noqa: E402  (imports minigrad, starts its threads, then imports torch)
from sgemm import sgemm_peak_gflops  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

import minigrad  # noqa: E402


def _layer_case(kind, layers=2, size=200, steps=35, batch=20):
    def setup():
        theirs = getattr(torch.nn, kind)(size, size, layers)
        ours = getattr(minigrad.nn, kind)(size, size, layers)
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        x = np.random.default_rng(0).standard_normal((steps, batch, size)).astype(np.float32)
        mx, tx = minigrad.tensor(x), torch.tensor(x)

        def step(layer, inputs):
            def run():
                layer.zero_grad()
                out, _ = layer(inputs)
                (out * out).mean().backward()
            return run
        return step(ours, mx), step(theirs, tx)
    gates = 4 if kind == "LSTM" else 3
    flops = 3 * 2 * layers * steps * batch * gates * size * 2 * size  # forward's products, x3 for the step
    return common.Case(f"{kind.lower()} {layers}x{size} seq{steps} b{batch}", flops, setup)


def _cells_case(steps=999, batch=97, size=51):
    def model(nn):
        class Sequence(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm1, self.lstm2, self.linear = nn.LSTMCell(1, size), nn.LSTMCell(size, size), nn.Linear(size, 1)

            def forward(self, inputs, library):
                zeros = [library.zeros(inputs.size(0), size, dtype=library.float64) for _ in range(4)]
                h, c, h2, c2 = zeros
                outputs = []
                for column in inputs.split(1, dim=1):
                    h, c = self.lstm1(column, (h, c))
                    h2, c2 = self.lstm2(h, (h2, c2))
                    outputs.append(self.linear(h2))
                return library.cat(outputs, dim=1)
        return Sequence().double()

    def setup():
        theirs, ours = model(torch.nn), model(minigrad.nn)
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        data = np.sin(np.random.default_rng(0).random((batch, steps + 1)) * 6)
        pairs = [(library.tensor(data[:, :-1]), library.tensor(data[:, 1:])) for library in (minigrad, torch)]

        def step(net, library, inputs, target):
            def run():
                net.zero_grad()
                ((net(inputs, library) - target) ** 2).mean().backward()
            return run
        return step(ours, minigrad, *pairs[0]), step(theirs, torch, *pairs[1])
    flops = 3 * 2 * steps * batch * 4 * size * (1 + size + 2 * size)
    return common.Case(f"lstmcell x2 seq{steps} b{batch} f64", flops, setup)


CASES = [_layer_case("LSTM"), _layer_case("GRU"), _cells_case()]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=None, help="run the cases whose name contains this text")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    common.set_threads()
    load_before, peak_before = os.getloadavg()[0], sgemm_peak_gflops()
    results = common.run(CASES, repeats=args.repeats, warmup=1, only=args.only)
    print(f"load average (other processes compete for the cores): {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")
    print(f"SGEMM peak (numpy float32 2048^3, best of 3): {peak_before:.1f} GFLOP/s before, "
          f"{sgemm_peak_gflops():.1f} after")
    for r in results:
        print(f"time ratio minigrad/torch, {r.name}: {r.ratio:.2f}")


if __name__ == "__main__":
    main()
