"""Training more: a new run whose weights begin from an earlier model file (its parent).

The child run builds the model of its own strategy as usual, then takes every weight it can from the
parent, so that it starts where the parent left off rather than from chance. The photos, strategy and
epochs are the user's to choose; what the weights cannot carry over is refused with the reason:

- The backbone must be the parent's (a small-CNN parent starts only the two scratch strategies, a
  pretrained one only the three pretrained strategies, on the same network), and the head the same
  size. The strategy may differ: the head's dense layers are matched in order, whatever dropout sits
  between them.
- The image size is the parent's: a child run takes it when none is asked for and refuses another.
  The small CNN's head reads its flattened feature map, whose length depends on the size; a pooled
  network would run, but its features change with the scale of things, and the parent's answers with them.
- The normalisation is the parent's: with the same backbone it always is, and a file that says
  otherwise was written for another definition of the network, whose weights would not mean the same.
- The photos must hold every class the parent knows (more are welcome): a model can learn classes,
  not forget some; and each class keeps its output unit, matched by name.
- New classes get new output units. Softmax answers do not change when the same number is added to
  every logit, so the parent's output layer is first centred (its units' weights and biases less their
  mean): every old answer stays the same, and the largest old logit is at least 0. New units start at
  zero weights and bias, a logit of 0: before training a new class is never more likely than the
  parent's choice, and it learns from its first photos. A two-class parent has one logit ``z`` for its
  second class (sigmoid); it becomes the two softmax units ``[-z/2, z/2]``, which give the same
  probabilities (and are ``[0, z]`` centred).
- Every weight comes from the parent, the pretrained base's too (a fine-tuned parent's base is its own):
  no ImageNet weights are read, and cached features are kept under the parent's base (see
  :func:`base_weights_id`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import torch
from torch import nn

from .errors import ModelFileError, UserError
from .modelfile import ModelInfo, read_info
from .models import SCRATCH, SCRATCH_MEAN, SCRATCH_STD, ImageClassifier
from .runfiles import SETTINGS_FILE  # a folder holding it next to the model is a run folder


@dataclass(frozen=True)
class Parent:
    """A model file a run starts from: where it is, what it says, and its weights."""

    path: Path
    info: ModelInfo
    tensors: dict[str, torch.Tensor]

    @property
    def run_name(self) -> str | None:
        return parent_run_name(self.path)


def parent_run_name(model_path: str | Path) -> str | None:
    """The folder name of the run that wrote ``model_path``; None for a model outside a run folder.

    Parameters
    ----------
    model_path
        A model file.

    Returns
    -------
    str or None
        The name of the model's folder when that folder holds a run's settings.json.
    """
    folder = Path(model_path).absolute().parent
    return folder.name if (folder / SETTINGS_FILE).is_file() else None


def recording_parent(settings):
    """``settings`` (a :class:`~.recipes.Settings`) with its parent as settings.json records it: the model's
    absolute path, and the name of the run folder it lies in where none is recorded yet (no model is read)."""
    if not settings.start_from:
        return settings
    path = Path(settings.start_from).absolute()
    run_name = settings.start_from_run or parent_run_name(path)
    return replace(settings, start_from=str(path), start_from_run=run_name)


def read_parent(path: str | Path) -> Parent:
    """Read and check the model a run is to start from.

    Raises
    ------
    ModelFileError
        If it is missing, damaged, or not a model of this app; the message names the file.
    """
    try:
        info, tensors = read_info(path)
    except ModelFileError as error:
        raise ModelFileError(f"cannot start from this model: {error}") from None
    return Parent(Path(path).absolute(), info, tensors)


def parent_overrides(path: str | Path, strategy: str | None, overrides: dict) -> tuple[str, dict]:
    """The strategy and settings overrides of a run that starts from the model at ``path``.

    The parent's strategy when none is given, its backbone and image size when none is asked for,
    the model's absolute path and its run folder's name recorded; no backbone weights file is read.

    Parameters
    ----------
    path
        The parent model file.
    strategy
        The strategy asked for, or None for the parent's.
    overrides
        The settings asked for (None values are not asked for).

    Raises
    ------
    UserError
        If the file cannot be read, or its weights cannot start a run of ``strategy``.
    """
    from .recipes import DEFAULT_RECIPE, RECIPES

    parent = read_parent(path)
    info = parent.info
    if not strategy:  # the parent's; for a file that names none, a strategy of its network
        strategy = info.recipe if info.recipe in RECIPES else "scratch" if info.backbone == SCRATCH else DEFAULT_RECIPE
    if strategy not in RECIPES:
        return strategy, overrides  # resolve_settings says which strategies there are
    asked = {k: v for k, v in overrides.items() if v is not None}
    pretrained = RECIPES[strategy].pretrained
    backbone = asked.get("backbone", info.backbone if pretrained else SCRATCH)
    image_size = asked.get("image_size", info.image_size)
    check_fits(parent, strategy, backbone, image_size)
    if pretrained:
        asked["backbone"] = backbone
    asked.update(image_size=image_size, start_from=str(parent.path), start_from_run=parent.run_name,
                 weights_file=None)
    return strategy, asked


def check_fits(parent: Parent, strategy: str, backbone: str, image_size: int) -> None:
    """Refuse a parent whose weights cannot start a run of ``strategy`` on ``backbone`` at ``image_size``.

    Raises
    ------
    UserError
        Naming the model file and what to choose instead.
    """
    from .recipes import RECIPES

    info, where, recipe = parent.info, parent.path, RECIPES[strategy]
    if info.backbone == SCRATCH and recipe.pretrained:
        raise UserError(f"{where}: this model is the small CNN trained from scratch; its weights cannot start the "
                        f"'{strategy}' strategy, which uses a pretrained network: choose scratch or scratch-augmented")
    if info.backbone != SCRATCH and not recipe.pretrained:
        raise UserError(f"{where}: this model is built on {info.backbone}; its weights cannot start the "
                        f"'{strategy}' strategy, which trains the small CNN: choose a pretrained strategy")
    if backbone != info.backbone:
        raise UserError(f"{where}: this model is built on {info.backbone}, not {backbone}; a run that starts "
                        f"from it uses the same network")
    if image_size != info.image_size:
        raise UserError(f"{where}: this model sees photos at {info.image_size} px; a run that starts from it "
                        f"uses the same size (not {image_size} px), which its weights were learnt at")
    if info.head.hidden != recipe.head.hidden:
        raise UserError(f"{where}: this model's head has {info.head.hidden} units where the '{strategy}' strategy's "
                        f"has {recipe.head.hidden}; its weights cannot start such a run")
    expected = _normalisation(backbone)
    if not (_close(info.mean, expected[0]) and _close(info.std, expected[1])):
        raise UserError(f"{where}: this model normalises its input with mean {list(info.mean)} and std "
                        f"{list(info.std)}, not as {backbone} does now; its weights would not mean the same")


def check_classes(parent: Parent, classes: list[str]) -> None:
    """Refuse photos that lack some of the parent's classes (more classes are fine).

    Raises
    ------
    UserError
        Naming the model file and the missing classes.
    """
    missing = [name for name in parent.info.classes if name not in classes]
    if missing:
        raise UserError(f"{parent.path}: this model knows {_listed(missing)}, which the photos lack; a run that "
                        f"starts from it needs a folder for every class it knows ({_listed(parent.info.classes)}), "
                        "and may add new ones")


def base_weights_id(parent: Parent) -> str:
    """The id under which features of the parent's base are cached (a digest of its base's weights)."""
    digest = hashlib.blake2b(digest_size=12)
    for name in sorted(parent.tensors):
        if not name.startswith("head."):
            tensor = parent.tensors[name].contiguous()
            digest.update(name.encode())
            digest.update(str(tuple(tensor.shape)).encode())
            digest.update(tensor.reshape(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b"")
    return "parent-" + digest.hexdigest()


@torch.no_grad()
def load_parent_weights(model: ImageClassifier, parent: Parent, classes: list[str]) -> None:
    """Put the parent's weights into ``model``, a new classifier of ``classes`` (see the module's rules).

    Parameters
    ----------
    model
        Built for the child run: the parent's backbone and head size, one output per class (one
        for two classes).
    parent
        The model file read with :func:`read_parent`.
    classes
        The child's classes in its order: every one of the parent's, and maybe more.

    Raises
    ------
    UserError
        If the photos lack a class of the parent, or a weight does not fit (naming the file).
    """
    check_classes(parent, classes)
    own = model.state_dict()
    weights = {name: parent.tensors.get(name) for name in own
               if not name.startswith("head.") and own[name].is_floating_point()}
    weights.update(_head_weights(model, parent, classes))
    for name, tensor in weights.items():
        if tensor is None or tuple(tensor.shape) != tuple(own[name].shape):
            found = "missing" if tensor is None else f"of shape {tuple(tensor.shape)}"
            raise UserError(f"{parent.path}: its weight {name} is {found}; the new run's model needs "
                            f"{tuple(own[name].shape)}")
    model.load_state_dict(weights, strict=False)


def _head_weights(model: ImageClassifier, parent: Parent, classes: list[str]) -> dict[str, torch.Tensor]:
    """The child's head weights from the parent's: its dense layers in order, the last one's units by class."""
    child_layers = [name for name, layer in model.head.named_children() if isinstance(layer, nn.Linear)]
    parent_layers = sorted({name.split(".")[1] for name in parent.tensors if name.startswith("head.")}, key=int)
    if len(child_layers) != len(parent_layers):
        raise UserError(f"{parent.path}: its head has {len(parent_layers)} dense layers where the new run's has "
                        f"{len(child_layers)}")
    weights = {}
    for mine, theirs in zip(child_layers[:-1], parent_layers[:-1]):
        for kind in ("weight", "bias"):
            weights[f"head.{mine}.{kind}"] = parent.tensors.get(f"head.{theirs}.{kind}")
    weight, bias = parent.tensors.get(f"head.{parent_layers[-1]}.weight"), parent.tensors.get(
        f"head.{parent_layers[-1]}.bias")
    if weight is None or bias is None:
        raise UserError(f"{parent.path}: its output layer is incomplete")
    weight, bias = output_units_for(weight, bias, parent.info.classes, classes)
    weights[f"head.{child_layers[-1]}.weight"], weights[f"head.{child_layers[-1]}.bias"] = weight, bias
    return weights


