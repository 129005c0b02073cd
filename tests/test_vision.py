"""minigrad.vision's transforms, datasets and utils: torchvision's formulas computed by PyTorch (or PIL, for PIL
images) on the same values. (torchvision itself needs a CUDA build of torch to import, so its formulas are
written out here with torch's ops.)"""
import gzip
import hashlib
import pickle

import numpy as np
import pytest
import torch
from PIL import Image

import minigrad
import minigrad.vision.transforms.functional as TF
from minigrad.utils.data import DataLoader
from minigrad.vision import datasets, transforms, utils

RNG = np.random.default_rng(0)
RGB = Image.fromarray(RNG.integers(0, 256, (23, 31, 3), dtype=np.uint8))
GRAY = Image.fromarray(RNG.integers(0, 256, (17, 12), dtype=np.uint8))


def torch_to_tensor(array):
    """torchvision's to_tensor of HWC bytes: permute to CHW, to float, divide by 255."""
    return torch.from_numpy(array).permute(2, 0, 1).contiguous().to(torch.float32).div(255).numpy()


@pytest.mark.parametrize("image", [RGB, GRAY, RGB.convert("RGBA"), GRAY.convert("1")])
def test_to_tensor_of_pil_images_is_torchvisions(image):
    ours = TF.to_tensor(image)
    values = np.array(image, np.uint8).reshape(image.height, image.width, -1) * (255 if image.mode == "1" else 1)
    assert ours.dtype == minigrad.float32 and tuple(ours.shape) == (len(image.getbands()), image.height, image.width)
    np.testing.assert_array_equal(ours.numpy(), torch_to_tensor(values.astype(np.uint8)))


def test_to_tensor_of_arrays_and_of_non_byte_images():
    hwc = RNG.integers(0, 256, (5, 4, 3), dtype=np.uint8)
    np.testing.assert_array_equal(TF.to_tensor(hwc).numpy(), torch_to_tensor(hwc))
    floats = RNG.random((5, 4)).astype(np.float64)  # not bytes: kept as they are, a channel added
    assert TF.to_tensor(floats).dtype == minigrad.float64 and TF.to_tensor(floats).numpy().tolist() == [floats.tolist()]
    ints = Image.fromarray(RNG.integers(-5, 70000, (3, 4)).astype(np.int32))  # mode I
    assert TF.to_tensor(ints).dtype == minigrad.int32
    np.testing.assert_array_equal(TF.pil_to_tensor(RGB).numpy(), np.array(RGB).transpose(2, 0, 1))
    with pytest.raises(TypeError):
        TF.to_tensor([1, 2, 3])


def test_to_pil_image_multiplies_by_255_and_truncates_as_torch():
    values = RNG.random((3, 6, 5)).astype(np.float32)
    image = TF.to_pil_image(minigrad.tensor(values))
    assert image.mode == "RGB" and image.size == (5, 6)
    expected = torch.tensor(values).mul(255).byte().permute(1, 2, 0).numpy()
    np.testing.assert_array_equal(np.array(image), expected)
    assert TF.to_pil_image(minigrad.tensor(values[:1])).mode == "L"
    assert TF.to_pil_image(TF.to_tensor(RGB)).size == RGB.size


def test_normalize_is_torchvisions_formula_and_errors():
    x = RNG.random((2, 3, 4, 5)).astype(np.float32)
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    expected = torch.tensor(x).sub(torch.tensor(mean)[:, None, None]).div(torch.tensor(std)[:, None, None]).numpy()
    np.testing.assert_array_equal(TF.normalize(minigrad.tensor(x), mean, std).numpy(), expected)
    t = minigrad.tensor(x[0])
    assert transforms.Normalize(mean, std, inplace=True)(t) is t
    np.testing.assert_array_equal(t.numpy(), expected[0])
    with pytest.raises(TypeError, match="Input tensor should be a float tensor"):
        TF.normalize(minigrad.ones(3, 2, 2, dtype=minigrad.uint8), mean, std)
    with pytest.raises(ValueError, match="std evaluated to zero"):
        TF.normalize(minigrad.ones(3, 2, 2), mean, [1.0, 0.0, 1.0])


