"""The two backward products of a convolution, written once for both backends over their ``_gradients``."""


def conv_products(gradients):
    """``conv_transpose2d`` and ``conv2d_weight_grad`` of a backend whose ``gradients(grad_out, x, weight, stride,
    padding, dilation, groups, input_shape, need_input, need_weight, weight_finite)`` gives (grad_input,
    grad_weight)."""

    def conv_transpose2d(x, weight, stride, padding, dilation, groups, out_shape, weight_finite=None):
        """C^T x: the transposed convolution of x (N, C_out, Ho, Wo) to ``out_shape`` (N, C_in, H, W), without
        bias. It is also conv2d's input gradient (x then being the output's gradient). ``weight_finite``: what
        ``conv_weight_finite(weight)`` said, when the caller knows it (None: the backend looks if it needs to)."""
        return gradients(x, None, weight, stride, padding, dilation, groups, out_shape, True, False,
                         weight_finite)[0]

    def conv2d_weight_grad(x, grad_out, weight, stride, padding, dilation, groups):
        """The gradient with respect to ``weight`` of conv2d(x, weight), given the output's gradient."""
        return gradients(grad_out, x, weight, stride, padding, dilation, groups, tuple(x.shape), False, True)[1]

    return conv_transpose2d, conv2d_weight_grad
