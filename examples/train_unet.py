#!/usr/bin/env python
"""Train a U-Net for semantic segmentation with minigrad (no PyTorch needed).

    python examples/train_unet.py                         # synthetic shapes, a few minutes on 2 CPU cores
    python examples/train_unet.py --data path/to/folder   # your images/ and masks/ (see --help)
    python examples/train_unet.py --resume runs/unet/checkpoint.npz --epochs 12   # continue a run

Each epoch shows a progress bar (loss, images per second), then validation scores (pixel
accuracy, per-class IoU, mIoU, Dice), appends them to OUT/metrics.jsonl and saves
OUT/checkpoint.npz (and OUT/best.npz, the best mIoU so far). Ctrl-C finishes the current step,
saves a checkpoint and exits; --resume continues exactly where it stopped. At the end it draws
OUT/curves.png and OUT/predictions.png (input | truth | prediction).

    mpiexec -n 4 python examples/train_unet.py --distributed   # data-parallel over 4 processes (MPI)
    python -m minigrad.distributed.run --nproc-per-node 4 examples/train_unet.py --distributed   # the same, TCP

With --distributed every process trains on its share of each batch, the
gradients are averaged (DistributedDataParallel) and the BatchNorm statistics taken over the whole batch
(SyncBatchNorm), so N processes train as one process would with the same --batch-size; rank 0 alone shows
progress and writes the metrics, checkpoints and pictures.
"""
import argparse
import json
import os
import signal
import sys
import time

import numpy as np

# Run from a checkout without installing: the repository root comes first on the path.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SYNTHETIC_MEAN, SYNTHETIC_STD = (0.5, 0.5, 0.5), (0.25, 0.25, 0.25)
IMAGENET_MEAN, IMAGENET_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
RESUME_KEYS = ("data", "classes", "image_size", "features", "in_channels", "optimizer", "scheduler")


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    a = p.add_argument
    a("--data", default="synthetic", help="'synthetic' (shapes drawn on the fly) or a directory holding images/ "
      "and masks/ with matching file names (PNG/JPEG; masks as class ids, or colours with --palette). "
      "Default: synthetic")
    a("--classes", type=int, default=6, help="number of classes, background included (default: 6)")
    a("--image-size", type=int, default=64, help="side of the square images the network sees; folder images "
      "are resized to it (default: 64)")
    a("--features", type=int, nargs="+", default=[16, 32, 64, 128],
      help="channels of each U-Net level; the paper uses 64 128 256 512 (default: 16 32 64 128)")
    a("--batch-size", type=int, default=8, help="images per training step; with --distributed the global batch, "
      "split evenly over the processes (default: 8)")
    a("--epochs", type=int, default=20, help="total number of epochs, counting those of a resumed run (default: 20)")
    a("--lr", type=float, default=2e-3, help="learning rate (default: 2e-3)")
    a("--optimizer", choices=("adam", "sgd"), default="adam", help="Adam, or SGD with momentum 0.9 (default: adam)")
    a("--scheduler", choices=("cosine", "none"), default="cosine", help="cosine: the learning rate decays "
      "along a half cosine to 0 at the last step of --epochs (a resumed run with more --epochs stretches the "
      "rest of the curve); none: constant (default: cosine)")
    a("--weight-decay", type=float, default=0.0, help="L2 weight decay (default: 0)")
    a("--device", choices=("cpu", "cuda"), default="cpu", help="where to train (default: cpu)")
    a("--seed", type=int, default=0, help="seed of weights, data, shuffling and augmentation (default: 0)")
    a("--out", default=os.path.join("runs", "unet"), help="directory for checkpoints, metrics and pictures "
      "(default: runs/unet)")
    a("--resume", metavar="CKPT", help="continue the run saved in this checkpoint (e.g. runs/unet/checkpoint.npz)")
    a("--train-images", type=int, default=512, help="synthetic training images (default: 512)")
    a("--val-images", type=int, default=64, help="synthetic validation images, drawn apart from the training "
      "ones (default: 64)")
    a("--val-fraction", type=float, default=0.2, help="share of a folder's images kept for validation (default: 0.2)")
    a("--palette", help="colours of the classes in colour masks, in class order: 'r,g,b r,g,b ...' or a file "
      "holding that")
    a("--no-augment", action="store_true", help="no random flips and 90° rotations of training images")
    a("--workers", type=int, default=1, help="worker processes that prepare batches while the network trains; "
      "0: in the main process (default: 1)")
    a("--no-progress", action="store_true", help="no progress bars (e.g. in log files)")
    a("--distributed", action="store_true", help="data-parallel training over the processes started by "
      "'mpiexec -n N' or srun (pip install minigrad[distributed]), or by 'python -m minigrad.distributed.run "
      "--nproc-per-node N'")
    args = p.parse_args(argv)
    for name in ("classes", "image_size", "batch_size", "epochs", "train_images", "val_images"):
        if getattr(args, name) < (2 if name == "classes" else 1):
            p.error(f"--{name.replace('_', '-')} is too small: {getattr(args, name)}")
    if args.image_size % 2 ** len(args.features):
        print(f"note: --image-size {args.image_size} is not a multiple of {2 ** len(args.features)}; the U-Net "
              f"resizes its up-sampled maps to fit", file=sys.stderr)
    return args


