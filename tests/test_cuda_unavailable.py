"""Without a usable GPU, device 'cuda' fails with an error that says how to get one (runs on any machine)."""
import pytest

import minigrad
import minigrad.cuda as mcuda

HINT = r"pip install minigrad\[cuda\] on a machine with an NVIDIA GPU, or set NUMBA_ENABLE_CUDASIM=1"


def test_asking_for_cuda_without_a_gpu_says_how_to_get_one(monkeypatch):
    monkeypatch.setattr(mcuda, "_usable", None)
    monkeypatch.setattr(mcuda, "_problem", lambda: "no usable NVIDIA GPU or CUDA driver was found")
    assert not mcuda.is_available()
    assert mcuda.device_count() == 0
    for make in (lambda: minigrad.zeros(2, device="cuda"), lambda: minigrad.tensor([1.0]).cuda(),
                 lambda: minigrad.tensor([1.0], device="cuda")):
        with pytest.raises(RuntimeError, match="device 'cuda' is not available.*" + HINT):
            make()


def test_this_machine_without_a_gpu_refuses_cuda():
    if mcuda.is_available():
        pytest.skip("device 'cuda' is usable here (a GPU, or NUMBA_ENABLE_CUDASIM=1)")
    with pytest.raises(RuntimeError, match=HINT):
        minigrad.ones(3, device="cuda")
    mcuda.synchronize()  # a no-op without a GPU
