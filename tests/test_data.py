"""minigrad.data: DataLoader (batching, shuffling, saved state, prefetch), transforms, synthetic and folder datasets."""
import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import minigrad
from minigrad.data import (DataLoader, Dataset, SegmentationDataset, SegmentationFolder, SyntheticShapes,
                           default_collate, parse_palette, random_split)
from minigrad.data import transforms as T


class Numbers(Dataset):
    """Sample i: an image filled with i and a mask filled with i."""

    def __init__(self, n, fail_at=None):
        self.n, self.fail_at = n, fail_at

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i == self.fail_at:
            raise RuntimeError(f"broken sample {i}")
        return np.full((3, 2, 2), i, dtype=np.float64), np.full((2, 2), i, dtype=np.int32)


def first_ids(loader):
    return [int(images.numpy()[0, 0, 0, 0]) for images, _ in loader]


def all_ids(loader):
    return [images.numpy()[:, 0, 0, 0].astype(int).tolist() for images, _ in loader]


def test_collate_stacks_and_keeps_dtypes_as_torch():
    samples = [Numbers(3)[i] for i in range(3)]
    images, masks = default_collate(samples)
    theirs = torch.utils.data.default_collate(samples)
    assert isinstance(images, minigrad.Tensor) and isinstance(masks, minigrad.Tensor)
    assert tuple(images.shape) == (3, 3, 2, 2) and str(images.dtype) == str(theirs[0].dtype).split(".")[1]
    assert tuple(masks.shape) == (3, 2, 2) and str(masks.dtype) == str(theirs[1].dtype).split(".")[1]
    np.testing.assert_array_equal(masks.numpy()[:, 0, 0], [0, 1, 2])
    with pytest.raises(RuntimeError, match="equal shapes"):
        default_collate([np.zeros(2), np.zeros(3)])