@pytest.mark.parametrize("size,expected", [(10, (10, 13)), ([12], (12, 16)), ((7, 9), (7, 9))])
def test_resize_of_pil_images_is_pils_with_torchvisions_sizes(size, expected):
    ours = TF.resize(RGB, size)  # RGB is 31 wide, 23 high: an int sets the shorter edge
    assert (ours.height, ours.width) == expected
    np.testing.assert_array_equal(np.array(ours), np.array(RGB.resize(expected[::-1], Image.BILINEAR)))
    assert TF.resize(RGB, 10, max_size=12).size == (12, 9)  # the longer edge capped: 12, the shorter int(12*10/13)
    nearest = transforms.Resize(size, interpolation=TF.InterpolationMode.NEAREST)(RGB)
    np.testing.assert_array_equal(np.array(nearest), np.array(RGB.resize(expected[::-1], Image.NEAREST)))


@pytest.mark.parametrize("shape,size", [((3, 37, 53), (20, 30)), ((3, 20, 30), (45, 61)), ((2, 1, 64, 64), (32, 32))])
def test_resize_of_tensors_is_torchvisions_antialiased_interpolation(shape, size):
    """torchvision resizes a tensor by PyTorch's antialiased interpolate; minigrad by its own (the same weights,
    summed as matrix products: float32 rounding apart), differentiable; a uint8 image rounds back."""
    x = RNG.random(shape).astype(np.float32)
    image = minigrad.tensor(x, requires_grad=True)
    ours = TF.resize(image, list(size))
    batch = torch.tensor(x).reshape(-1, *shape[-3:])
    for mode in ("bilinear", "bicubic"):
        theirs = torch.nn.functional.interpolate(batch, size=size, mode=mode, align_corners=False, antialias=True)
        got = TF.resize(minigrad.tensor(x), list(size), interpolation=TF.InterpolationMode(mode))
        np.testing.assert_allclose(got.numpy(), theirs.reshape(*shape[:-2], *size).numpy(), rtol=0, atol=1e-6)
    assert ours.dtype == minigrad.float32
    ours.sum().backward()
    assert image.grad is not None and tuple(image.grad.shape) == shape
    pixels = (x * 255).astype(np.uint8)
    expected = torch.nn.functional.interpolate(torch.tensor(pixels).reshape(-1, *shape[-3:]).float(), size=size,
                                               mode="bicubic", antialias=True).clamp(0, 255).round().to(torch.uint8)
    got = TF.resize(minigrad.tensor(pixels), list(size), interpolation=TF.InterpolationMode.BICUBIC)
    assert got.dtype == minigrad.uint8
    assert np.abs(got.numpy().astype(int) - expected.reshape(*shape[:-2], *size).numpy().astype(int)).max() <= 1


def test_crops_flips_and_padding_on_tensors_and_pil_images_agree():
    tensor = TF.to_tensor(RGB)
    values = tensor.numpy()
    for pil_result, tensor_result in [
            (TF.crop(RGB, 2, 3, 10, 7), TF.crop(tensor, 2, 3, 10, 7)),
            (TF.center_crop(RGB, 11), TF.center_crop(tensor, 11)),
            (TF.center_crop(RGB, (30, 40)), TF.center_crop(tensor, (30, 40))),  # larger: padded with zeros
            (TF.hflip(RGB), TF.hflip(tensor)), (TF.vflip(RGB), TF.vflip(tensor)),
            (TF.pad(RGB, 3), TF.pad(tensor, 3)), (TF.pad(RGB, (1, 2, 3, 4), fill=0), TF.pad(tensor, (1, 2, 3, 4))),
            (TF.pad(RGB, 2, padding_mode="reflect"), TF.pad(tensor, 2, padding_mode="reflect")),
            (TF.pad(RGB, 2, padding_mode="symmetric"), TF.pad(tensor, 2, padding_mode="symmetric"))]:
        np.testing.assert_array_equal(TF.to_tensor(pil_result).numpy(), tensor_result.numpy())
    np.testing.assert_array_equal(TF.hflip(tensor).numpy(), torch.flip(torch.tensor(values), [-1]).numpy())
    np.testing.assert_array_equal(TF.vflip(tensor).numpy(), torch.flip(torch.tensor(values), [-2]).numpy())
    reflect = torch.nn.functional.pad(torch.tensor(values)[None], (2, 2, 2, 2), mode="reflect")[0].numpy()
    np.testing.assert_array_equal(TF.pad(tensor, 2, padding_mode="reflect").numpy(), reflect)
    edge = torch.nn.functional.pad(torch.tensor(values)[None], (1, 2, 3, 4), mode="replicate")[0].numpy()
    np.testing.assert_array_equal(TF.pad(tensor, (1, 3, 2, 4), padding_mode="edge").numpy(), edge)
    assert TF.crop(tensor, -2, -2, 5, 5).numpy()[:, :2].sum() == 0  # outside the image: zeros