def build_data(args):
    """Training and validation loaders, class names and the normalisation used. Distributed, each rank loads
    its shard of every global batch (DistributedSampler) and every world-size-th validation image."""
    from minigrad.data import DataLoader, SegmentationFolder, Subset, SyntheticShapes, parse_palette
    from minigrad.data import transforms as T
    from minigrad.utils.data.distributed import DistributedSampler

    synthetic = args.data == "synthetic"
    mean, std = (SYNTHETIC_MEAN, SYNTHETIC_STD) if synthetic else (IMAGENET_MEAN, IMAGENET_STD)
    augment = [] if args.no_augment else [T.RandomHorizontalFlip(), T.RandomVerticalFlip(), T.RandomRotation90()]
    if synthetic:
        train = SyntheticShapes(args.train_images, args.image_size, args.classes, seed=args.seed,
                                transform=T.Compose(augment + [T.Normalize(mean, std)]))
        val = SyntheticShapes(args.val_images, args.image_size, args.classes, seed=args.seed + 1_000_003,
                              transform=T.Normalize(mean, std))
        names = list(train.class_names)
    else:
        try:  # a missing folder, unmatched files, colour masks without a palette...: say so before training
            palette = parse_palette(args.palette) if args.palette else None
            resize = T.Resize(args.image_size)
            common = dict(val_fraction=args.val_fraction, split_seed=args.seed, palette=palette,
                          num_classes=args.classes)
            train = SegmentationFolder(args.data, split="train", seed=args.seed,
                                       transform=T.Compose([resize] + augment + [T.Normalize(mean, std)]), **common)
            val = SegmentationFolder(args.data, split="val", transform=T.Compose([resize, T.Normalize(mean, std)]),
                                     **common)
            if len(val) == 0:
                raise ValueError(f"{args.data} has too few images for a validation split (--val-fraction)")
            train[0], val[0]
        except (ValueError, OSError) as error:
            raise SystemExit(f"error: {error}")
        names = ["background"] + [f"class {i}" for i in range(1, args.classes)]
    batch = min(args.batch_size, len(train))
    if args.distributed:
        if batch % args.world_size:
            raise SystemExit(f"error: --batch-size {batch} (the global batch) does not split evenly over "
                             f"{args.world_size} processes")
        sampler = DistributedSampler(train, args.world_size, args.rank, shuffle=True, seed=args.seed,
                                     drop_last=True)
        train_loader = DataLoader(train, batch_size=batch // args.world_size, sampler=sampler, drop_last=True,
                                  num_workers=args.workers)
        args.val_total = len(val)
        val = Subset(val, range(args.rank, len(val), args.world_size))
    else:
        train_loader = DataLoader(train, batch_size=batch, shuffle=True, drop_last=True, seed=args.seed,
                                  num_workers=args.workers)
    val_loader = DataLoader(val, batch_size=args.batch_size, num_workers=args.workers)
    return train_loader, val_loader, names, mean, std


