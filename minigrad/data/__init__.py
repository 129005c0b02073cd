"""``minigrad.data``: segmentation datasets (synthetic shapes, image folders) and their transforms; the generic
datasets and the DataLoader of ``minigrad.utils.data`` are re-exported here too."""
from ..utils.data import *  # noqa: F401,F403
from .dataset import SegmentationDataset  # noqa: F401
from .synthetic import SyntheticShapes, SHAPE_KINDS  # noqa: F401
from . import transforms  # noqa: F401
from .folder import SegmentationFolder, parse_palette  # noqa: F401
