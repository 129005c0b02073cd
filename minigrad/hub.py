"""``torch.hub``: the cache of downloaded weights (``load_state_dict_from_url``, ``download_url_to_file``,
``get_dir``/``set_dir``, at PyTorch's paths: ``$TORCH_HOME/hub``, ``~/.cache/torch/hub``), and ``load`` of a
model from a local hubconf.py (``source='local'``). Weights are read by ``minigrad.load`` with
``weights_only=True`` whatever is asked: a downloaded file is never unpickled as code. Repositories on GitHub
(``source='github'``) are not fetched: that would run their code."""
import importlib.util
import os
import re
import sys

__all__ = ["get_dir", "set_dir", "download_url_to_file", "load_state_dict_from_url", "load", "list", "help"]

# the hash prefix in a file name "name-<sha256 prefix>.ext", as PyTorch's check_hash reads it
HASH_REGEX = re.compile(r"-([a-f0-9]*)\.")
_hub_dir = None


def _torch_home():
    return os.path.expanduser(os.getenv("TORCH_HOME", os.path.join(os.getenv("XDG_CACHE_HOME", "~/.cache"), "torch")))


def get_dir():
    """``torch.hub.get_dir``: where downloads go (``set_dir``'s, else ``$TORCH_HOME/hub``)."""
    return _hub_dir if _hub_dir is not None else os.path.join(_torch_home(), "hub")


def set_dir(d):
    """``torch.hub.set_dir``."""
    global _hub_dir
    _hub_dir = os.path.expanduser(d)


def download_url_to_file(url, dst, hash_prefix=None, progress=True):
    """``torch.hub.download_url_to_file``: the file at ``url`` written to ``dst`` through a temporary file in
    the same folder, renamed into place only once complete (and, with ``hash_prefix``, once its SHA-256 starts
    with it): an interrupted download leaves no partial file behind."""
    import hashlib
    import tempfile
    import urllib.request
    dst = os.path.expanduser(dst)
    folder = os.path.dirname(os.path.abspath(dst))
    os.makedirs(folder, exist_ok=True)
    digest = hashlib.sha256()
    handle, temporary = tempfile.mkstemp(prefix=os.path.basename(dst) + ".", suffix=".partial", dir=folder)
    try:
        with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url) as response:  # noqa: S310
            total = response.headers.get("Content-Length")
            done = 0
            while True:
                chunk = response.read(1 << 16)
                if not chunk:
                    break
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress:
                    shown = f"{done / 2 ** 20:.1f} MiB" + (f" of {int(total) / 2 ** 20:.1f}" if total else "")
                    sys.stderr.write(f"\r{os.path.basename(dst)}: {shown}")
            if progress:
                sys.stderr.write("\n")
        if hash_prefix is not None and not digest.hexdigest().startswith(hash_prefix):
            raise RuntimeError(f'invalid hash value (expected "{hash_prefix}", got "{digest.hexdigest()}")')
        os.replace(temporary, dst)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def load_state_dict_from_url(url, model_dir=None, map_location=None, progress=True, check_hash=False,
                             file_name=None, weights_only=False):
    """``torch.hub.load_state_dict_from_url``: download into ``<hub dir>/checkpoints`` once, then
    ``minigrad.load`` the cached file (always with ``weights_only=True``: see the module's docstring)."""
    import urllib.parse
    from .serialization import load as load_file
    model_dir = model_dir if model_dir is not None else os.path.join(get_dir(), "checkpoints")
    os.makedirs(model_dir, exist_ok=True)
    filename = file_name or os.path.basename(urllib.parse.urlparse(url).path)
    cached = os.path.join(model_dir, filename)
    if not os.path.exists(cached):
        sys.stdout.write(f'Downloading: "{url}" to {cached}\n')
        match = HASH_REGEX.search(filename) if check_hash else None
        download_url_to_file(url, cached, match.group(1) if match else None, progress=progress)
    return load_file(cached, map_location=map_location, weights_only=True)


def _local_hubconf(repo_or_dir):
    path = os.path.join(repo_or_dir, "hubconf.py")
    if not os.path.exists(path):
        raise FileNotFoundError(f"hubconf.py not found in {repo_or_dir}")
    spec = importlib.util.spec_from_file_location("hubconf", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, repo_or_dir)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(repo_or_dir)
    return module


def _hubconf(repo_or_dir, source):
    if source not in ("github", "local"):
        raise ValueError(f'Unknown source: "{source}". Allowed values: "github" | "local".')
    if source == "github":
        raise NotImplementedError("minigrad.hub does not fetch repositories from GitHub (that would run their "
                                  "code): clone it and pass its folder with source='local'")
    return _local_hubconf(repo_or_dir)


def load(repo_or_dir, model, *args, source="github", trust_repo=None, force_reload=False, verbose=True,
         skip_validation=False, **kwargs):
    """``torch.hub.load``: the entry point ``model`` of a local folder's hubconf.py (``source='local'``)."""
    entry = getattr(_hubconf(repo_or_dir, source), model, None)
    if entry is None or not callable(entry):
        raise RuntimeError(f"Cannot find callable {model} in hubconf")
    return entry(*args, **kwargs)


def list(github, force_reload=False, skip_validation=False, trust_repo=None, verbose=True, source="github"):  # noqa: A001
    """``torch.hub.list``: the entry points of a local hubconf.py (``source='local'``)."""
    module = _hubconf(github, source)
    return [name for name in dir(module) if callable(getattr(module, name)) and not name.startswith("_")]


def help(github, model, force_reload=False, skip_validation=False, trust_repo=None, source="github"):  # noqa: A001
    """``torch.hub.help``: an entry point's docstring."""
    return getattr(_hubconf(github, source), model).__doc__