class StopRequest:
    """The first Ctrl-C (or SIGTERM, as a batch system sends) asks the loop to stop after the current step (and
    save); a second one stops at once. Distributed, ``agreed()`` tells every rank whether any rank was asked."""

    def __init__(self, distributed=False, rank=0):
        self.requested, self.distributed, self.rank = False, distributed, rank

    def __enter__(self):
        self.previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        return self

    def _handle(self, signum, frame):
        if self.requested and signum == signal.SIGINT:  # a repeated SIGTERM (launchers forward it) still waits
            raise KeyboardInterrupt
        self.requested = True
        if self.rank == 0:
            print(f"\n{signal.Signals(signum).name}: finishing this step, then saving a checkpoint (Ctrl-C again "
                  "to quit at once)", file=sys.stderr, flush=True)

    def agreed(self):
        """Whether to stop now; distributed, the ranks agree (a stop asked of one rank stops all at one step)."""
        if self.distributed:
            import minigrad
            import minigrad.distributed as dist
            flag = minigrad.tensor([1.0 if self.requested else 0.0])
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
            # A signal handled while the all-reduce waited is not in this agreement: it stays requested for the
            # next (overwriting it lost the stop when every rank's signal came in that wait, and the job ran on).
            agreed = bool(flag.item())
            self.requested = self.requested or agreed
            return agreed
        return self.requested

    def __exit__(self, *exc):
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)
        return False


def evaluate(model, loader, num_classes, device, distributed=False):
    """Mean validation loss and the segmentation scores, in eval mode without gradients; distributed, the
    confusion matrix and the loss are summed over the ranks' shards first."""
    import minigrad
    import minigrad.nn.functional as F
    from minigrad.utils.metrics import SegmentationMetrics

    model.eval()
    metrics, total, count = SegmentationMetrics(num_classes), 0.0, 0
    with minigrad.no_grad():
        for images, masks in loader:
            logits = model(images.to(device))
            total += F.cross_entropy(logits, masks.to(device)).item() * len(images)
            count += len(images)
            metrics.update(logits.argmax(dim=1), masks)
    model.train()
    if distributed:
        import minigrad.distributed as dist
        dist.all_reduce(minigrad.from_numpy(metrics.confusion))
        sums = minigrad.tensor([total, float(count)], dtype=minigrad.float64)
        dist.all_reduce(sums)
        total, count = sums.tolist()
    scores = metrics.compute()
    for key in ("iou", "dice"):  # a class absent from truth and prediction has no score: null in the JSON
        scores[key] = [None if v != v else v for v in scores[key]]
    return {"val_loss": total / max(count, 1), **scores}


def predict_examples(model, loader, device, mean, std, count=4):
    """The first ``count`` validation images (uint8 H×W×3), their masks and the model's predictions."""
    import minigrad
    model.eval()
    images, truths, preds = [], [], []
    with minigrad.no_grad():
        for batch, masks in loader:
            logits = model(batch.to(device))
            preds.append(logits.argmax(dim=1).cpu().numpy())
            truths.append(masks.numpy())
            pixels = batch.numpy() * np.asarray(std, np.float32)[:, None, None] + np.asarray(mean, np.float32)[:, None, None]
            images.append(np.clip(pixels * 255, 0, 255).astype(np.uint8).transpose(0, 2, 3, 1))
            if sum(len(p) for p in preds) >= count:
                break
    model.train()
    return (np.concatenate(images)[:count], np.concatenate(truths)[:count], np.concatenate(preds)[:count])


