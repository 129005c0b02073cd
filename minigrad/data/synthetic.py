"""``SyntheticShapes``: a segmentation dataset drawn procedurally, no download.

Each image holds a few overlapping shapes (discs, rectangles, triangles, rings, crosses...) in
random colours, sizes and orientations over a textured, noisy background; the mask gives each
pixel the class of the shape on top (0 = background). The class is the kind of shape, never its
colour, so a network must learn geometry. Image ``i`` of a dataset is drawn from its own
generator seeded with ``(seed, i)``: the same seed gives the same images, in any order.
"""
import numpy as np

from .dataset import SegmentationDataset

__all__ = ["SyntheticShapes", "SHAPE_KINDS"]

SHAPE_KINDS = ("disc", "rectangle", "triangle", "ring", "cross", "star", "crescent", "hexagon")


def _polygon(u, v, radius, sides):
    """Regular polygon of circumradius ``radius``: inside every edge's half-plane."""
    inside = np.ones(u.shape, dtype=bool)
    apothem = radius * np.cos(np.pi / sides)
    for k in range(sides):
        angle = 2 * np.pi * k / sides
        inside &= u * np.cos(angle) + v * np.sin(angle) <= apothem
    return inside


def _star(u, v, radius):
    """Five-pointed star: the radius limit swings between outer and inner points with the angle."""
    angle = np.mod(np.arctan2(v, u), 2 * np.pi / 5) - np.pi / 5
    limit = radius * (0.45 + 0.55 * np.abs(angle) / (np.pi / 5))
    return np.hypot(u, v) <= limit


def _shape_mask(kind, u, v, radius, aspect):
    """Pixels covered by a shape of this kind, in its own (rotated) coordinates u, v."""
    if kind == "disc":
        return u * u + v * v <= radius * radius
    if kind == "rectangle":
        return (np.abs(u) <= radius) & (np.abs(v) <= radius * aspect)
    if kind == "triangle":  # a larger circumradius, so a triangle covers about as many pixels as the others
        return _polygon(u, v, 1.35 * radius, 3)
    if kind == "ring":
        d2 = u * u + v * v
        return (d2 <= radius * radius) & (d2 >= (0.55 * radius) ** 2)
    if kind == "cross":
        arm = 0.32 * radius
        return ((np.abs(u) <= radius) & (np.abs(v) <= arm)) | ((np.abs(u) <= arm) & (np.abs(v) <= radius))
    if kind == "star":
        return _star(u, v, radius)
    if kind == "crescent":
        shifted = (u - 0.45 * radius) ** 2 + v * v
        return (u * u + v * v <= radius * radius) & (shifted > (0.8 * radius) ** 2)
    if kind == "hexagon":
        return _polygon(u, v, radius, 6)
    raise ValueError(f"unknown shape kind {kind!r}")


def _background(rng, size):
    """Smooth colour gradients plus a faint oriented stripe texture."""
    coarse = rng.uniform(0.0, 1.0, size=(3, 4, 4)).astype(np.float32)
    t = np.linspace(0.0, 3.0, size, dtype=np.float32)
    i0 = np.minimum(t.astype(np.int64), 2)
    w = t - i0
    rows = coarse[:, i0] * (1 - w)[None, :, None] + coarse[:, i0 + 1] * w[None, :, None]
    field = rows[:, :, i0] * (1 - w)[None, None, :] + rows[:, :, i0 + 1] * w[None, None, :]
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    angle, period = rng.uniform(0, np.pi), rng.uniform(3.0, 9.0)
    stripes = np.sin(2 * np.pi * (xx * np.cos(angle) + yy * np.sin(angle)) / period)
    contrast = rng.uniform(0.0, 0.15, size=(3, 1, 1)).astype(np.float32)
    return 0.25 + 0.5 * field + contrast * stripes[None]


def draw_shapes(rng, size, kinds, max_shapes=5):
    """One image (float32 3×size×size in [0, 1]) and its mask (int64 size×size)."""
    image = _background(rng, size)
    mask = np.zeros((size, size), dtype=np.int64)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    for _ in range(int(rng.integers(2, max_shapes + 1))):
        label = int(rng.integers(len(kinds)))
        radius = rng.uniform(0.09, 0.22) * size
        cy, cx = rng.uniform(0.1 * size, 0.9 * size, size=2)
        theta = rng.uniform(0, 2 * np.pi)
        u = (xx - cx) * np.cos(theta) + (yy - cy) * np.sin(theta)
        v = -(xx - cx) * np.sin(theta) + (yy - cy) * np.cos(theta)
        covered = _shape_mask(kinds[label], u, v, radius, rng.uniform(0.45, 0.9))
        if not covered.any():
            continue
        # A colour that stands out from what lies beneath it, with a shading ramp across the shape.
        under = image[:, covered].mean(axis=1)
        colour = rng.uniform(0.0, 1.0, size=3)
        for _ in range(10):
            if np.abs(colour - under).sum() >= 0.45:
                break
            colour = rng.uniform(0.0, 1.0, size=3)
        shade = 1.0 + 0.25 * (u / radius) * rng.uniform(-1, 1)
        image[:, covered] = (colour[:, None] * shade[covered][None]).astype(np.float32)
        mask[covered] = label + 1
    image += rng.normal(0.0, 0.05, size=image.shape).astype(np.float32)
    return np.clip(image, 0.0, 1.0).astype(np.float32), mask


class SyntheticShapes(SegmentationDataset):
    """``num_images`` procedurally drawn RGB images of ``image_size``² pixels with per-pixel masks of
    ``num_classes`` classes (background + ``num_classes - 1`` kinds of shapes, up to
    ``1 + len(SHAPE_KINDS)``; default 6, as the tutorial's ``class_num = 6``). Generated on the
    fly, deterministic per ``seed``; ``transform(image, mask, rng)`` augments them."""

    def __init__(self, num_images=512, image_size=64, num_classes=6, seed=0, transform=None, max_shapes=5):
        super().__init__(transform=transform, seed=seed)
        if not 2 <= num_classes <= 1 + len(SHAPE_KINDS):
            raise ValueError(f"SyntheticShapes: num_classes must be between 2 and {1 + len(SHAPE_KINDS)} "
                             f"(background + kinds of shapes {SHAPE_KINDS}), got {num_classes}")
        if image_size < 8:
            raise ValueError(f"SyntheticShapes: image_size must be at least 8, got {image_size}")
        self.num_images = int(num_images)
        self.image_size = int(image_size)
        self.num_classes = int(num_classes)
        self.max_shapes = int(max_shapes)
        self.kinds = SHAPE_KINDS[:num_classes - 1]
        self.class_names = ("background",) + self.kinds

    def __len__(self):
        return self.num_images

    def load(self, index):
        rng = np.random.default_rng((self.seed, index))
        return draw_shapes(rng, self.image_size, self.kinds, self.max_shapes)