def test_batches_and_drop_last():
    assert all_ids(DataLoader(Numbers(7), batch_size=3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert all_ids(DataLoader(Numbers(7), batch_size=3, drop_last=True)) == [[0, 1, 2], [3, 4, 5]]
    assert len(DataLoader(Numbers(7), batch_size=3)) == 3 and len(DataLoader(Numbers(7), 3, drop_last=True)) == 2
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(Numbers(3), batch_size=0)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(Numbers(3), num_workers=-1)


def test_shuffle_is_seeded_and_changes_every_epoch():
    a, b = DataLoader(Numbers(10), 10, shuffle=True, seed=3), DataLoader(Numbers(10), 10, shuffle=True, seed=3)
    first, second = all_ids(a), all_ids(a)
    assert first == all_ids(b) and second == all_ids(b)
    assert first != second and sorted(first[0]) == list(range(10))
    assert all_ids(DataLoader(Numbers(10), 10, shuffle=True, seed=4)) != first
    generator = minigrad.Generator().manual_seed(3)
    assert all_ids(DataLoader(Numbers(10), 10, shuffle=True, generator=generator)) == first


@pytest.mark.parametrize("workers", [0, 1])
def test_state_dict_resumes_exactly_mid_epoch(workers):
    reference = DataLoader(Numbers(12), 2, shuffle=True, seed=0, num_workers=workers)
    all_ids(reference)
    expected = all_ids(reference) + all_ids(reference)  # epochs 2 and 3
    loader = DataLoader(Numbers(12), 2, shuffle=True, seed=0, num_workers=workers)
    all_ids(loader)
    got = []
    for images, _ in loader:
        got.append(images.numpy()[:, 0, 0, 0].astype(int).tolist())
        if len(got) == 2:
            break
    state = loader.state_dict()
    assert state["batches_done"] == 2 and state["epoch"] == 1
    fresh = DataLoader(Numbers(12), 2, shuffle=True, seed=99, num_workers=workers)
    fresh.load_state_dict(state)
    got += all_ids(fresh) + all_ids(fresh)
    assert got == expected
    assert fresh.state_dict()["epoch"] == 3 and fresh.state_dict()["batches_done"] == 0


def test_prefetch_gives_the_same_batches_and_forwards_errors():
    plain = all_ids(DataLoader(Numbers(9), 2, shuffle=True, seed=1))
    assert all_ids(DataLoader(Numbers(9), 2, shuffle=True, seed=1, num_workers=1, prefetch_factor=1)) == plain
    with pytest.raises(RuntimeError, match="broken sample 5"):
        all_ids(DataLoader(Numbers(9, fail_at=5), 2, num_workers=1))
    loader = DataLoader(Numbers(50), 1, num_workers=1)
    for _ in loader:  # leaving early must stop the worker process, not hang
        break
    assert all_ids(loader)[:3] == [[0], [1], [2]]


def test_random_split_is_disjoint_and_seeded():
    train, val = random_split(Numbers(10), [0.8, 0.2], generator=minigrad.Generator().manual_seed(1))
    assert len(train) == 8 and len(val) == 2
    assert sorted(train.indices + val.indices) == list(range(10))
    assert random_split(Numbers(10), [8, 2], generator=minigrad.Generator().manual_seed(1))[1].indices == val.indices
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(Numbers(10), [3, 3])


def encode(image):
    """A mask computed from the image's pixels, so any misalignment after a transform shows."""
    return (image[0] * 7).astype(np.int64) % 5


class Encoded(SegmentationDataset):
    def __init__(self, n, h, w, transform):
        super().__init__(transform=transform, seed=3)
        self.n, self.h, self.w = n, h, w

    def __len__(self):
        return self.n

    def load(self, i):
        image = np.random.default_rng(i).random((3, self.h, self.w)).astype(np.float32)
        return image, encode(image)


@pytest.mark.parametrize("transform", [
    T.RandomHorizontalFlip(), T.RandomVerticalFlip(), T.RandomRotation90(), T.RandomCrop(5), T.RandomCrop((4, 7)),
    T.CenterCrop((5, 3)), T.Compose([T.RandomRotation90(), T.RandomHorizontalFlip(), T.RandomVerticalFlip(),
                                     T.RandomCrop(6)])], ids=repr)
@pytest.mark.parametrize("size", [(8, 8), (8, 9)])
def test_masks_stay_aligned_with_images(transform, size):
    data = Encoded(12, *size, transform)
    outcomes = set()
    for epoch in range(3):
        data.set_epoch(epoch)
        for i in range(len(data)):
            image, mask = data[i]
            assert image.dtype == np.float32 and mask.dtype == np.int64
            np.testing.assert_array_equal(mask, encode(image))
            outcomes.add(image.tobytes())
    if not isinstance(transform, T.CenterCrop):  # random transforms did change samples between epochs
        assert len(outcomes) > len(data)


def test_rotation_keeps_non_square_shapes():
    data = Encoded(8, 6, 9, T.RandomRotation90())
    assert {data[i][0].shape for i in range(8)} == {(3, 6, 9)}


def test_augmentation_is_reproducible_per_epoch_and_index():
    data = Encoded(4, 8, 8, T.Compose([T.RandomRotation90(), T.RandomCrop(5)]))
    data.set_epoch(2)
    again = Encoded(4, 8, 8, T.Compose([T.RandomRotation90(), T.RandomCrop(5)]))
    again.set_epoch(2)
    for i in (3, 0, 2, 1):  # order does not matter
        np.testing.assert_array_equal(data[i][0], again[i][0])


def test_normalize_changes_image_only():
    image, mask = Encoded(1, 4, 4, None)[0]
    out, out_mask = T.Normalize([0.5, 0.4, 0.3], [0.2, 0.25, 0.5])(image, mask, None)
    np.testing.assert_allclose(out[1], (image[1] - 0.4) / 0.25, rtol=1e-6)
    assert out.dtype == np.float32 and out_mask is mask
    with pytest.raises(ValueError, match="std"):
        T.Normalize([0.5], [0.0])


def test_resize_matches_torch_and_keeps_alignment():
    rng = np.random.default_rng(0)
    image = rng.random((3, 10, 14)).astype(np.float32)
    mask = rng.integers(0, 4, (10, 14))
    out, out_mask = T.Resize((7, 20))(image, mask)
    expected = TF.interpolate(torch.tensor(image[None]), size=(7, 20), mode="bilinear", align_corners=False)[0]
    np.testing.assert_allclose(out, expected.numpy(), atol=1e-6)
    nearest = TF.interpolate(torch.tensor(mask[None, None], dtype=torch.float32), size=(7, 20), mode="nearest-exact")
    np.testing.assert_array_equal(out_mask, nearest[0, 0].numpy().astype(np.int64))
    # Halving an image of 2×2 constant blocks samples inside the blocks: image and mask agree exactly.
    blocks = np.kron(rng.random((3, 4, 5)), np.ones((2, 2))).astype(np.float32)
    small, small_mask = T.Resize((4, 5))(blocks, encode(blocks))
    np.testing.assert_array_equal(small_mask, encode(small))


def test_synthetic_shapes_are_deterministic_and_labelled_by_kind():
    data = SyntheticShapes(24, image_size=32, num_classes=6, seed=7)
    image, mask = data[5]
    assert image.shape == (3, 32, 32) and image.dtype == np.float32 and mask.dtype == np.int64
    assert 0.0 <= image.min() and image.max() <= 1.0
    np.testing.assert_array_equal(SyntheticShapes(24, 32, 6, seed=7)[5][0], image)
    assert not np.array_equal(SyntheticShapes(24, 32, 6, seed=8)[5][0], image)
    masks = np.stack([data[i][1] for i in range(len(data))])
    images = np.stack([data[i][0] for i in range(len(data))])
    assert set(np.unique(masks)) == set(range(6))
    for c in range(1, 6):  # shapes of every class come in many colours: colour does not give the class away
        colours = images.transpose(0, 2, 3, 1)[masks == c]
        assert colours.std(axis=0).mean() > 0.15, c
    assert data.class_names == ("background", "disc", "rectangle", "triangle", "ring", "cross")
    with pytest.raises(ValueError, match="num_classes"):
        SyntheticShapes(4, num_classes=1)
    assert SyntheticShapes(4, 16, num_classes=9)[0][1].max() <= 8


def write_folder(root, n=6, colour_masks=False):
    from PIL import Image
    (root / "images").mkdir(parents=True)
    (root / "masks").mkdir()
    palette = [(0, 0, 0), (255, 0, 0), (0, 0, 255)]
    rng = np.random.default_rng(0)
    for i in range(n):
        ids = rng.integers(0, 3, (6, 10)).astype(np.uint8)
        image = (rng.random((6, 10, 3)) * 255).astype(np.uint8)
        if i % 2:
            Image.fromarray(image).save(root / "images" / f"s{i}.jpg", quality=95)
        else:
            Image.fromarray(image).save(root / "images" / f"s{i}.png")
        if colour_masks:
            Image.fromarray(np.asarray(palette, np.uint8)[ids]).save(root / "masks" / f"s{i}.png")
        elif i % 2:
            pal = Image.frombytes("P", (10, 6), ids.tobytes())
            pal.putpalette([v for c in palette for v in c])
            pal.save(root / "masks" / f"s{i}.png")
        else:
            Image.fromarray(ids).save(root / "masks" / f"s{i}.png")
    return palette


def expected_ids(i):
    rng = np.random.default_rng(0)
    for _ in range(i):
        rng.integers(0, 3, (6, 10))
        rng.random((6, 10, 3))
    return rng.integers(0, 3, (6, 10))


def test_folder_dataset_reads_ids_and_palette_masks(tmp_path):
    write_folder(tmp_path)
    data = SegmentationFolder(tmp_path, split="all", num_classes=3)
    assert data.stems == [f"s{i}" for i in range(6)]
    for i in range(6):
        image, mask = data[i]
        assert image.shape == (3, 6, 10) and image.dtype == np.float32 and 0 <= image.min() <= image.max() <= 1
        np.testing.assert_array_equal(mask, expected_ids(i))
    images, masks = next(iter(DataLoader(data, batch_size=4)))
    assert tuple(images.shape) == (4, 3, 6, 10) and tuple(masks.shape) == (4, 6, 10)
    assert SegmentationFolder(tmp_path, channels=1)[0][0].shape == (1, 6, 10)


def test_folder_dataset_colour_masks_need_a_palette(tmp_path):
    palette = write_folder(tmp_path, colour_masks=True)
    with pytest.raises(ValueError, match="colour mask; give a palette"):
        SegmentationFolder(tmp_path)[0]
    data = SegmentationFolder(tmp_path, palette=parse_palette("0,0,0 255,0,0;0,0,255"))
    np.testing.assert_array_equal(data[3][1], expected_ids(3))
    with pytest.raises(ValueError, match=r"colours not in the palette: \[\(0, 0, 255\)\]"):
        SegmentationFolder(tmp_path, palette=palette[:2])[0]


def test_folder_split_and_errors(tmp_path):
    write_folder(tmp_path / "a", n=10)
    train = SegmentationFolder(tmp_path / "a", split="train", val_fraction=0.3, split_seed=1)
    val = SegmentationFolder(tmp_path / "a", split="val", val_fraction=0.3, split_seed=1)
    assert len(train) == 7 and len(val) == 3 and not set(train.stems) & set(val.stems)
    assert SegmentationFolder(tmp_path / "a", split="val", val_fraction=0.3, split_seed=1).stems == val.stems
    assert SegmentationFolder(tmp_path / "a", split="val", val_fraction=0.3, split_seed=2).stems != val.stems
    with pytest.raises(ValueError, match="only 2 classes"):
        [SegmentationFolder(tmp_path / "a", num_classes=2)[i] for i in range(10)]
    write_folder(tmp_path / "b", n=3)
    (tmp_path / "b" / "masks" / "s1.png").unlink()
    with pytest.raises(ValueError, match="image but no mask or a mask but no image: s1"):
        SegmentationFolder(tmp_path / "b")
    with pytest.raises(FileNotFoundError, match="folder not found: .*expected the layout"):
        SegmentationFolder(tmp_path / "missing")
