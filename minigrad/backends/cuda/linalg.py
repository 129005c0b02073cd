"""CUDA kernels: matrix products, mirroring ``backends/cpu/linalg.py``.

``sgemm`` is a register-tiled SGEMM (``make_sgemm``): a block computes a
128 x 128 tile of C from double-buffered 8-deep slabs of A and B in shared
memory, each of its 256 threads an 8 x 8 sub-tile in registers. Operands are
read through (batch, row, column) element strides, so transposed operands need
no copy; a slab is loaded along whichever axis is contiguous in memory.
``blockIdx.z`` walks the batch. float32 accumulation, as cuBLAS's SGEMM.
"""
import math
import os

import numpy as np
from numba import cuda, float32, types

from ._runtime import F32, SIMULATOR, device_function, empty, f32, flat, grid, i64, kernel, on_device
from .elementwise import _dtype
from ._strided import permute as _permute

__all__ = ["matrix_product", "matrix_transpose"]

# Tile sizes (BM, BN, BK, TX, TY): 128x128 tiles of C per block, 8-deep slabs, 16x16 threads of 8x8 outputs; the
# simulator runs the same code on 16x16 tiles, 8-deep slabs, 4x4 threads of 4x4 outputs (each thread is a Python
# thread there). MINIGRAD_CUDASIM_GPU_TILES=1 gives the simulator the GPU's tiles (a test runs them there).
GPU_TILES = (128, 128, 8, 16, 16)
SIMULATOR_TILES = GPU_TILES if os.environ.get("MINIGRAD_CUDASIM_GPU_TILES") == "1" else (16, 16, 8, 4, 4)
BM, BN, BK, TX, TY = SIMULATOR_TILES if SIMULATOR else GPU_TILES
TM, TN = BM // TY, BN // TX
NT = TX * TY
A_LOADS, B_LOADS = BM * BK // NT, BK * BN // NT
MAX_GRID_Z = 65535


@device_function
def _a_slot(e, a_col):
    """(row, k) in the A slab of a block's e-th loaded element: neighbouring threads take neighbouring k when A's
    rows are contiguous (a_col == 1), neighbouring rows otherwise, so that their global reads are contiguous."""
    if a_col == 1:
        return e // BK, e % BK
    return e % BM, e // BM


@device_function
def _b_slot(e, b_col):
    """(k, column) in the B slab of a block's e-th loaded element, contiguous reads as for ``_a_slot``."""
    if b_col == 1:
        return e // BN, e % BN
    return e % BK, e // BK


@kernel((F32, F32, F32) + (i64,) * 14 + (f32, f32))
def _sgemm(c, a, b, M, N, K, a_off, a_batch, a_row, a_col, b_off, b_batch, b_row, b_col, c_off, c_batch, c_row,
           alpha, beta):
    """c[z, m, n] = alpha * sum_k a[z, m, k] b[z, k, n] + beta * c[z, m, n], each read through (offset, batch
    stride, row stride[, column stride]); C's columns are contiguous.

    Each block computes a BM x BN tile of C from BK-deep slabs of A and B staged in shared memory, double-buffered:
    while the block multiplies the slab in one buffer, each thread holds its share of the next slab in registers
    and stores it into the other buffer, so one barrier per slab suffices. Each thread accumulates a TM x TN
    sub-tile in registers: rows ty + i*TY and columns tx + j*TX, so that a warp's reads of the B slab and its
    stores to C are contiguous and its reads of the A slab are broadcasts."""
    a_tile = cuda.shared.array((2, BK, BM), float32)
    b_tile = cuda.shared.array((2, BK, BN), float32)
    acc = cuda.local.array((TM, TN), float32)
    a_reg = cuda.local.array(TM, float32)
    b_reg = cuda.local.array(TN, float32)
    a_next = cuda.local.array(A_LOADS, float32)
    b_next = cuda.local.array(B_LOADS, float32)
    tx = cuda.threadIdx.x
    ty = cuda.threadIdx.y
    tid = ty * TX + tx
    z = cuda.blockIdx.z
    m0 = cuda.blockIdx.y * BM
    n0 = cuda.blockIdx.x * BN
    a_base = a_off + z * a_batch
    b_base = b_off + z * b_batch
    zero = float32(0)
    for i in range(TM):
        for j in range(TN):
            acc[i, j] = zero
    slabs = (K + BK - 1) // BK
    for s in range(slabs + 1):
        # s < slabs: fetch slab s into registers; s > 0: multiply slab s - 1, staged in buffer (s - 1) % 2
        if s < slabs:
            k0 = s * BK
            for load in range(A_LOADS):
                mm, kk = _a_slot(tid + load * NT, a_col)
                gm, gk = m0 + mm, k0 + kk
                a_next[load] = a[a_base + gm * a_row + gk * a_col] if gm < M and gk < K else zero
            for load in range(B_LOADS):
                kk, nn = _b_slot(tid + load * NT, b_col)
                gk, gn = k0 + kk, n0 + nn
                b_next[load] = b[b_base + gk * b_row + gn * b_col] if gk < K and gn < N else zero
        if s > 0:
            cur = (s - 1) % 2
            for kk in range(BK):
                for i in range(TM):
                    a_reg[i] = a_tile[cur, kk, ty + i * TY]
                for j in range(TN):
                    b_reg[j] = b_tile[cur, kk, tx + j * TX]
                for i in range(TM):
                    for j in range(TN):
                        acc[i, j] += a_reg[i] * b_reg[j]
        if s < slabs:  # the other buffer: its last readers passed the previous barrier
            nxt = s % 2
            for load in range(A_LOADS):
                mm, kk = _a_slot(tid + load * NT, a_col)
                a_tile[nxt, kk, mm] = a_next[load]
            for load in range(B_LOADS):
                kk, nn = _b_slot(tid + load * NT, b_col)
                b_tile[nxt, kk, nn] = b_next[load]
        cuda.syncthreads()
    for i in range(TM):
        m = m0 + ty + i * TY
        if m < M:
            for j in range(TN):
                n = n0 + tx + j * TX
                if n < N:
                    at = c_off + z * c_batch + m * c_row + n
                    value = alpha * acc[i, j]
                    if beta != zero:
                        value += beta * c[at]
                    c[at] = value


