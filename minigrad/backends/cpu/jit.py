"""How the CPU kernels are compiled: ``kernel`` is Numba's ``njit(cache=True)`` at LLVM's -O1, and
``compile_vectorized`` compiles a register-blocked tile at -O3 with LLVM's SLP vectorizer.

Numba optimizes every function at -O3 (``NUMBA_OPT``). With an empty cache, the first training step spends
most of its time compiling, and LLVM's optimization and code generation take about half of that. The kernels
here are loops over arrays, which Numba's loop vectorizer still vectorizes at -O1. Measured on the training step
of examples/train_unet.py (benchmarks/README.md, "The first run"): the first step ended 1.3-1.6 s sooner
(8.4-8.5 s after Python's start against 9.8-10.1 s, alternated), and in a small U-Net step each kernel's time
stayed within this machine's noise of its -O3 time. The tiles, where the time goes, keep -O3: their compile time
hardly depends on the level (1.8 s at -O3, 1.77 s at -O1), their code might. A user who sets ``NUMBA_OPT`` gets
that level for every kernel.
"""
import os

from llvmlite import ir
from numba import njit, types as numba_types
from numba.core import config
from numba.core.compiler_lock import global_compiler_lock
from numba.extending import intrinsic

from .. import elements

# The optimization level of the kernels, None to leave Numba's own (the user's NUMBA_OPT).
KERNEL_LEVEL = None if "NUMBA_OPT" in os.environ else 1
TILE_LEVEL = None if "NUMBA_OPT" in os.environ else 3


class _Settings:
    """Numba's compile settings changed for one compilation, under Numba's (reentrant) compiler lock."""

    def __init__(self, **settings):
        self.settings = {name: value for name, value in settings.items() if value is not None}

    def __enter__(self):
        global_compiler_lock.acquire()
        self.saved = {name: getattr(config, name) for name in self.settings}
        for name, value in self.settings.items():
            setattr(config, name, type(self.saved[name])(value))  # (OPT is an int subclass of Numba's own)

    def __exit__(self, *exc):
        for name, value in self.saved.items():
            setattr(config, name, value)
        global_compiler_lock.release()


def kernel(vectorized=False, **options):
    """``numba.njit(cache=True, **options)``, compiled at KERNEL_LEVEL: the decorator of every CPU kernel. With
    ``vectorized``, at TILE_LEVEL with LLVM's SLP vectorizer instead, as ``compile_vectorized`` compiles the tiles
    (for a small serial function whose independent sums are written out as scalars)."""
    options.setdefault("cache", True)
    settings = dict(OPT=TILE_LEVEL, SLP_VECTORIZE=1) if vectorized else dict(OPT=KERNEL_LEVEL)

    def decorate(function):
        dispatcher = njit(**options)(function)
        if config.DISABLE_JIT:  # (NUMBA_DISABLE_JIT: njit gave back the plain Python function, nothing to compile)
            return dispatcher
        compile_signature = dispatcher.compile

        def compile_at_level(signature):
            # (Numba compiles through this method both on a call from Python and for a caller kernel)
            with _Settings(**settings):
                return compile_signature(signature)
        dispatcher.compile = compile_at_level
        return dispatcher
    return decorate


@intrinsic
def _llvm_fma(typing_context, a, b, c):
    if not (a == b == c and isinstance(a, numba_types.Float)):
        return None

    def codegen(context, builder, signature, args):
        value_type = context.get_value_type(a)
        fma = builder.module.declare_intrinsic("llvm.fma", [value_type],
                                               ir.FunctionType(value_type, [value_type] * 3))
        return builder.call(fma, args)
    return a(a, b, c), codegen


# a * b + c rounded once (LLVM's fma: the CPU's instruction where it has one), as PyTorch's vector kernels compute
# ``add(other, alpha=...)``; of three values of one float type
fused_multiply_add = elements.fused_multiply_add if config.DISABLE_JIT else _llvm_fma


@intrinsic
def _llvm_float32_bits(typing_context, value):
    if value != numba_types.float32:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(32))
    return numba_types.int32(value), codegen


@intrinsic
def _llvm_float32_from_bits(typing_context, bits):
    if not isinstance(bits, numba_types.Integer):
        return None

    def codegen(context, builder, signature, args):
        word = args[0]
        if bits.bitwidth != 32:
            word = builder.trunc(word, ir.IntType(32)) if bits.bitwidth > 32 else builder.sext(word, ir.IntType(32))
        return builder.bitcast(word, ir.FloatType())
    return numba_types.float32(bits), codegen


# a float32's bits as an int32 and back (elements.float32_bits): a bitcast, with no table or branch in the way of
# LLVM's loop vectorizer
float32_bits = elements.float32_bits if config.DISABLE_JIT else _llvm_float32_bits
float32_from_bits = elements.float32_from_bits if config.DISABLE_JIT else _llvm_float32_from_bits


def compile_vectorized(tile, types):
    """Compile (or load from the cache) a tile for these argument types at TILE_LEVEL with LLVM's SLP vectorizer,
    which packs its scalar sums into vectors (Numba runs it only when ``config.SLP_VECTORIZE`` is set); Numba's
    settings are restored after. The loops around a tile compile without it (faster, and they run as fast)."""
    with _Settings(OPT=TILE_LEVEL, SLP_VECTORIZE=1):
        tile.compile(types)
