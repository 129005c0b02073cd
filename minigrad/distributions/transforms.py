"""``torch.distributions.transforms``: invertible maps y = f(x) with log|det J|, from which TransformedDistribution
builds new laws (LogNormal = exp of a Normal, a tanh-squashed Gaussian policy...). The base is in transform.py,
the elementwise maps in transforms_elementwise.py, those of whole events in transforms_structured.py, those
applied piece by piece and onto matrices in transforms_pieces.py."""
from .transform import Transform, sum_rightmost  # noqa: F401
from .transforms_elementwise import (ExpTransform, SigmoidTransform, TanhTransform, SoftplusTransform,  # noqa: F401
                                     AbsTransform, PowerTransform, AffineTransform,
                                     CumulativeDistributionTransform)
from .transforms_structured import (SoftmaxTransform, StickBreakingTransform, ComposeTransform,  # noqa: F401
                                    identity_transform, IndependentTransform, ReshapeTransform)
from .transforms_pieces import (CatTransform, StackTransform, LowerCholeskyTransform,  # noqa: F401
                                PositiveDefiniteTransform, CorrCholeskyTransform)

__all__ = ["Transform", "ExpTransform", "PowerTransform", "SigmoidTransform", "TanhTransform", "AbsTransform",
           "AffineTransform", "SoftplusTransform", "SoftmaxTransform", "StickBreakingTransform",
           "ComposeTransform", "IndependentTransform", "ReshapeTransform", "identity_transform", "sum_rightmost",
           "CumulativeDistributionTransform", "CatTransform", "StackTransform", "LowerCholeskyTransform",
           "PositiveDefiniteTransform", "CorrCholeskyTransform"]