class Training:
    """One run's state (model, optimizer, scheduler, loaders, history) and its loop."""

    def __init__(self, args):
        import minigrad
        from minigrad.models import UNet
        from minigrad.utils.plotting import default_palette

        self.args, self.started = args, time.perf_counter()
        self.lead = args.rank == 0  # the process that prints and writes files
        minigrad.manual_seed(args.seed)
        self.train_loader, self.val_loader, self.class_names, self.mean, self.std = build_data(args)
        self.config = {"data": args.data, "classes": args.classes, "image_size": args.image_size,
                       "features": list(args.features), "in_channels": 3, "mean": list(self.mean),
                       "std": list(self.std), "class_names": self.class_names,
                       "palette": default_palette(args.classes).tolist(), "seed": args.seed,
                       "optimizer": args.optimizer, "scheduler": args.scheduler, "lr": args.lr,
                       "batch_size": self.train_loader.batch_size * args.world_size}
        try:
            self.model = UNet(3, args.classes, args.features).to(args.device)
        except Exception as error:  # e.g. --device cuda on a machine without a GPU
            raise SystemExit(f"error: cannot use device {args.device!r}: {error}")
        self.net = self.model  # what the training step calls: the model, or its DistributedDataParallel
        if args.distributed:
            from minigrad.nn import SyncBatchNorm
            from minigrad.nn.parallel import DistributedDataParallel
            self.model = SyncBatchNorm.convert_sync_batchnorm(self.model)
            self.net = DistributedDataParallel(self.model)
        params, optim = self.model.parameters(), minigrad.optim
        self.optimizer = optim.Adam(params, lr=args.lr, weight_decay=args.weight_decay) if args.optimizer == "adam" \
            else optim.SGD(params, lr=args.lr, momentum=0.9, weight_decay=args.weight_decay)
        self.total_steps = args.epochs * len(self.train_loader)
        self.scheduler = optim.lr_scheduler.CosineAnnealingLR(self.optimizer, T_max=self.total_steps) \
            if args.scheduler == "cosine" else None
        os.makedirs(args.out, exist_ok=True)
        self.last_path, self.best_path = os.path.join(args.out, "checkpoint.npz"), os.path.join(args.out, "best.npz")
        self.metrics_path = os.path.join(args.out, "metrics.jsonl")
        self.start_epoch, self.history, self.partial = 0, [], {"loss_sum": 0.0, "steps": 0}
        self.stepped = False  # whether a training step has run (and compiled the kernels) in this process

    def resume(self, path):
        from minigrad.utils.checkpoint import CheckpointError, restore_checkpoint
        try:
            ckpt = restore_checkpoint(path, self.model, self.optimizer, self.scheduler, loader=self.train_loader,
                                      expect_config={k: self.config[k] for k in RESUME_KEYS})
        except CheckpointError as error:
            raise SystemExit(f"error: cannot resume: {error}")
        if self.scheduler is not None:
            self.scheduler.T_max = self.total_steps  # the cosine ends with this run's --epochs
        self.start_epoch, self.history = ckpt["epoch"], list(ckpt["extra"].get("history", []))
        self.partial = dict(ckpt["extra"].get("partial", self.partial))
        self.say(f"resumed {path}: epoch {self.start_epoch}"
                 + (f", {self.partial['steps']} steps into the next" if self.partial["steps"] else ""))

    def save(self, path, epoch, partial=None):
        """Rank 0 writes (atomically); the model's keys are those of a one-process run, so any N resumes it."""
        if not self.lead:
            return
        from minigrad.utils.checkpoint import save_checkpoint
        save_checkpoint(path, self.model, self.optimizer, epoch=epoch, config=self.config, scheduler=self.scheduler,
                        loader=self.train_loader,
                        extra={"history": self.history, "partial": partial or {"loss_sum": 0.0, "steps": 0}})

    def train_epoch(self, epoch, stop):
        """One pass over the training data (or what remains of it); returns (loss sum, steps)."""
        from tqdm import tqdm
        import minigrad.nn.functional as F
        args = self.args
        loss_sum, steps = self.partial["loss_sum"], self.partial["steps"]
        self.partial = {"loss_sum": 0.0, "steps": 0}
        if args.distributed:
            self.train_loader.sampler.set_epoch(epoch)
        bar = tqdm(total=len(self.train_loader), initial=steps, desc=f"epoch {epoch + 1}/{args.epochs}",
                   disable=args.no_progress or not self.lead, dynamic_ncols=True)
        tick, seen = time.perf_counter(), 0
        compiling = not self.stepped and not kernels_cached()
        if compiling and self.lead:  # else the bar sits at 0 for the ~20 s Numba compiles, and looks hung
            bar.set_postfix_str("compiling kernels, first run only...")
            if bar.disable:
                print("compiling kernels, first run only...", flush=True)
        for images, masks in self.train_loader:
            loss = F.cross_entropy(self.net(images.to(args.device)), masks.to(args.device))
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
            if self.scheduler is not None:
                self.scheduler.step()
            if compiling:  # the compile time would spoil the images/s shown for the epoch
                tick, compiling, seen = time.perf_counter(), False, -len(images) * args.world_size
            self.stepped = True
            loss_sum, steps, seen = loss_sum + loss.item(), steps + 1, seen + len(images) * args.world_size
            bar.set_postfix(loss=f"{loss_sum / steps:.4f}", img_s=f"{seen / (time.perf_counter() - tick):.1f}")
            bar.update()
            if stop.agreed():
                break
        bar.close()
        if args.distributed:  # the mean loss over all ranks' shards
            import minigrad
            import minigrad.distributed as dist
            total = minigrad.tensor([loss_sum], dtype=minigrad.float64)
            dist.all_reduce(total, op=dist.ReduceOp.AVG)
            loss_sum = total.item()
        return loss_sum, steps

    def fit(self, stop):
        """Train up to --epochs; returns the exit status (130 when stopped by Ctrl-C)."""
        args = self.args
        if self.lead:
            with open(self.metrics_path, "w") as f:  # the resumed run's history, then this run's epochs
                f.writelines(json.dumps(h) + "\n" for h in self.history)
        best = max((h["miou"] for h in self.history if "miou" in h), default=-1.0)
        again = f"continue with the same options plus --resume {self.last_path}"
        self.model.train()
        for epoch in range(self.start_epoch, args.epochs):
            loss_sum, steps = self.train_epoch(epoch, stop)
            stopping = stop.agreed()  # (every decision below is the same on every rank)
            if stopping and self.train_loader.state_dict()["batches_done"]:
                self.save(self.last_path, epoch, {"loss_sum": loss_sum, "steps": steps})
                self.say(f"interrupted in epoch {epoch + 1} after {steps} steps; saved {self.last_path}\n{again}")
                return 130
            record = {"epoch": epoch + 1, "train_loss": loss_sum / max(steps, 1)}
            if not stopping:
                record.update(evaluate(self.model, self.val_loader, args.classes, args.device, args.distributed))
            record["elapsed_s"] = round(time.perf_counter() - self.started, 1)
            self.history.append(record)
            self.save(self.last_path, epoch + 1)
            if self.lead:
                with open(self.metrics_path, "a") as f:
                    f.write(json.dumps(record) + "\n")
            if stopping or stop.agreed():
                self.say(f"interrupted after epoch {epoch + 1}; saved {self.last_path}\n{again}")
                return 130
            ious = "  ".join(f"{name} {'n/a' if v is None else f'{v:.3f}'}"
                             for name, v in zip(self.class_names, record["iou"]))
            self.say(f"epoch {epoch + 1}: train loss {record['train_loss']:.4f}  val loss {record['val_loss']:.4f}  "
                     f"pixel acc {record['pixel_accuracy']:.4f}  mIoU {record['miou']:.4f}  "
                     f"Dice {record['mean_dice']:.4f}\n  IoU: {ious}")
            if record["miou"] > best:
                best = record["miou"]
                self.save(self.best_path, epoch + 1)
        return 0

    def say(self, text):
        """Print on rank 0 only (every rank has the same to say)."""
        if self.lead:
            print(text, flush=True)

    def finish(self):
        """The curves and prediction pictures, and a summary line (rank 0)."""
        if not self.lead:
            return
        from minigrad.utils.plotting import plot_training_curves, save_prediction_grid
        out = self.args.out
        plot_training_curves(self.history, os.path.join(out, "curves.png"))
        images, truths, preds = predict_examples(self.model, self.val_loader, self.args.device, self.mean, self.std)
        save_prediction_grid(images, truths, preds, os.path.join(out, "predictions.png"),
                             np.asarray(self.config["palette"]), self.class_names)
        final = next((h for h in reversed(self.history) if "miou" in h), None)
        summary = f"final validation mIoU {final['miou']:.3f}, pixel accuracy {final['pixel_accuracy']:.3f}" \
            if final else "no validation run"
        print(f"done in {time.perf_counter() - self.started:.0f}s: {summary}; curves.png, predictions.png, "
              f"metrics.jsonl and checkpoints in {out}")


