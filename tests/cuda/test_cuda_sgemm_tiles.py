"""The SGEMM kernel with the tile sizes it has on a GPU (128x128 tiles, 16x16 threads of 8x8 outputs), run in the
simulator: the other tests run it with the simulator's small tiles, which would not show an error that only the
GPU's constants make (a load index past its slab, a thread count that does not divide a tile)."""
import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CODE = textwrap.dedent("""
    import numpy as np
    from numba import cuda
    from minigrad.backends.cuda import linalg
    assert (linalg.BM, linalg.BN, linalg.BK, linalg.TX, linalg.TY) == (128, 128, 8, 16, 16)
    rng = np.random.default_rng(0)
    M, N, K = 131, 129, 19  # two tiles each way, a partial last slab
    a = rng.standard_normal((K, M)).astype(np.float32)  # A = a.T: read through its column stride
    b = rng.standard_normal((K, N)).astype(np.float32)
    c = rng.standard_normal((M, N)).astype(np.float32)
    out = cuda.to_device(c.copy())
    linalg.sgemm(cuda.to_device(a), cuda.to_device(b), 1, M, N, K, (0, 1, M), (0, N, 1), out=out,
                 alpha=0.5, beta=2.0)
    expected = 0.5 * (a.T.astype(np.float64) @ b) + 2.0 * c
    np.testing.assert_allclose(out.copy_to_host(), expected, rtol=1e-5, atol=1e-5)
    print("ok")
""")


def test_sgemm_with_the_gpu_tiles():
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1", MINIGRAD_CUDASIM_GPU_TILES="1")
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=600)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