def test_grayscale_is_itu_601_luma():
    tensor = TF.to_tensor(RGB)
    r, g, b = torch.tensor(tensor.numpy()).unbind(0)
    expected = (0.2989 * r + 0.587 * g + 0.114 * b).unsqueeze(0).numpy()
    np.testing.assert_array_equal(TF.rgb_to_grayscale(tensor).numpy(), expected)
    assert tuple(transforms.Grayscale(3)(tensor).shape) == (3, 23, 31)
    assert transforms.Grayscale()(RGB).mode == "L"
    np.testing.assert_array_equal(np.array(transforms.Grayscale()(RGB)), np.array(RGB.convert("L")))


def test_random_transforms_follow_minigrads_generator():
    pipeline = transforms.Compose([transforms.RandomCrop(16, padding=4), transforms.RandomHorizontalFlip(),
                                   transforms.ToTensor()])
    minigrad.manual_seed(3)
    first = [pipeline(RGB) for _ in range(4)]
    minigrad.manual_seed(3)
    again = [pipeline(RGB) for _ in range(4)]
    assert all(tuple(a.shape) == (3, 16, 16) and np.array_equal(a.numpy(), b.numpy()) for a, b in zip(first, again))
    assert len({a.numpy().tobytes() for a in first}) > 1
    padded = TF.to_tensor(TF.pad(RGB, 4)).numpy()
    windows = {padded[:, i:i + 16, j:j + 16].tobytes() for i in range(padded.shape[1] - 15)
               for j in range(padded.shape[2] - 15)}
    for a in first:  # each crop is a window of the padded image, mirrored or not
        assert a.numpy().tobytes() in windows or a.numpy()[:, :, ::-1].copy().tobytes() in windows
    np.testing.assert_array_equal(np.array(transforms.RandomHorizontalFlip(p=1.0)(RGB)), np.array(TF.hflip(RGB)))
    assert transforms.RandomVerticalFlip(p=0.0)(RGB) is RGB
    assert transforms.RandomApply([transforms.Lambda(lambda x: None)], p=0.0)(RGB) is RGB
    with pytest.raises(ValueError, match="larger than input image size"):
        transforms.RandomCrop(64)(RGB)
    assert transforms.RandomCrop(64, pad_if_needed=True)(RGB).size == (64, 64)


def test_random_resized_crop_sizes_and_its_fallback():
    minigrad.manual_seed(0)
    for _ in range(5):
        top, left, h, w = transforms.RandomResizedCrop.get_params(RGB, (0.08, 1.0), (3 / 4, 4 / 3))
        assert 0 <= top <= 23 - h and 0 <= left <= 31 - w and 0 < h <= 23 and 0 < w <= 31
    # no region of 2-3x the image's area fits: the central crop of the ratio nearest the image's
    assert transforms.RandomResizedCrop.get_params(RGB, (2.0, 3.0), (1.0, 1.0)) == (0, 4, 23, 23)
    assert transforms.RandomResizedCrop(8)(RGB).size == (8, 8)
    assert tuple(transforms.RandomResizedCrop((6, 9))(TF.to_tensor(RGB)).shape) == (3, 6, 9)