def kernels_cached():
    """Whether Numba's on-disk cache already holds minigrad's compiled kernels (it does after a first run)."""
    import glob
    import minigrad
    root = os.environ.get("NUMBA_CACHE_DIR") or os.path.dirname(minigrad.__file__)
    return bool(glob.glob(os.path.join(root, "**", "*.nbi"), recursive=True))


def start_processes(args):
    """Join the job (--distributed): sets args.rank and args.world_size (0 and 1 otherwise). Started by mpiexec
    or srun the ranks run on MPI, by ``python -m minigrad.distributed.run`` over TCP; started alone, a world of
    one."""
    args.rank, args.world_size = 0, 1
    if not args.distributed:
        return
    import minigrad.distributed as dist
    try:
        dist.init_process_group()  # from here an exception on any rank ends the whole job
    except (RuntimeError, ValueError) as error:
        raise SystemExit(f"error: --distributed: {error}")
    args.rank, args.world_size = dist.get_rank(), dist.get_world_size()
    if args.world_size > 1:
        share_cores()


def share_cores():
    """The ranks on one machine share its cores: each runs its Numba loops on cores / ranks-here threads (unless
    NUMBA_NUM_THREADS was set), so that N ranks do not start N times as many threads as there are cores."""
    if "NUMBA_NUM_THREADS" in os.environ:
        return
    import numba
    here = os.environ.get("LOCAL_WORLD_SIZE", "")  # set by minigrad.distributed.run, and from MPI's launchers
    if here.isdigit():
        here = int(here)
    else:  # an MPI launcher that names no local size
        from mpi4py import MPI
        here = MPI.COMM_WORLD.Split_type(MPI.COMM_TYPE_SHARED).Get_size()
    numba.set_num_threads(max(1, min(numba.config.NUMBA_NUM_THREADS, (os.cpu_count() or 1) // here)))


def main(argv=None):
    args = parse_args(argv)
    start_processes(args)
    run = Training(args)
    if args.resume:
        run.resume(args.resume)
    n_params = sum(p.numel() for p in run.model.parameters())
    processes = f"; {args.world_size} processes" if args.distributed else ""
    run.say(f"U-Net {args.features}, {n_params:,} parameters, {args.classes} classes; "
            f"{len(run.train_loader.dataset)} training and {getattr(args, 'val_total', len(run.val_loader.dataset))} validation "
            f"images of {args.image_size}px; device {args.device}{processes}")
    try:
        with StopRequest(args.distributed, args.rank) as stop:
            status = run.fit(stop)
    except KeyboardInterrupt:  # a second Ctrl-C: the last checkpoint written stays as it was
        if run.lead:
            print(f"\nstopped at once; the last saved checkpoint is {run.last_path}", file=sys.stderr)
        return 130
    if status == 0:
        run.finish()
    if args.distributed:
        import minigrad.distributed as dist
        dist.destroy_process_group()
    return status


if __name__ == "__main__":
    sys.exit(main())
