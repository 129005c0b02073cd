"""The strong-Wolfe line search of ``optim.LBFGS(line_search_fn="strong_wolfe")``: bracketing, then zooming by
cubic interpolation (Nocedal and Wright, Algorithms 3.5 and 3.6), with PyTorch's constants and safeguards. Step
lengths, losses and directional derivatives are Python floats; gradients are flat tensors."""
import math


def cubic_minimum(x1, f1, g1, x2, f2, g2, bounds=None):
    """The minimizer of the cubic through (x1, f1) and (x2, f2) with slopes g1 and g2, clamped to ``bounds``
    (default: between x1 and x2); the bounds' midpoint when the cubic has no minimum."""
    low, high = bounds if bounds is not None else (min(x1, x2), max(x1, x2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    square = d1 * d1 - g1 * g2
    if square < 0:
        return (low + high) / 2
    d2 = math.sqrt(square)
    if x1 <= x2:
        at = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, low), high)


def strong_wolfe(evaluate, x, t, d, f, g, slope, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step t along d from the parameters x satisfying the strong Wolfe conditions (sufficient decrease c1,
    curvature c2), or the best found in ``max_ls`` evaluations. ``evaluate(x, t, d)`` gives (loss, flat gradient)
    at x + t d. Returns (loss, gradient, t, evaluations)."""
    t, slope = float(t), float(slope)
    d_norm = float(d.abs().max())
    f_new, g_new = evaluate(x, t, d)
    evaluations, slope_new = 1, float(g_new.dot(d))
    t_prev, f_prev, g_prev, slope_prev = 0.0, f, g.clone(), slope
    done, iteration = False, 0
    bracket = None
    while iteration < max_ls:
        if f_new > f + c1 * t * slope or (iteration > 1 and f_new >= f_prev):
            bracket = [[t_prev, f_prev, g_prev, slope_prev], [t, f_new, g_new.clone(), slope_new]]
            break
        if abs(slope_new) <= -c2 * slope:
            bracket, done = [[t, f_new, g_new, slope_new]], True
            break
        if slope_new >= 0:
            bracket = [[t_prev, f_prev, g_prev, slope_prev], [t, f_new, g_new.clone(), slope_new]]
            break
        # extrapolate: a cubic step between 1.01 t - 0.01 t_prev... and 10 t
        shortest, longest = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, cubic_minimum(t_prev, f_prev, slope_prev, t, f_new, slope_new, (shortest, longest))
        f_prev, g_prev, slope_prev = f_new, g_new.clone(), slope_new
        f_new, g_new = evaluate(x, t, d)
        evaluations, slope_new = evaluations + 1, float(g_new.dot(d))
        iteration += 1
    if iteration == max_ls:
        bracket = [[0.0, f, g, slope], [t, f_new, g_new, slope_new]]
    if done:
        return bracket[0][1], bracket[0][2], bracket[0][0], evaluations

    # zoom: shrink the bracket [low, high] (low has the lower loss) until a point meets the conditions
    insufficient_progress = False
    low, high = (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)
    while not done and iteration < max_ls:
        ends = (bracket[0][0], bracket[1][0])
        if abs(ends[1] - ends[0]) * d_norm < tolerance_change:
            break
        t = cubic_minimum(bracket[0][0], bracket[0][1], bracket[0][3], bracket[1][0], bracket[1][1], bracket[1][3])
        margin = 0.1 * (max(ends) - min(ends))
        if min(max(ends) - t, t - min(ends)) < margin:
            # too close to an end: move away from it when the previous step was too close as well
            if insufficient_progress or t >= max(ends) or t <= min(ends):
                t = max(ends) - margin if abs(t - max(ends)) < abs(t - min(ends)) else min(ends) + margin
                insufficient_progress = False
            else:
                insufficient_progress = True
        else:
            insufficient_progress = False
        f_new, g_new = evaluate(x, t, d)
        evaluations, slope_new = evaluations + 1, float(g_new.dot(d))
        iteration += 1
        if f_new > f + c1 * t * slope or f_new >= bracket[low][1]:
            bracket[high] = [t, f_new, g_new.clone(), slope_new]
            low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
        else:
            if abs(slope_new) <= -c2 * slope:
                done = True
            elif slope_new * (bracket[high][0] - bracket[low][0]) >= 0:
                bracket[high] = bracket[low]
            bracket[low] = [t, f_new, g_new.clone(), slope_new]
    t, f_new, g_new, _ = bracket[low]
    return f_new, g_new, t, evaluations