def output_units_for(weight: torch.Tensor, bias: torch.Tensor, old: list[str],
                     new: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """The output layer for classes ``new`` from one for classes ``old`` (a subset of them).

    Parameters
    ----------
    weight, bias
        The old output layer: ``(1, hidden)`` and ``(1,)`` for two classes (the logit of ``old[1]``),
        ``(len(old), hidden)`` and ``(len(old),)`` otherwise.
    old, new
        The class names of the old and the new layer, in their orders.

    Returns
    -------
    tuple of torch.Tensor
        The new layer's weight and bias: for two classes, the old logit (negated if the classes come
        in the other order); otherwise each old class's centred unit in its new place, and zeros for
        the new classes (see the module's docstring for why).
    """
    if len(new) == 2:  # and so len(old) == 2: the same two classes
        sign = 1.0 if new[1] == old[1] else -1.0
        return sign * weight, sign * bias
    if len(old) == 2:  # one logit z for old[1]: the softmax units [-z/2, z/2]
        weight, bias = torch.cat([-weight, weight]) / 2, torch.cat([-bias, bias]) / 2
    else:
        weight, bias = weight - weight.mean(0, keepdim=True), bias - bias.mean()
    new_weight = weight.new_zeros((len(new), weight.shape[1]))
    new_bias = bias.new_zeros(len(new))
    for row, name in enumerate(old):
        new_weight[new.index(name)] = weight[row]
        new_bias[new.index(name)] = bias[row]
    return new_weight, new_bias


def _normalisation(backbone: str) -> tuple[tuple[float, ...], tuple[float, ...]]:
    if backbone == SCRATCH:
        return SCRATCH_MEAN, SCRATCH_STD
    from .backbones import get_backbone

    spec = get_backbone(backbone)
    return tuple(spec.mean), tuple(spec.std)


def _close(values, expected) -> bool:
    return len(values) == len(expected) and all(abs(a - b) <= 1e-6 for a, b in zip(values, expected))


def _listed(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)
