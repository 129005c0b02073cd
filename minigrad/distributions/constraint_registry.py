"""``torch.distributions.biject_to`` and ``transform_to``: for a constraint, a transform from the unconstrained
reals onto it (to optimize a positive scale as exp of a free parameter, say). ``biject_to`` gives bijections
(stick breaking onto the simplex), ``transform_to`` maps that may not be (softmax onto the simplex); both look a
constraint up by its class, as PyTorch's registries."""
from numbers import Number

from . import constraints, transforms

__all__ = ["ConstraintRegistry", "biject_to", "transform_to"]


class ConstraintRegistry:
    """``torch.distributions.constraint_registry.ConstraintRegistry``: constraint class -> transform factory."""

    def __init__(self):
        self._registry = {}

    def register(self, constraint, factory=None):
        """Register ``factory(constraint) -> Transform`` for a constraint class (or an instance's class); without
        ``factory``, a decorator."""
        if factory is None:
            return lambda factory: self.register(constraint, factory)
        if isinstance(constraint, constraints.Constraint):
            constraint = type(constraint)
        if not (isinstance(constraint, type) and issubclass(constraint, constraints.Constraint)):
            raise TypeError(f"Expected constraint to be either a Constraint subclass or instance, but got "
                            f"{constraint}")
        self._registry[constraint] = factory
        return factory

    def __call__(self, constraint):
        try:
            factory = self._registry[type(constraint)]
        except KeyError:
            raise NotImplementedError(f"Cannot transform {type(constraint).__name__} constraints") from None
        return factory(constraint)


biject_to = ConstraintRegistry()
transform_to = ConstraintRegistry()


def _both(constraint):
    def register(factory):
        biject_to.register(constraint, factory)
        transform_to.register(constraint, factory)
        return factory
    return register


_both(constraints.real)(lambda c: transforms.identity_transform)
biject_to.register(constraints.independent,
                   lambda c: transforms.IndependentTransform(biject_to(c.base_constraint), c.reinterpreted_batch_ndims))
transform_to.register(constraints.independent,
                      lambda c: transforms.IndependentTransform(transform_to(c.base_constraint),
                                                                c.reinterpreted_batch_ndims))


@_both(constraints.greater_than)
@_both(constraints.greater_than_eq)
def _to_greater_than(constraint):
    return transforms.ComposeTransform([transforms.ExpTransform(),
                                        transforms.AffineTransform(constraint.lower_bound, 1)])


@_both(constraints.less_than)
def _to_less_than(constraint):
    return transforms.ComposeTransform([transforms.ExpTransform(),
                                        transforms.AffineTransform(constraint.upper_bound, -1)])


@_both(constraints.interval)
@_both(constraints.half_open_interval)
def _to_interval(constraint):
    low, high = constraint.lower_bound, constraint.upper_bound
    if isinstance(low, Number) and low == 0 and isinstance(high, Number) and high == 1:
        return transforms.SigmoidTransform()
    return transforms.ComposeTransform([transforms.SigmoidTransform(), transforms.AffineTransform(low, high - low)])


biject_to.register(constraints.simplex, lambda c: transforms.StickBreakingTransform())
transform_to.register(constraints.simplex, lambda c: transforms.SoftmaxTransform())
transform_to.register(constraints.lower_cholesky, lambda c: transforms.LowerCholeskyTransform())
transform_to.register(constraints.positive_definite, lambda c: transforms.PositiveDefiniteTransform())
transform_to.register(constraints.positive_semidefinite, lambda c: transforms.PositiveDefiniteTransform())
biject_to.register(constraints.cat, lambda c: transforms.CatTransform([biject_to(p) for p in c.cseq], c.dim,
                                                                      c.lengths))
transform_to.register(constraints.cat, lambda c: transforms.CatTransform([transform_to(p) for p in c.cseq], c.dim,
                                                                         c.lengths))
biject_to.register(constraints.stack, lambda c: transforms.StackTransform([biject_to(p) for p in c.cseq], c.dim))
transform_to.register(constraints.stack, lambda c: transforms.StackTransform([transform_to(p) for p in c.cseq],
                                                                             c.dim))
biject_to.register(constraints.corr_cholesky, lambda c: transforms.CorrCholeskyTransform())
transform_to.register(constraints.corr_cholesky, lambda c: transforms.CorrCholeskyTransform())
