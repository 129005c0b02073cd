"""``minigrad.data``: datasets, the DataLoader and segmentation transforms, as ``torch.utils.data``."""
from .dataset import Dataset, Subset, random_split, SegmentationDataset  # noqa: F401
from .dataloader import DataLoader, default_collate  # noqa: F401
from .synthetic import SyntheticShapes, SHAPE_KINDS  # noqa: F401
from . import transforms  # noqa: F401
from .folder import SegmentationFolder, parse_palette  # noqa: F401
