"""The command line: the same engine as the window, headless (docs/ARCHITECTURE.md, "Layers and data flow").

Exit status: 0 on success, 2 on bad input (a one-line message on standard error), 130 when Ctrl-C
stopped it, 1 on any other failure. With ``--json`` the last line of standard output is one JSON object
with the results (also of a run that Ctrl-C stopped).

Ctrl-C stops ``train`` as the window's Stop does: at the end of the batch, the best model so far kept
and the run ready for ``--resume``; a second Ctrl-C stops at once.

``train`` also runs as several data-parallel processes under ``torchrun`` (see core/distributed.py);
then rank 0 alone prints progress and the JSON line, and ``train --gpus N`` starts torchrun itself.
``train --settings FILE`` starts a run from a run folder's settings.json (the window starts its runs on
several GPUs that way); options given on the command line override the file's values.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
import threading
import time
import warnings

from . import __version__

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130  # what shells report for a program that Ctrl-C ended: 128 + SIGINT
# Not a command for people: how a frozen app (no ``python -m``) runs torchrun for ``train --gpus``.
TORCHRUN_COMMAND = "--internal-torchrun"
TTA_HELP = ("test-time augmentation: also ask the model about each photo's mirror image and average the "
            "two answers' probabilities; usually as accurate or a little more, but slower (two passes of the "
            "model)")
SUBSET_HELP = ("all: every usable photo (default); lecture: the lecture's 1000 train, 500 validation and "
               "500 test photos per class, the rest set aside")
JSON_HELP = "end with one line of JSON holding the results, for scripts"
JSON_QUIET_HELP = JSON_HELP + " (and show no progress bar)"
MODEL_HELP = "model file (.safetensors), e.g. best.safetensors in a run folder"
DEVICE_HELP = "where the model runs: auto (default: a GPU if there is one, else the CPU), cpu, cuda or mps"
SEED_HELP = "a number that fixes the random choices (shuffling, starting weights), to repeat a run exactly"
# build_parser's commands, known without building it (opening the window needs no parser).
COMMAND_NAMES = ("train", "info", "evaluate", "predict", "split", "export")
WINDOW_USAGE = ("%(prog)s [-h] [--version] [--self-test] [PATH ...]\n"
                "       %(prog)s COMMAND [options]")
WINDOW_EPILOG = ("Without a COMMAND the window opens, on the PATHs if given: one folder opens as the dataset "
                 "(step 1), a model file (.safetensors) is opened, and photos or folders of photos are classified "
                 "(step 5). If the window is open already, it gets the PATHs and this launch ends. Put -- before "
                 "a PATH that starts with - or is named like a COMMAND.")


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser. It imports neither torch nor Qt (its choices come from core/names.py),
    so that ``--help`` and ``--version`` answer at once."""
    from .core.names import (BACKBONE_NAMES, CLASS_WEIGHTS, DEFAULT_BACKBONE, DEFAULT_RECIPE, DEVICE_CHOICES,
                             MONITORS, OPTIMIZERS, PRECISION_CHOICES, PRESETS, RECIPE_NAMES, SCHEDULES, SUBSETS)

    parser = argparse.ArgumentParser(
        prog="catdog-gui",
        usage=WINDOW_USAGE,
        description="Train an image classifier on folders of photos, evaluate it, and classify new photos.",
        epilog=WINDOW_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"catdog-gui {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="open the window offscreen, train a tiny model and classify a photo; exit 0 if it worked")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND",
                                     help="what to do (without a COMMAND the window opens)")

    train = commands.add_parser("train", help="train a model on a dataset folder")
    # Options that a --settings file may hold default to None (not given): only those given override it.
    train.add_argument("data", metavar="DATA", nargs="?",
                       help="dataset folder (train/validation[/test], class folders, or flat); not with --resume; "
                            "optional with --settings")
    train.add_argument("--settings", metavar="FILE",
                       help="start from these settings (a run folder's settings.json); options given here "
                            "override its values")
    train.add_argument("--strategy", choices=RECIPE_NAMES,
                       help=f"which of the lecture's five ways of training (default {DEFAULT_RECIPE})")
    train.add_argument("--preset", choices=PRESETS,
                       help="the strategy's values: recommended (default; suits any photos) or lecture (the "
                            "lecture's own, tuned for VGG16 and two classes); the options below override them")
    train.add_argument("--backbone", choices=BACKBONE_NAMES, help=f"pretrained base (default {DEFAULT_BACKBONE})")
    train.add_argument("--weights", dest="weights_file", metavar="FILE", help="backbone weights file instead of the default")
    train.add_argument("--epochs", type=int, help="epochs (of the fine-tuning phase for fine-tuning)")
    train.add_argument("--head-epochs", type=int, help="fine-tuning: epochs of the head-only phase first")
    train.add_argument("--batch-size", type=int, metavar="N", help="photos per training step")
    train.add_argument("--lr", type=float, help="learning rate (of the head phase for fine-tuning)")
    train.add_argument("--fine-tune-lr", type=float, help="fine-tuning: learning rate of the unfrozen phase")
    train.add_argument("--image-size", type=int, metavar="PX",
                       help="side in pixels that every photo is resized to (default: the backbone's own; 150 for "
                            "the small CNN)")
    train.add_argument("--early-stopping", type=int, metavar="EPOCHS", help="stop after EPOCHS without improvement")
    train.add_argument("--monitor", choices=MONITORS,
                       help="what picks the best epoch and stops early: validation accuracy or validation loss")
    train.add_argument("--optimizer", choices=OPTIMIZERS, help="rmsprop (the lecture's) or adamw")
    train.add_argument("--weight-decay", type=float, metavar="X", help="weight decay of the optimiser")
    train.add_argument("--label-smoothing", type=float, metavar="X",
                       help="share of each label spread over the other classes (0: none)")
    train.add_argument("--schedule", choices=SCHEDULES,
                       help="learning rate: constant, or cosine (falls to 0 over each phase)")
    train.add_argument("--class-weights", choices=CLASS_WEIGHTS,
                       help="weigh classes against imbalance: auto (default: when the largest class has "
                            "over 3 times the photos of the smallest), on or off")
    train.add_argument("--no-augmentation", action="store_true", help="turn the recipe's augmentation off")
    train.add_argument("--device", choices=DEVICE_CHOICES, help=DEVICE_HELP)
    train.add_argument("--precision", choices=PRECISION_CHOICES,
                       help="auto (default): bf16/fp16 on GPUs and on CPUs with native bf16, else fp32")
    train.add_argument("--steps-per-epoch", type=int, metavar="N",
                       help="batches per epoch (the lecture's steps_per_epoch; default: every training photo)")
    train.add_argument("--pixel-cache-gb", type=float, metavar="GB",
                       help="disk the decoded-photo cache may use (default 20); past it photos are decoded every epoch")
    train.add_argument("--runs-dir", metavar="DIR", help="where run folders go (default ~/catdog-gui/runs)")
    train.add_argument("--resume", metavar="RUN_DIR", help="continue an interrupted run (DATA is ignored)")
    train.add_argument("--from", dest="start_from", metavar="MODEL",
                       help="train more: a new run whose weights begin from MODEL (a .safetensors file this app "
                            "wrote, e.g. a run's best.safetensors) rather than from scratch; DATA must hold every "
                            "class MODEL knows and may add new ones; the strategy, backbone and image size default "
                            "to MODEL's; not with --resume")
    train.add_argument("--subset", choices=SUBSETS, help=SUBSET_HELP)
    train.add_argument("--seed", type=int, help=SEED_HELP)
    train.add_argument("--gpus", type=int, metavar="N",
                       help="train on N CUDA GPUs of this machine, one process each (started through torchrun); "
                            "--batch-size is per process")
    train.add_argument("--json", action="store_true", help=JSON_HELP)

    info = commands.add_parser("info", help="show what a dataset folder holds: layout, classes, counts, "
                                            "photos set aside and files skipped")
    info.add_argument("data", metavar="DATA", help="dataset folder (train/validation[/test], class folders, or flat)")
    info.add_argument("--subset", choices=SUBSETS, default="all", help=SUBSET_HELP)
    info.add_argument("--seed", type=int, default=0, help="shuffles the split of a folder not split yet")
    info.add_argument("--json", action="store_true", help=JSON_HELP)

    evaluate = commands.add_parser("evaluate", help="measure a model on labelled photos")
    evaluate.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    evaluate.add_argument("data", metavar="DATA", help="lecture-layout folder (its test/ is used) or class folders")
    evaluate.add_argument("--device", choices=DEVICE_CHOICES, default="auto", help=DEVICE_HELP)
    evaluate.add_argument("--tta", action="store_true", help=TTA_HELP)
    evaluate.add_argument("--json", action="store_true", help=JSON_QUIET_HELP)

    predict = commands.add_parser("predict", help="classify photos or folders of photos")
    predict.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    predict.add_argument("paths", metavar="PATH", nargs="+", help="photos, or folders of photos (searched "
                                                                  "with their subfolders)")
    predict.add_argument("--device", choices=DEVICE_CHOICES, default="auto", help=DEVICE_HELP)
    predict.add_argument("--tta", action="store_true", help=TTA_HELP)
    predict.add_argument("--json", action="store_true", help=JSON_QUIET_HELP)

    split = commands.add_parser("split", help="lay a flat or class-folder dataset out as train/validation/test")
    split.add_argument("source", metavar="SOURCE", help="dataset folder: class folders, or flat (class in "
                                                        "each file's name)")
    split.add_argument("out", metavar="OUT", help="new or empty folder where the train/validation/test "
                                                  "copies go")
    split.add_argument("--train", type=int, default=1000, help="images per class (default 1000)")
    split.add_argument("--validation", type=int, default=500, help="images per class (default 500)")
    split.add_argument("--test", type=int, default=500, help="images per class (default 500)")
    split.add_argument("--seed", type=int, default=0, help="shuffles which photos go to which split "
                                                           "(default 0)")
    split.add_argument("--json", action="store_true", help=JSON_HELP)

    export = commands.add_parser("export", help="export a model to ONNX, torch.export (.pt2) or TorchScript")
    export.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    # the names of core.export.FORMATS, written out: that module loads torch, which --help should not wait for
    export.add_argument("--format", choices=["onnx", "pt2", "torchscript"], required=True,
                        help="onnx (for ONNX Runtime and other tools), pt2 (torch.export, for PyTorch "
                             "without this app) or torchscript (the older PyTorch format, deprecated by "
                             "PyTorch)")
    export.add_argument("out", metavar="OUT", help="the file to write")
    export.add_argument("--json", action="store_true", help=JSON_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == [TORCHRUN_COMMAND]:
        return _torchrun(argv[1:])
    paths = window_paths(argv)
    if paths is not None:
        return _open_window(paths)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.self_test:
        from .gui.selftest import self_test  # the window's code is imported only when it is wanted

        return self_test()
    if args.command is None:
        return _open_window([])
    from .core.errors import UserError

    warnings.filterwarnings("ignore", category=UserWarning)
    started = time.perf_counter()
    interrupted = None
    try:
        if args.command == "train" and args.gpus is not None:
            return _train_on_gpus(args, argv)
        result = COMMANDS[args.command](args)
    except StoppedByCtrlC as stopped:  # a clean stop: its results as usual, then why it ended early
        result, interrupted = stopped.result, stopped
    except UserError as error:
        print(f"catdog-gui: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("catdog-gui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:  # the user gets a message, not a traceback
        print(f"catdog-gui: failed: {type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_FAILURE
    if result is None:  # a torchrun process other than rank 0: rank 0 reports
        return EXIT_OK
    if args.command == "train":
        result["seconds"] = round(time.perf_counter() - started, 3)
    if args.json:
        print(json.dumps(result))
    if interrupted is not None:
        print(f"catdog-gui: {interrupted}", file=sys.stderr)
        return EXIT_INTERRUPTED
    return EXIT_OK


def window_paths(argv: list[str]) -> list[str] | None:
    """The paths to open in the window if ``argv`` asks for the window, else None (a command or an option).

    Parameters
    ----------
    argv
        The arguments after the program's name.

    Returns
    -------
    list of str or None
        ``[]`` for no arguments; the arguments when none is an option and the first is not a command
        (``--`` first makes every later one a path).
    """
    if sys.platform == "darwin":  # macOS may add a process serial number when Finder starts an app
        argv = [arg for arg in argv if not arg.startswith("-psn_")]
    if argv[:1] == ["--"]:
        return argv[1:]
    if argv[:1] and argv[0] in COMMAND_NAMES:
        return None
    if any(arg.startswith("-") for arg in argv):
        return None  # an option (--help, --self-test, or one misplaced): argparse says what it means
    return argv


def _open_window(paths: list[str]) -> int:
    """Open the window on ``paths`` (or hand them to the window already open); 2 if one is missing."""
    missing = [path for path in paths if not os.path.exists(path)]
    if missing:
        print(f"catdog-gui: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from .gui.app import run_window  # the window's code is imported only when it is wanted

    return run_window([os.path.abspath(path) for path in paths])


# ---- commands -----------------------------------------------------------------------------------

def _train(args) -> dict | None:
    """Train; the JSON result, or None in a torchrun process other than rank 0 (which prints nothing)."""
    from .core import distributed
    from .core.errors import UserError
    from .core.gpu_check import unusable_gpu_note
    from .core.training import BatchDone, EpochDone, Finished, Notice, PhaseStarted, Progress, Training

    device_note = unusable_gpu_note() if distributed.is_main() else None
    if device_note:
        _say(f"Note: {device_note}")
    if args.resume:
        if args.start_from:
            raise UserError("--from starts a new run from a model, --resume continues a run with its own "
                            "settings; give one of them")
        if args.settings:
            raise UserError("--resume continues a run with its own settings; leave out --settings")
        training = Training.resume(args.resume)
    else:
        training = Training(_new_run_settings(args), runs_dir=args.runs_dir)
    bars = _Bars()
    finished = None
    ctrl_c = StopOnCtrlC(training)
    for record in ctrl_c.watching(_listing_skipped_on_failure(training)):
        if not distributed.is_main() and not isinstance(record, Finished):
            continue  # under torchrun rank 0 alone shows how the run goes
        if isinstance(record, PhaseStarted):
            bars.close()
            _say(f"{record.title}...")
        elif isinstance(record, Notice):
            bars.close()
            _say(record.text)
        elif isinstance(record, Progress):
            bars.update(record.phase, record.done, record.total, "img")
        elif isinstance(record, BatchDone):
            bars.update(f"epoch {record.epoch}/{record.epochs}", record.batch, record.batches, "batch",
                        loss=f"{record.loss:.3f}")
        elif isinstance(record, EpochDone):
            bars.close()
            _say(f"{record.phase} epoch {record.epoch}/{record.epochs}: loss {record.loss:.4f}, "
                 f"accuracy {record.accuracy:.4f}, val_loss {record.val_loss:.4f}, "
                 f"val_accuracy {record.val_accuracy:.4f} ({record.seconds:.1f} s){' *' if record.improved else ''}")
        elif isinstance(record, Finished):
            finished = record
    bars.close()
    if not distributed.is_main():
        return None
    _report_skipped(finished.skipped)
    _report_unused(training.dataset)
    _say(f"Run folder: {finished.run_dir}")
    if finished.test_accuracy is not None:
        _say(f"Test accuracy: {finished.test_accuracy:.4f}")
    result = {
        "run_dir": finished.run_dir,
        "model": finished.model_path,
        "best_val_accuracy": finished.best_val_accuracy,
        "test_accuracy": finished.test_accuracy,
        "seconds_per_epoch": finished.seconds_per_epoch,
        "epochs": finished.epochs,
        "device": finished.device,
        "device_note": device_note,  # why an NVIDIA GPU here went unused; None if none did
        "reading": finished.reading,
        "preparing_seconds": finished.preparing_seconds,
        "train_images_per_second": finished.train_images_per_second,
        "stopped": finished.stopped,
        "early_stopped": finished.early_stopped,
        "world_size": finished.world_size,
        "skipped": [s.as_dict() for s in finished.skipped],
        "counts": training.dataset.counts(),
        "unused": _unused_json(training.dataset),
    }
    if ctrl_c.pressed and finished.stopped:
        raise StoppedByCtrlC(stopped_message(finished), result)
    return result


class StoppedByCtrlC(Exception):
    """Ctrl-C stopped a run cleanly: the message says what was kept; ``result`` is the run's JSON result."""

    def __init__(self, message: str, result: dict):
        super().__init__(message)
        self.result = result


class StopOnCtrlC:
    """Ctrl-C (SIGINT) during a run: the first asks the run to stop at the end of its batch, as the
    window's Stop does, so that the best model so far is kept and the run can be continued; a second
    one stops at once (KeyboardInterrupt).

    Parameters
    ----------
    training
        What to stop: anything with a ``stop()`` method that may be called from a signal handler.
    """

    def __init__(self, training):
        self.training = training
        self.pressed = False

    def watching(self, records):
        """``records`` as they come; while they are read, Ctrl-C is handled as above."""
        if not _may_handle_ctrl_c():
            yield from records
            return
        previous = signal.signal(signal.SIGINT, self.on_ctrl_c)
        try:
            yield from records
        finally:
            signal.signal(signal.SIGINT, previous)

    def on_ctrl_c(self, signum=signal.SIGINT, frame=None) -> None:
        """The SIGINT handler: stop cleanly the first time, at once the second."""
        if self.pressed:
            raise KeyboardInterrupt
        self.pressed = True
        self.training.stop()
        # os.write, not print: a handler may run while the main thread is inside a print to stderr.
        below_a_bar = "\n" if sys.stderr.isatty() else ""
        os.write(2, f"{below_a_bar}catdog-gui: stopping at the end of this batch (Ctrl-C again stops at once)\n"
                 .encode())


def _may_handle_ctrl_c() -> bool:
    """Python lets only the main thread handle signals, and a SIGINT that is ignored (a job started in
    the background) stays ignored."""
    return (threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) not in (signal.SIG_IGN, None))


def stopped_message(finished) -> str:
    """The line that says what a run that Ctrl-C stopped kept (``finished``: its Finished record)."""
    if finished.model_path is None:
        return f"interrupted before the first epoch ended; no model was saved in {finished.run_dir}"
    from .core.paths import can_resume

    go_on = f" (to go on: catdog-gui train --resume {finished.run_dir})" if can_resume(finished.run_dir) else ""
    return f"interrupted; the best model so far is kept in {finished.model_path}{go_on}"


def _new_run_settings(args):
    """The settings of a new run: the recipe's defaults, or the ``--settings`` file's values, with the
    options given on the command line on top (``None``: not given)."""
    from .core.errors import UserError
    from .core.preprocessing import Augmentation
    from .core.recipes import resolve_settings

    overrides = {name: getattr(args, name) for name in (
        "backbone", "weights_file", "epochs", "head_epochs", "batch_size", "lr", "fine_tune_lr",
        "image_size", "early_stopping", "seed", "device", "precision", "subset",
        "pixel_cache_gb", "steps_per_epoch", "preset", "monitor", "optimizer", "weight_decay",
        "label_smoothing", "schedule", "class_weights", "start_from")}
    if args.no_augmentation:
        overrides["augmentation"] = Augmentation()
    if not args.settings:
        if not args.data:
            raise UserError("train needs a DATA folder (or --resume RUN_DIR to continue a run, or --settings FILE)")
        return resolve_settings(args.data, args.strategy, **overrides)  # None: the default, or --from's
    from_file = read_settings_file(args.settings)
    values = {field.name: getattr(from_file, field.name) for field in dataclasses.fields(from_file)}
    values.update({name: value for name, value in overrides.items() if value is not None})
    data, strategy = values.pop("data"), values.pop("strategy")
    try:
        # Through resolve_settings, so that the file's values are checked as the options are.
        return resolve_settings(args.data or data, args.strategy or strategy, **values)
    except TypeError as error:  # "epochs": "ten" and the like
        raise UserError(f"--settings {args.settings}: a value has the wrong type ({error})") from None


def read_settings_file(path: str):
    """The :class:`~catdog_gui.core.recipes.Settings` in ``path`` (a run folder's settings.json format).

    Raises
    ------
    UserError
        If the file cannot be read, is not JSON, or does not hold settings (its shape or a value's type
        is wrong); the message names the file and says what is wrong.
    """
    from .core.recipes import Settings
    from .core.runfiles import read_text

    source = f"--settings {path}"  # the option in the message: the file is the one given there
    return Settings.from_json(read_text(path, source), source)


def _listing_skipped_on_failure(training):
    """The run's records; a run that fails on bad input first lists the files it left out (the reason
    may be that a class has no usable photos left)."""
    from .core import distributed
    from .core.errors import UserError

    try:
        yield from training.run()
    except UserError:
        if training.dataset is not None and distributed.is_main():  # None: it failed before loading the photos
            _report_skipped(training.dataset.skipped)
        raise


def _train_on_gpus(args, argv: list[str]) -> int:
    """``train --gpus N``: the same command line in N processes that torchrun starts on this machine,
    one per CUDA GPU (``--gpus`` left out); torchrun's exit status."""
    import signal
    import subprocess

    import torch

    from .core import distributed
    from .core.errors import UserError

    if distributed.launched():
        raise UserError("--gpus starts torchrun itself; under torchrun leave it out")
    if args.gpus < 1:
        raise UserError(f"--gpus {args.gpus}: give a number of GPUs, 1 or more")
    if args.device not in (None, "auto", "cuda"):
        raise UserError(f"--gpus trains on CUDA GPUs; leave out --device {args.device}")
    if args.settings:  # a bad file is said once here, not by every process torchrun starts
        device = _new_run_settings(args).device
        if device not in ("auto", "cuda"):
            raise UserError(f"--gpus trains on CUDA GPUs; {args.settings} asks for device '{device}'")
    present = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if present == 0:
        raise UserError(f"no CUDA GPUs here; for CPU processes use torchrun --nproc-per-node {args.gpus} directly")
    if args.gpus > present:
        raise UserError(f"--gpus {args.gpus}: this machine has {present} CUDA GPU{'s' if present > 1 else ''}")
    with subprocess.Popen(torchrun_command(args.gpus, _without_gpus(argv))) as torchrun:
        # The window stops such a run with SIGTERM: torchrun passes it on to its processes.
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: torchrun.terminate())
        try:
            return torchrun.wait()
        finally:
            signal.signal(signal.SIGTERM, previous)


def torchrun_command(processes: int, argv: list[str]) -> list[str]:
    """The command that runs ``catdog-gui ARGV`` in ``processes`` processes on this machine through
    torchrun. A frozen app has no ``python -m``: it runs torchrun itself (:data:`TORCHRUN_COMMAND`),
    which then starts the app's own executable for each process."""
    launch = ["--standalone", f"--nproc-per-node={processes}"]
    if getattr(sys, "frozen", False):
        return [sys.executable, TORCHRUN_COMMAND, *launch, "--no-python", sys.executable, *argv]
    return [sys.executable, "-m", "torch.distributed.run", *launch, "-m", "catdog_gui", *argv]


def _torchrun(argv: list[str]) -> int:
    """torchrun inside this process (see :func:`torchrun_command`); its arguments as torchrun's own."""
    from torch.distributed.run import main as torchrun

    torchrun(argv)
    return EXIT_OK


def _without_gpus(argv: list[str]) -> list[str]:
    """``argv`` without ``--gpus N`` or ``--gpus=N``, as argparse read them (it takes any prefix from
    ``--g``, which no other option of train starts with)."""
    kept, value_follows = [], False
    for token in argv:
        if value_follows:
            value_follows = False
            continue
        option = token.split("=", 1)[0]
        if len(option) >= len("--g") and "--gpus".startswith(option):
            value_follows = "=" not in token
            continue
        kept.append(token)
    return kept


def _evaluate(args) -> dict:
    from .core.evaluation import evaluate
    from .core.prediction import Predictor

    predictor = Predictor(args.model, device=args.device, tta=args.tta)
    bars = _Bars(shown=shows_progress(args))
    try:
        result = evaluate(predictor, args.data, lambda done, total: bars.update("evaluating", done, total, "img"))
    finally:
        bars.close()
    _report_skipped(result.skipped)
    mirrored = ", each also seen mirrored (test-time augmentation)" if args.tta else ""
    _say(f"Accuracy: {result.accuracy:.4f} on {sum(map(sum, result.confusion_matrix))} images{mirrored}")
    _say(f"Balanced accuracy (mean recall of the classes): {result.balanced_accuracy:.4f}")
    recall = result.recall
    for name, precision in result.precision.items():
        _say(f"  {name}: recall {recall[name]:.4f}, precision {precision:.4f}" if name in recall else
             f"  {name}: no photos, precision {precision:.4f}")
    return result.as_dict()


def _predict(args) -> dict:
    from .core.prediction import Predictor

    predictor = Predictor(args.model, device=args.device, tta=args.tta)
    bars = _Bars(shown=shows_progress(args))
    try:
        predictions, skipped = predictor.predict_paths(
            args.paths, lambda done, total: bars.update("classifying", done, total, "img"))
    finally:
        bars.close()
    if not args.json:
        for p in predictions:
            print(f"{p.path}\t{p.label}\t{p.probability:.4f}")
    _report_skipped(skipped)
    return {"predictions": [p.as_dict() for p in predictions], "skipped": [s.as_dict() for s in skipped],
            "tta": predictor.tta}


def _split(args) -> dict:
    from .core.datasets import load_dataset, write_split

    dataset = load_dataset(args.source, seed=args.seed, counts=(args.train, args.validation, args.test))
    counts = write_split(dataset, args.out)
    _report_skipped(dataset.skipped)
    _report_unused(dataset)
    for split, row in counts.items():
        _say(f"{split}: " + ", ".join(f"{name} {n}" for name, n in row.items()))
    return {"out": args.out, "counts": counts, "skipped": [s.as_dict() for s in dataset.skipped]}


def _info(args) -> dict:
    from .core.datasets import load_dataset

    dataset = load_dataset(args.data, seed=args.seed, subset=args.subset)
    result = {
        "layout": dataset.layout,
        "classes": dataset.classes,
        "counts": dataset.counts(),
        "unused": _unused_json(dataset),
        "skipped": [s.as_dict() for s in dataset.skipped],
    }
    # The report is the result: on standard output, unless that is kept for the JSON line.
    out = sys.stderr if args.json else sys.stdout
    for line in _info_lines(dataset):
        print(line, file=out)
    return result


def _info_lines(dataset) -> list[str]:
    counts = dataset.counts()
    used = sum(sum(row.values()) for row in counts.values())
    lines = [f"Folder: {dataset.root}", f"Layout: {dataset.layout}",
             f"Classes: {', '.join(dataset.classes)}", f"{used} photos used:"]
    lines += [f"  {split}: " + ", ".join(f"{name} {n}" for name, n in row.items()) for split, row in counts.items()]
    if dataset.unused_total():
        lines.append(f"{dataset.unused_total()} photos {dataset.unused_reason}:")
        lines += [f"  {key}: " + ", ".join(f"{name} {n}" for name, n in row.items())
                  for key, row in dataset.unused_counts().items()]
    else:
        lines.append("No photos set aside.")
    lines.append(f"{len(dataset.skipped)} files skipped" + (":" if dataset.skipped else "."))
    lines += [f"  {item.path}: {item.reason}" for item in dataset.skipped]
    return lines


def _unused_json(dataset) -> dict:
    """The photos set aside: ``{"counts": {split: {class: n}}, "total": n, "reason": "set aside: ..."}``
    (split ``unsplit`` for a folder not split yet; empty counts, 0 and "" when none)."""
    return {"counts": dataset.unused_counts(), "total": dataset.unused_total(), "reason": dataset.unused_reason}


def _export(args) -> dict:
    from .core.export import export_model

    out = export_model(args.model, args.format, args.out)
    _say(f"Wrote {out}")
    return {"out": str(out), "format": args.format}


COMMANDS = {"train": _train, "info": _info, "evaluate": _evaluate, "predict": _predict, "split": _split,
            "export": _export}


# ---- output helpers -----------------------------------------------------------------------------

def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _report_skipped(skipped) -> None:
    if skipped:
        _say(f"{len(skipped)} files were skipped:")
        for item in skipped:
            _say(f"  {item.path}: {item.reason}")


def _report_unused(dataset) -> None:
    if dataset is not None and dataset.unused_total():
        _say(f"{dataset.unused_total()} usable photos were {dataset.unused_reason}")


def shows_progress(args) -> bool:
    """Whether ``evaluate`` and ``predict`` show a progress bar: on a terminal, and not with ``--json``
    (its caller is a script).

    Parameters
    ----------
    args
        The parsed command line (its ``json``).

    Returns
    -------
    bool
        True when standard error is a terminal and ``--json`` was not given.
    """
    return not args.json and sys.stderr.isatty()


class _Bars:
    """One tqdm progress bar at a time on standard error. ``shown``: always (True), never (False), or,
    by default, when standard error is a terminal."""

    def __init__(self, shown: bool | None = None):
        self.bar = None
        self.label = None
        self.disable = None if shown is None else not shown  # tqdm's None: only on a terminal

    def update(self, label: str, done: int, total: int, unit: str, **postfix) -> None:
        from tqdm import tqdm

        if label != self.label:
            self.close()
            self.bar = tqdm(total=total, desc=label, unit=unit, file=sys.stderr, leave=False,
                            disable=self.disable, dynamic_ncols=True)
            self.label = label
        self.bar.n = done
        if postfix:
            self.bar.set_postfix(postfix, refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        self.bar, self.label = None, None


if __name__ == "__main__":
    sys.exit(main())
