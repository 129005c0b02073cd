"""``torch.utils.checkpoint.checkpoint`` and ``checkpoint_sequential``: PyTorch recomputes the wrapped forward
pass during backward to save memory; minigrad runs it once and keeps its activations (the same values and
gradients, without the memory saving). Exported from ``minigrad.utils.checkpoint``, PyTorch's import path."""
__all__ = ["checkpoint", "checkpoint_sequential"]


def checkpoint(function, *args, use_reentrant=None, context_fn=None, determinism_check="default", debug=False,
               preserve_rng_state=True, **kwargs):
    """``function(*args, **kwargs)``, differentiated as usual."""
    return function(*args, **kwargs)


def checkpoint_sequential(functions, segments, input, use_reentrant=None, **kwargs):  # noqa: A002
    """The modules of ``functions`` (a Sequential or a list) applied in order to ``input``."""
    for function in (list(functions.children()) if hasattr(functions, "children") else list(functions)):
        input = function(input)
    return input
