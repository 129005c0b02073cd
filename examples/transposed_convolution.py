"""The transposed convolution, from real numbers: it is the transpose of the convolution's matrix.

    python examples/transposed_convolution.py                # PNGs into out/transposed_convolution
    python examples/transposed_convolution.py --docs         # also docs/images/conv_matrix.png

A 3x3 convolution of a 4x4 input is a linear map from 16 numbers to 4: a 4x16 matrix C. The transposed
convolution is C^T, a map from 4 numbers back to 16. This script builds C with
``minigrad.nn.functional.conv2d_matrix``, checks both facts against the layers, draws C and C^T, draws how
each pixel of a 2x2 map spreads a weighted copy of the kernel onto the 4x4 output, shows that the same
result comes from a plain convolution of the zero-padded map with the flipped kernel, and shows in numbers
what C^T does not do (invert C) and what the Moore-Penrose pseudo-inverse does instead.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from a clone, uninstalled
import minigrad  # noqa: E402
import minigrad.nn as nn  # noqa: E402
import minigrad.nn.functional as F  # noqa: E402

KERNEL = np.array([[1, 2, 0], [0, 1, -1], [2, 0, 1]], dtype=np.float32)
X = np.arange(16, dtype=np.float32).reshape(4, 4) % 5
Y = np.array([[1, 2], [3, -1]], dtype=np.float32)  # a 2x2 map to send back up


def as4d(a):
    return minigrad.tensor(a.reshape((1, 1) + a.shape))


def show_matrix(ax, m, title, fmt="{:.0f}"):
    limit = max(np.abs(m).max(), 1e-9)
    ax.imshow(m, cmap="RdBu_r", vmin=-limit, vmax=limit)
    if m.size <= 100:
        for (r, c), v in np.ndenumerate(m):
            if v != 0:
                ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=7,
                        color="white" if abs(v) > 0.6 * limit else "black")
    ax.set_title(title, fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])


def draw_matrices(C, path):
    fig, axes = plt.subplots(1, 2, figsize=(7.5, 4.2), gridspec_kw=dict(width_ratios=[16, 4]))
    show_matrix(axes[0], C, "C: conv2d(3x3) of a 4x4 input, 4 x 16\n(each row: the kernel over one 3x3 window)")
    show_matrix(axes[1], C.T, "C$^T$ = conv_transpose2d\n16 x 4")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def draw_spreading(kernel, y, out, path):
    """Each input pixel of the 2x2 map adds y[p] * kernel onto its 3x3 window of the 4x4 output."""
    fig, axes = plt.subplots(1, 6, figsize=(13, 2.6))
    show_matrix(axes[0], y, "2x2 input y")
    for p, (r, c) in enumerate(np.ndindex(2, 2)):
        canvas = np.zeros((4, 4), dtype=np.float32)
        canvas[r:r + 3, c:c + 3] = y[r, c] * kernel
        show_matrix(axes[p + 1], canvas, f"y[{r},{c}] = {y[r, c]:g} times the kernel")
    show_matrix(axes[5], out, "their sum = conv_transpose2d(y)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def draw_flipped_equivalence(padded, flipped, result, path):
    fig, axes = plt.subplots(1, 3, figsize=(8.5, 3))
    show_matrix(axes[0], padded, "y with k-1 = 2 zeros of border")
    show_matrix(axes[1], flipped, "kernel flipped up-down and left-right")
    show_matrix(axes[2], result, "conv2d of the two = conv_transpose2d(y)")
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def pseudo_inverse_demo(C, x):
    """C^T (C x) has x's shape but not its values; pinv(C) (C x) is the closest x' with C x' = C x."""
    y = C @ x
    back = C.T @ y
    recovered = np.linalg.pinv(C) @ y
    print("\nC^T undoes the shape, not the values:")
    print(f"  x              = {np.array2string(x, precision=1, max_line_width=200)}")
    print(f"  C^T (C x)      = {np.array2string(back, precision=1, max_line_width=200)}")
    print(f"  pinv(C) (C x)  = {np.array2string(recovered, precision=2, max_line_width=200, suppress_small=True)}")
    print(f"  rank C = {np.linalg.matrix_rank(C)} < 16 unknowns: pinv only finds the smallest x' with C x' = C x; "
          f"C pinv(C) C x = C x: {np.allclose(C @ recovered, y, atol=1e-3)}, x' = x: {np.allclose(recovered, x)}")
    full = F.conv2d_matrix(as4d(KERNEL), (4, 4), padding=2).numpy()  # 'full' conv: 36 outputs, rank 16
    recovered_full = np.linalg.pinv(full) @ (full @ x)
    print(f"  with padding=2 C is {full.shape[0]}x16 of rank {np.linalg.matrix_rank(full)}: pinv(C) recovers x "
          f"exactly: {np.allclose(recovered_full, x, atol=1e-3)}")


