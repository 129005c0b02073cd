import numpy as np
import pytest

import minigrad
from minigrad.autograd import Function
from minigrad.utils import GradcheckError


def _inputs(*shapes, seed=0):
    rng = np.random.default_rng(seed)
    return tuple(minigrad.tensor(rng.standard_normal(s), dtype=minigrad.float64, requires_grad=True)
                 for s in shapes)


class WrongSquare(Function):
    """x * x whose backward forgets the factor 2 at one element only."""

    def forward(self, a):
        self.save_for_backward(a)
        return self.B.mul(a, a)

    def backward(self, g):
        grad = self.B.mul(self.B.mul(g, self.saved[0]), self.B.scalar(2, g.dtype))
        grad = self.B.copy(grad)
        grad.reshape(-1)[3] /= 2
        return grad


def test_passes_on_correct_gradients_of_several_inputs_and_outputs():
    a, b = _inputs((2, 3), (3,))
    assert minigrad.gradcheck(lambda x, y: (x * y.exp(), (x - y).sum()), (a, b))
    assert minigrad.gradcheck(lambda x: x * x, a)


def test_fails_on_a_wrong_backward_and_names_the_input_and_element():
    x, = _inputs((2, 3))
    with pytest.raises(GradcheckError, match=r"input 0.*element \(1, 0\).*analytical.*numerical"):
        minigrad.gradcheck(lambda t: WrongSquare.apply(t), (x,))
    assert minigrad.gradcheck(lambda t: WrongSquare.apply(t), (x,), raise_exception=False) is False


def test_fails_when_the_wrong_backward_is_in_the_second_input():
    a, b = _inputs((2, 3), (2, 3))
    with pytest.raises(RuntimeError, match="input 1"):
        minigrad.gradcheck(lambda x, y: x * 2 + WrongSquare.apply(y), (a, b))


def test_skips_inputs_without_grad_and_leaves_callers_grads_alone():
    a, = _inputs((3,))
    a.grad = minigrad.ones(3, dtype=minigrad.float64)
    c = minigrad.tensor([1.0, 2.0, 3.0], dtype=minigrad.float64)
    assert minigrad.gradcheck(lambda x, k: (x * k).sum(), (a, c))
    np.testing.assert_array_equal(a.grad.numpy(), [1, 1, 1])


def test_float32_inputs_warn():
    x = minigrad.tensor([0.5, 1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match="float64"):
        assert minigrad.gradcheck(lambda t: t * 2, (x,), eps=1e-2, atol=1e-3, rtol=1e-3)


def test_needs_an_input_requiring_grad():
    with pytest.raises(ValueError, match="require"):
        minigrad.gradcheck(lambda t: t * 2, (minigrad.ones(2, dtype=minigrad.float64),))