def _idx(array, code=8):
    header = bytes([0, 0, code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _write_mnist(root, name="MNIST", count=6, gz=False, learnable=False):
    """IDX files of ``count`` made-up digits (``learnable``: each image's brightness tells its label)."""
    raw = root / name / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    images = RNG.integers(0, 256, (count, 28, 28), dtype=np.uint8)
    labels = RNG.integers(0, 10, count).astype(np.uint8)
    if learnable:
        images = (labels[:, None, None] * 25 + images // 16).astype(np.uint8)
    for prefix in ("train", "t10k"):
        for kind, data in (("images-idx3", images), ("labels-idx1", labels)):
            content = _idx(data)
            path = raw / f"{prefix}-{kind}-ubyte"
            path.write_bytes(content)
            if gz:
                (root / f"{prefix}-{kind}-ubyte.gz").write_bytes(gzip.compress(content))
    return images, labels


def test_mnist_reads_the_idx_files_as_torchvision(tmp_path):
    images, labels = _write_mnist(tmp_path)
    data = datasets.MNIST(tmp_path, train=True, download=True)  # the files are there: nothing to download
    assert len(data) == 6 and data.data.dtype == minigrad.uint8 and data.targets.dtype == minigrad.int64
    image, target = data[2]
    assert isinstance(image, Image.Image) and image.mode == "L" and target == int(labels[2]) and type(target) is int
    np.testing.assert_array_equal(np.array(image), images[2])
    assert data.class_to_idx["3 - three"] == 3 and "Split: Train" in repr(data)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    loader = DataLoader(datasets.MNIST(tmp_path, train=False, transform=transform), batch_size=4)
    x, y = next(iter(loader))
    assert tuple(x.shape) == (4, 1, 28, 28) and x.dtype == minigrad.float32 and y.tolist() == labels[:4].tolist()
    expected = (torch.tensor(images[:4], dtype=torch.float32).div(255)[:, None] - 0.1307) / 0.3081
    np.testing.assert_allclose(x.numpy(), expected.numpy(), rtol=1e-6, atol=1e-6)
    with pytest.raises(RuntimeError, match="Dataset not found"):
        datasets.FashionMNIST(tmp_path)


def test_mnist_downloads_checks_the_md5_and_refuses_a_bad_file(tmp_path):
    source = tmp_path / "mirror"
    _write_mnist(source, gz=True)
    files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
             "t10k-labels-idx1-ubyte.gz"]

    class Local(datasets.MNIST):
        mirrors = [source.as_uri() + "/"]
        resources = [(name, hashlib.md5((source / name).read_bytes()).hexdigest()) for name in files]

    data = Local(tmp_path / "data", download=True)
    assert len(data) == 6 and (tmp_path / "data" / "Local" / "raw" / "train-images-idx3-ubyte").exists()

    class Tampered(Local):
        resources = [(name, "0" * 32) for name in files]

    with pytest.raises(RuntimeError, match="MD5"):
        Tampered(tmp_path / "other", download=True)
    bad = tmp_path / "bad" / "MNIST" / "raw"
    _write_mnist(tmp_path / "bad")
    (bad / "train-images-idx3-ubyte").write_bytes(_idx(np.zeros((2, 3, 3), np.uint8))[:-1])  # one byte short
    with pytest.raises(RuntimeError, match="header says"):
        datasets.MNIST(tmp_path / "bad")


def _write_cifar(root, count=5):
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    data = RNG.integers(0, 256, (count, 3072), dtype=np.uint8)
    labels = RNG.integers(0, 10, count).tolist()
    for i in range(1, 6):
        (folder / f"data_batch_{i}").write_bytes(pickle.dumps({"data": data, "labels": labels}, protocol=2))
    (folder / "test_batch").write_bytes(pickle.dumps({"data": data[:2], "labels": labels[:2]}, protocol=2))
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    (folder / "batches.meta").write_bytes(pickle.dumps({"label_names": names}, protocol=2))
    return data, labels


def test_cifar10_reads_its_batches_and_refuses_code_in_them(tmp_path):
    data, labels = _write_cifar(tmp_path)
    train = datasets.CIFAR10(tmp_path, train=True, transform=transforms.ToTensor())
    assert len(train) == 25 and train.classes[3] == "cat" and train.targets[:5] == labels
    image, target = train[1]
    np.testing.assert_array_equal(image.numpy(), data[1].reshape(3, 32, 32).astype(np.float32) / 255)
    assert target == labels[1] and len(datasets.CIFAR10(tmp_path, train=False)) == 2

    class Evil:
        def __reduce__(self):
            return (print, ("this ran",))

    (tmp_path / "cifar-10-batches-py" / "test_batch").write_bytes(pickle.dumps({"data": Evil()}, protocol=2))
    with pytest.raises(pickle.UnpicklingError, match="not __builtin__.print"):
        datasets.CIFAR10(tmp_path, train=False)


def test_image_folder_finds_classes_and_samples_in_sorted_order(tmp_path):
    for name, color in [("dog/b.png", (0, 255, 0)), ("cat/z.jpg", (0, 0, 255)), ("cat/a.png", (255, 0, 0)),
                        ("cat/sub/c.bmp", (9, 9, 9))]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("L" if name.endswith("bmp") else "RGB", (4, 3), color[0]).save(tmp_path / name)
    (tmp_path / "cat" / "notes.txt").write_text("not an image")
    folder = datasets.ImageFolder(tmp_path, transform=transforms.ToTensor())
    assert folder.classes == ["cat", "dog"] and folder.class_to_idx == {"cat": 0, "dog": 1}
    assert [p.split("/")[-1] for p, _ in folder.samples] == ["a.png", "z.jpg", "c.bmp", "b.png"]
    assert folder.targets == [0, 0, 0, 1] and folder.imgs == folder.samples
    image, target = folder[2]
    assert tuple(image.shape) == (3, 3, 4) and target == 0  # greyscale files are opened as RGB
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(tmp_path)
    assert len(datasets.ImageFolder(tmp_path, allow_empty=True)) == 4


def test_fake_data_is_fixed_per_index_and_leaves_the_generator_alone():
    fake = datasets.FakeData(size=3, image_size=(3, 8, 6), num_classes=4, transform=transforms.PILToTensor())
    minigrad.manual_seed(7)
    before = minigrad.rand(1).item()
    minigrad.manual_seed(7)
    first = fake[1]
    assert minigrad.rand(1).item() == before
    assert np.array_equal(first[0].numpy(), fake[1][0].numpy()) and first[1] == fake[1][1] and 0 <= first[1] < 4
    assert tuple(first[0].shape) == (3, 8, 6) and not np.array_equal(first[0].numpy(), fake[2][0].numpy())
    with pytest.raises(IndexError):
        fake[3]


def test_make_grid_and_save_image_as_torchvision(tmp_path):
    batch = minigrad.tensor(RNG.random((5, 1, 4, 3)).astype(np.float32))
    grid = utils.make_grid(batch, nrow=2, padding=1, pad_value=0.5)
    assert tuple(grid.shape) == (3, 1 + 3 * 5, 1 + 2 * 4)  # 3 rows of 2, one pixel between and around
    values = grid.numpy()
    np.testing.assert_array_equal(values[:, 1:5, 5:8], np.repeat(batch.numpy()[1], 3, axis=0))
    np.testing.assert_array_equal(values[:, 11:15, 1:4], np.repeat(batch.numpy()[4], 3, axis=0))
    assert (values[:, 0] == 0.5).all() and (values[:, 11:15, 5:8] == 0.5).all()  # the missing sixth image
    scaled = utils.make_grid(batch * 4 - 1, normalize=True).numpy()
    assert scaled.min() == 0.0 and scaled.max() == 1.0
    utils.save_image(batch, tmp_path / "grid.png", nrow=2, padding=1)
    saved = np.array(Image.open(tmp_path / "grid.png"))
    expected = utils.make_grid(batch, nrow=2, padding=1).numpy()
    torch_bytes = torch.tensor(expected).mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).numpy()
    np.testing.assert_array_equal(saved, torch_bytes)


def test_v2_names_to_image_and_to_dtype():
    from minigrad.vision.transforms import v2
    pipeline = v2.Compose([v2.ToImage(), v2.ToDtype(minigrad.float32, scale=True), v2.Normalize([0.5] * 3, [0.5] * 3)])
    out = pipeline(RGB)
    expected = torch.from_numpy(np.array(RGB)).permute(2, 0, 1).to(torch.float32).mul_(1.0 / 255).sub(0.5).div(0.5)
    np.testing.assert_array_equal(out.numpy(), expected.numpy())
    assert v2.ToImage()(np.array(RGB)).dtype == minigrad.uint8 and v2.RandomCrop is transforms.RandomCrop
    assert v2.ToDtype(minigrad.float64)(v2.ToImage()(RGB)).numpy().max() > 1  # without scale: the values kept


def test_convert_image_dtype_is_torchvisions():
    image = torch.from_numpy(np.array(RGB)).permute(2, 0, 1).contiguous()
    ours = minigrad.tensor(image.numpy())
    np.testing.assert_array_equal(TF.convert_image_dtype(ours, minigrad.float32).numpy(),
                                  (image.to(torch.float32) / 255).numpy())
    floats = TF.convert_image_dtype(ours, minigrad.float32)
    np.testing.assert_array_equal(TF.convert_image_dtype(floats, minigrad.uint8).numpy(),
                                  (image.to(torch.float32) / 255).mul(255 + 1.0 - 1e-3).to(torch.uint8).numpy())
    wide = TF.convert_image_dtype(ours, minigrad.int32)
    np.testing.assert_array_equal(wide.numpy(), image.to(torch.int32).numpy() * (2 ** 31 // 256))
    np.testing.assert_array_equal(TF.convert_image_dtype(wide, minigrad.uint8).numpy(), image.numpy())
    with pytest.raises(RuntimeError, match="cannot be performed safely"):
        TF.convert_image_dtype(floats, minigrad.int64)
