"""Special functions for both backends, each element computed from a constants array in the kernel's float type
(float64 on the CPU, float32 on the GPU: a Python literal would make a float32 kernel compute in float64):
digamma, trigamma (digamma's derivative) and erfinv, with PyTorch's edge rules.

digamma: the reflection psi(x) = psi(1 - x) - pi / tan(pi x) below 0, the recurrence psi(x) = psi(x + 1) - 1/x up
to 10, then psi(x) ~ log x - 1/(2x) - sum of Bernoulli terms in 1/x^2 (PyTorch's seven coefficients).
trigamma: the reflection below 1/2, six steps of the recurrence, then its asymptotic series.
erfinv: Giles' single-precision approximation (2010), then two Newton steps on erf."""
import math

# indices into the constants array (``constants()`` builds it in a dtype)
ZERO, ONE, HALF, TWO, TEN, PI, PSI_10, BIG, INF, NAN, SIXTH, THIRTIETH, FORTY_SECOND, TWO_OVER_SQRT_PI, \
    TWO_AND_HALF, FIVE, THREE = range(17)
DIGAMMA_SERIES = 17  # 7 coefficients
ERFINV_CENTRAL = DIGAMMA_SERIES + 7  # 9 coefficients
ERFINV_TAIL = ERFINV_CENTRAL + 9  # 9 coefficients

_VALUES = [0.0, 1.0, 0.5, 2.0, 10.0, math.pi, 2.25175258906672110764, 1.0e17, math.inf, math.nan, 1.0 / 6,
           1.0 / 30, 1.0 / 42, 2.0 / math.sqrt(math.pi), 2.5, 5.0, 3.0,
           8.33333333333333333333e-2, -2.10927960927960927961e-2, 7.57575757575757575758e-3,
           -4.16666666666666666667e-3, 3.96825396825396825397e-3, -8.33333333333333333333e-3,
           8.33333333333333333333e-2,
           2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
           -0.00417768164, 0.246640727, 1.50140941,
           -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
           0.00943887047, 1.00167406, 2.83297682]


def constants(dtype):
    """The constants array in ``dtype`` (a numpy array)."""
    import numpy as np
    return np.array(_VALUES, dtype=dtype)


def digamma(x, c):
    if x == c[ZERO]:
        return math.copysign(c[INF], -x)  # +0 gives -inf, -0 gives +inf, as C's
    reflection = c[ZERO]
    if x < c[ZERO]:
        if x == -c[INF]:
            return c[NAN]
        # x's own fraction, in (-1, 0) and exact, as C's modf gives it: x itself above -1 (where x % 1 would
        # round, 1 - 1e-30 to 1), else x % 1 - 1 (both steps exact once |x| >= 1)
        fraction = x
        if x <= -c[ONE]:
            fraction = x % c[ONE]
            if fraction == c[ZERO]:
                return c[NAN]  # a pole
            fraction -= c[ONE]
        reflection = -c[PI] / math.tan(c[PI] * fraction)  # tan(pi r) of the fraction: exact where pi x rounds
        x = c[ONE] - x
    result = c[ZERO]
    while x < c[TEN]:
        result -= c[ONE] / x
        x += c[ONE]
    if x == c[TEN]:
        return result + c[PSI_10] + reflection
    tail = c[ZERO]
    if x < c[BIG]:
        z = c[ONE] / (x * x)
        series = c[DIGAMMA_SERIES]
        for i in range(1, 7):
            series = series * z + c[DIGAMMA_SERIES + i]
        tail = z * series
    return result + math.log(x) - c[HALF] / x - tail + reflection


def trigamma(x, c):
    if x == c[INF]:
        return c[ZERO]
    if x == -c[INF]:
        return c[NAN]  # (written out: the simulator's sin raises on an infinity)
    sign = c[ONE]
    result = c[ZERO]
    if x < c[HALF]:
        sign = -c[ONE]
        sine = math.sin(c[PI] * x)
        result -= (c[PI] * c[PI]) / (sine * sine)
        x = c[ONE] - x
    for _ in range(6):
        result += c[ONE] / (x * x)
        x += c[ONE]
    inverse_square = c[ONE] / (x * x)
    series = c[SIXTH] - inverse_square * (c[THIRTIETH] - inverse_square * c[FORTY_SECOND])
    result += (c[ONE] + c[ONE] / (c[TWO] * x) + inverse_square * series) / x
    return sign * result


def erfinv(y, c):
    if y != y or y < -c[ONE] or y > c[ONE]:
        return c[NAN]
    if y == c[ONE] or y == -c[ONE]:
        return math.copysign(c[INF], y)
    w = -math.log((c[ONE] - y) * (c[ONE] + y))
    if w < c[FIVE]:
        w -= c[TWO_AND_HALF]
        p = c[ERFINV_CENTRAL]
        for i in range(1, 9):
            p = p * w + c[ERFINV_CENTRAL + i]
    else:
        w = math.sqrt(w) - c[THREE]
        p = c[ERFINV_TAIL]
        for i in range(1, 9):
            p = p * w + c[ERFINV_TAIL + i]
    x = p * y
    for _ in range(2):  # Newton on erf(x) = y
        x -= (math.erf(x) - y) / (c[TWO_OVER_SQRT_PI] * math.exp(-x * x))
    return x