def shape_chain():
    print("\nThe chain of the tutorial (kernel_size=2, stride 1):")
    minigrad.manual_seed(0)
    x = minigrad.randn(1, 1, 4, 4)
    down1, down2 = nn.Conv2d(1, 1, kernel_size=2), nn.Conv2d(1, 1, kernel_size=2)
    up1, up2 = nn.ConvTranspose2d(1, 1, kernel_size=2), nn.ConvTranspose2d(1, 1, kernel_size=2)
    a = down1(x)
    b = down2(a)
    c = up1(b)
    d = up2(c)
    print(f"  {tuple(x.shape)} -Conv2d-> {tuple(a.shape)} -Conv2d-> {tuple(b.shape)} "
          f"-ConvTranspose2d-> {tuple(c.shape)} -ConvTranspose2d-> {tuple(d.shape)}")
    up = nn.ConvTranspose2d(32, 16, kernel_size=2, stride=2)
    out = up(minigrad.randn(1, 32, 28, 28))
    print(f"  ConvTranspose2d(32, 16, kernel_size=2, stride=2) maps (1, 32, 28, 28) to {tuple(out.shape)}, "
          f"with weight {tuple(up.weight.shape)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default="out/transposed_convolution", help="folder for the PNG files")
    parser.add_argument("--docs", action="store_true", help="also write docs/images/conv_matrix.png")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    C = F.conv2d_matrix(as4d(KERNEL), (4, 4)).numpy()
    x = X.reshape(-1)
    conv = F.conv2d(as4d(X), as4d(KERNEL)).numpy().reshape(-1)
    print(f"C = conv2d_matrix(3x3 kernel, 4x4 input) has shape {C.shape}")
    print(f"conv2d(x).flatten() = {conv}   C @ x.flatten() = {C @ x}   equal: {np.allclose(conv, C @ x)}")
    up = F.conv_transpose2d(as4d(Y), as4d(KERNEL)).numpy()[0, 0]
    print(f"conv_transpose2d(y) (4x4) equals C^T @ y.flatten(): {np.allclose(up.reshape(-1), C.T @ Y.reshape(-1))}")

    flipped = KERNEL[::-1, ::-1].copy()
    padded = np.pad(Y, 2)
    by_conv = F.conv2d(as4d(padded), as4d(flipped)).numpy()[0, 0]
    print(f"conv2d(y zero-padded by 2, flipped kernel) equals conv_transpose2d(y): {np.allclose(by_conv, up)}")

    paths = [os.path.join(args.out, name) for name in ("conv_matrix.png", "kernel_spreading.png",
                                                       "flipped_kernel.png")]
    draw_matrices(C, paths[0])
    draw_spreading(KERNEL, Y, up, paths[1])
    draw_flipped_equivalence(padded, flipped, by_conv, paths[2])
    if args.docs:
        docs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "images")
        os.makedirs(docs, exist_ok=True)
        draw_matrices(C, os.path.join(docs, "conv_matrix.png"))
        paths.append(os.path.join(docs, "conv_matrix.png"))

    pseudo_inverse_demo(C, x)
    shape_chain()
    print("\nwrote " + ", ".join(paths))


if __name__ == "__main__":
    main()
