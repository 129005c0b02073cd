"""``optim.LBFGS``: limited-memory BFGS over all parameters as one flat vector, with PyTorch's stopping rules and
order of operations; ``step(closure)`` runs up to ``max_iter`` iterations, re-evaluating the loss through the
closure. The optional strong-Wolfe line search is in line_search.py."""
from ..autograd import enable_grad, no_grad
from ..ops.shape import cat
from .line_search import strong_wolfe
from .optimizer import Optimizer


class LBFGS(Optimizer):
    """``torch.optim.LBFGS(params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
    history_size=100, line_search_fn=None)``: one parameter group; the direction is the two-loop recursion over
    the last ``history_size`` (step, gradient change) pairs, scaled by y·s / y·y."""
    own_shaped_state = ("d", "prev_flat_grad")  # (over all parameters flattened, as PyTorch keeps them)

    def __init__(self, params, lr=1, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9,
                 history_size=100, line_search_fn=None):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if line_search_fn not in (None, "strong_wolfe"):
            raise RuntimeError("only 'strong_wolfe' is supported")
        max_eval = max_eval if max_eval is not None else max_iter * 5 // 4
        super().__init__(params, dict(lr=lr, max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                                      tolerance_change=tolerance_change, history_size=history_size,
                                      line_search_fn=line_search_fn))
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _flat_grad(self):
        return cat([_real_pairs(p.grad).reshape(-1) if p.grad is not None else
                    _real_pairs(p).new_zeros((_real_pairs(p).numel(),)) for p in self._params], 0)

    def _add_to_params(self, step_size, direction):
        offset = 0
        for p in self._params:
            values = _real_pairs(p)  # (a complex parameter moves as its (real, imag) pairs, as in PyTorch)
            n = values.numel()
            values.add_(direction[offset:offset + n].reshape(tuple(values.shape)) * step_size)
            offset += n

    def _params_copy(self):
        return [p.clone() for p in self._params]

    def _set_params(self, values):
        for p, value in zip(self._params, values):
            p.copy_(value)

    def _loss_and_grad_at(self, closure, x, t, d):
        """The loss and flat gradient at x + t·d, the parameters then put back to x."""
        self._add_to_params(t, d)
        with enable_grad():
            loss = closure()
        loss = float(loss)  # (read under no_grad, as PyTorch's: no warning that it requires grad)
        flat_grad = self._flat_grad()
        self._set_params(x)
        return loss, flat_grad

    @no_grad()
    def step(self, closure):
        """Up to max_iter iterations from the closure's loss and gradients; returns the first loss."""
        if closure is None:
            raise RuntimeError("LBFGS requires a closure that re-evaluates the model and returns the loss")
        group = self.param_groups[0]
        lr, max_iter, max_eval = group["lr"], group["max_iter"], group["max_eval"]
        tolerance_grad, tolerance_change = group["tolerance_grad"], group["tolerance_change"]
        history_size = group["history_size"]
        state = self.state.setdefault(self._params[0], {"func_evals": 0, "n_iter": 0})
        with enable_grad():
            first_loss = closure()
        loss = float(first_loss)
        evaluations = 1
        state["func_evals"] += 1
        flat_grad = self._flat_grad()
        if flat_grad.abs().max() <= tolerance_grad:
            return first_loss
        d, t = state.get("d"), state.get("t")
        old_dirs, old_steps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag, prev_flat_grad, prev_loss = state.get("H_diag"), state.get("prev_flat_grad"), state.get("prev_loss")
        iteration = 0
        while iteration < max_iter:
            iteration += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d, old_dirs, old_steps, ro, h_diag = -flat_grad, [], [], [], 1
            else:
                y = flat_grad - prev_flat_grad
                s = d * t
                ys = y.dot(s)
                if ys > 1e-10:  # the curvature condition: keep the pair
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0), old_steps.pop(0), ro.pop(0)
                    old_dirs.append(y), old_steps.append(s), ro.append(1.0 / ys)
                    h_diag = ys / y.dot(y)
                alphas = state.setdefault("al", [None] * history_size)  # (kept in the state, as PyTorch's)
                q = -flat_grad
                for i in range(len(old_dirs) - 1, -1, -1):
                    alphas[i] = old_steps[i].dot(q) * ro[i]
                    q = q - old_dirs[i] * alphas[i]
                d = q * h_diag
                for i in range(len(old_dirs)):
                    beta = old_dirs[i].dot(d) * ro[i]
                    d = d + old_steps[i] * (alphas[i] - beta)
            prev_flat_grad = flat_grad.clone()
            prev_loss = loss
            if state["n_iter"] == 1:  # (a 0-d tensor of the parameters' dtype when below 1, as PyTorch's)
                scale = 1.0 / flat_grad.abs().sum()
                t = scale * lr if scale < 1.0 else lr
            else:
                t = lr
            directional = flat_grad.dot(d)
            if directional > -tolerance_change:
                break
            line_evaluations = 0
            if group["line_search_fn"] is not None:
                x = self._params_copy()
                loss, flat_grad, t, line_evaluations = strong_wolfe(
                    lambda x_, t_, d_: self._loss_and_grad_at(closure, x_, t_, d_), x, t, d, loss, flat_grad,
                    directional)
                self._add_to_params(t, d)
                converged = flat_grad.abs().max() <= tolerance_grad
            else:
                self._add_to_params(t, d)
                converged = False
                if iteration != max_iter:
                    with enable_grad():
                        loss = closure()
                    loss = float(loss)
                    flat_grad = self._flat_grad()
                    converged = flat_grad.abs().max() <= tolerance_grad
                    line_evaluations = 1
            evaluations += line_evaluations
            state["func_evals"] += line_evaluations
            if iteration == max_iter or evaluations >= max_eval or converged:
                break
            if (d * t).abs().max() <= tolerance_change or abs(loss - prev_loss) < tolerance_change:
                break
        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_steps, ro=ro, H_diag=h_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return first_loss


def _real_pairs(tensor):
    """A complex tensor as the real tensor of its (real, imag) pairs (sharing memory); a real one as it is."""
    if tensor.dtype.kind != "c":
        return tensor
    from ..ops.complex_numbers import view_as_real
    return view_as_real(tensor)