@kernel(*((t, t, t, i64, i64, i64, i64, i64, i64, i64, i64, i64, i64)
          for t in (types.float64[::1], types.int64[::1])))
def _gemm_plain(c, a, b, batch, M, N, K, a_batch, a_row, a_col, b_batch, b_row, b_col):
    """One thread per output: the product for dtypes other than float32 (numpy's matmul dtype rules)."""
    i = cuda.grid(1)
    while i < batch * M * N:
        n = i % N
        m = (i // N) % M
        z = i // (M * N)
        c[i] = 0
        for k in range(K):
            c[i] += a[z * a_batch + m * a_row + k * a_col] * b[z * b_batch + k * b_row + n * b_col]
        i += cuda.gridsize(1)


def sgemm(a, b, batch, M, N, K, a_strides, b_strides, out=None, alpha=1.0, beta=0.0, a_off=0, b_off=0,
          out_off=0, out_strides=None):
    """out[z] = alpha * A[z] @ B[z] + beta * out[z] for z < batch, A and B read from flat ``a``, ``b`` at
    offsets ``a_off``, ``b_off`` through (batch, row, column) element strides (batch stride 0 repeats an
    operand). ``out`` defaults to a new (batch, M, N) array; else it is written at ``out_off`` through
    ``out_strides`` = (batch, row) strides (default contiguous)."""
    if out is None:
        out = empty((batch, M, N), np.result_type(a.dtype, b.dtype))
    if out.dtype != np.float32:
        if out.size:
            _gemm_plain[grid(out.size)](flat(out), flat(a), flat(b), batch, M, N, K, *a_strides, *b_strides)
        return out
    c_batch, c_row = out_strides or (M * N, N)
    for z0 in range(0, batch if M and N else 0, MAX_GRID_Z):  # gridDim.z is at most 65535
        blocks = (math.ceil(N / BN), math.ceil(M / BM), min(batch - z0, MAX_GRID_Z))
        _sgemm[blocks, (TX, TY)](flat(out), flat(a), flat(b), M, N, K, a_off + z0 * a_strides[0], *a_strides,
                                 b_off + z0 * b_strides[0], *b_strides, out_off + z0 * c_batch, c_batch, c_row,
                                 np.float32(alpha), np.float32(beta))
    return out


def matrix_product(a, b):
    """``a @ b`` with numpy's (= PyTorch's) rules for 1-d, 2-d and batched (broadcast) operands.

    float32 runs the tiled SGEMM; other dtypes (float64, int64) a plain kernel, for parity with the CPU.
    """
    dtype = np.result_type(_dtype(a), _dtype(b))
    a, b = on_device(a, dtype), on_device(b, dtype)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions")
    a2 = a.reshape((1,) + tuple(a.shape)) if a.ndim == 1 else a
    b2 = b.reshape(tuple(b.shape) + (1,)) if b.ndim == 1 else b
    M, K = tuple(a2.shape)[-2:]
    K2, N = tuple(b2.shape)[-2:]
    if K != K2:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0 (size {K2} is "
                         f"different from {K})")
    batch_shape = np.broadcast_shapes(tuple(a2.shape[:-2]), tuple(b2.shape[:-2]))
    if b2.ndim == 2 and a2.ndim > 2:  # fold the batch into rows: one GEMM
        rows = math.prod(a2.shape[:-1])
        out = sgemm(a2, b2, 1, rows, N, K, (0, K, 1), (0, N, 1))
    else:
        batch = math.prod(batch_shape)
        operands = []
        for x, (r, c) in ((a2, (M, K)), (b2, (K, N))):
            if tuple(x.shape[:-2]) == batch_shape:
                operands.append((x, r * c))
            elif math.prod(x.shape[:-2]) == 1:
                operands.append((x, 0))
            else:
                from .reduce import broadcast_to
                operands.append((broadcast_to(x, batch_shape + (r, c)), r * c))
        (a3, sa), (b3, sb) = operands
        out = sgemm(a3, b3, batch, M, N, K, (sa, K, 1), (sb, N, 1))
    shape = tuple(batch_shape) + (M, N)
    if a.ndim == 1:
        shape = shape[:-2] + (N,)
    if b.ndim == 1:
        shape = shape[:-1]
    return out.reshape(shape)


def matrix_transpose(a):
    """Swap the last two axes (a contiguous copy on CUDA)."""
    a = on_device(a)
    axes = list(range(a.ndim))
    axes[-1], axes[-2] = axes[-2], axes[-1]
    return _permute(a, axes)
