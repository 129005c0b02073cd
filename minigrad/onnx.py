"""``minigrad.onnx``: present so that scripts importing ``torch.onnx`` run; minigrad does not write ONNX files.

``export`` raises (a deliberate divergence, in README.md: minigrad keeps no graph of a whole model to write out);
``is_in_onnx_export`` answers False, as PyTorch outside an export, for model code that asks.
"""

__all__ = ["export", "is_in_onnx_export"]


def export(model, args=(), f=None, *unused_args, **unused_kwargs):
    """``torch.onnx.export``: not provided by minigrad; raises NotImplementedError."""
    raise NotImplementedError("minigrad does not export ONNX files (torch.onnx.export); save the weights with "
                              "minigrad.save(model.state_dict(), path), which torch.load reads, and export from "
                              "PyTorch")


def is_in_onnx_export():
    """``torch.onnx.is_in_onnx_export``: False, as minigrad never exports."""
    return False
