"""Network shapes and sizes (the lecture's exact numbers), backbones, and the EfficientNet-Lite weight mapping."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from catdog_gui.core import backbones
from catdog_gui.core.images import load_pixels
from catdog_gui.core.models import SCRATCH, HeadSpec, build_classifier, count_parameters, probabilities
from catdog_gui.core.recipes import RECIPES

# ImageNet class indices: 281-285 are domestic cats, 151-268 are dog breeds.
IMAGENET_CATS = range(281, 286)
IMAGENET_DOGS = range(151, 269)


def test_small_cnn_has_the_lectures_parameter_count_and_flatten_size():
    model = build_classifier(SCRATCH, 2, RECIPES["scratch"].head, 150)
    assert model.feature_size == 6272
    assert count_parameters(model) == 3_453_121
    assert model(torch.rand(2, 3, 150, 150)).shape == (2, 1)


def test_augmented_small_cnn_puts_dropout_before_the_dense_layer():
    model = build_classifier(SCRATCH, 2, RECIPES["scratch-augmented"].head, 150)
    assert isinstance(model.head[0], torch.nn.Dropout) and model.head[0].p == 0.5
    assert count_parameters(model) == 3_453_121


def test_vgg16_base_and_head_match_the_lecture():
    model = build_classifier("vgg16", 2, RECIPES["feature-extraction"].head, 150)
    base = count_parameters(model.lower) + count_parameters(model.top)
    assert base == 14_714_688
    with torch.no_grad():
        raw = model.top(model.lower(torch.zeros(1, 3, 150, 150)))
    assert raw.shape == (1, 512, 4, 4)
    assert model.feature_size == 4 * 4 * 512
    assert count_parameters(model) == 16_812_353
    # the top block is block5: three 3x3 convolutions of 512 filters
    convs = [m for m in model.top.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [(c.in_channels, c.out_channels) for c in convs] == [(512, 512)] * 3


@pytest.mark.parametrize("name", [n for n in backbones.BACKBONES if n != "vgg16"])
def test_every_backbone_builds_offline_and_gives_its_declared_features(name):
    spec = backbones.get_backbone(name)
    model = build_classifier(name, 3, HeadSpec(8), 96)
    assert model.pool and model.feature_size in (960, 1280, 2048)
    assert model(torch.rand(2, 3, 96, 96)).shape == (2, 3)
    assert count_parameters(model.top) > 0
    assert len(spec.mean) == len(spec.std) == 3


def test_probabilities_cover_binary_and_multiclass():
    binary = probabilities(torch.tensor([[0.0], [2.0]]))
    assert torch.allclose(binary.sum(1), torch.ones(2))
    assert binary[0, 1] == pytest.approx(0.5) and binary[1, 1] > 0.8
    multi = probabilities(torch.tensor([[1.0, 2.0, 3.0]]))
    assert multi.argmax().item() == 2 and multi.sum().item() == pytest.approx(1.0)


LITES = pytest.mark.parametrize("number", [0, 1, 2], ids=lambda n: f"lite{n}")


@LITES
def test_lite_stage_depths_are_timms_and_only_the_first_block_is_separable(number):
    net = backbones.BACKBONES[f"efficientnet-lite{number}"].build()
    assert backbones.LITE_STAGE_DEPTHS[number] == tuple(len(stage) for stage in net.blocks)
    kinds = [type(block).__name__ for stage in net.blocks for block in stage]
    assert kinds == ["DepthwiseSeparableConv"] + ["InvertedResidual"] * (len(kinds) - 1)


@LITES
def test_lite_mapping_is_one_to_one_in_order_with_equal_shapes(number):
    source = torch.load(backbones.lite_weights_file(number), map_location="cpu", weights_only=True)
    target = backbones.BACKBONES[f"efficientnet-lite{number}"].build().state_dict()
    mapped = [backbones.lite_key_to_timm(key, backbones.LITE_STAGE_DEPTHS[number]) for key in source]
    assert len(source) == {0: 296, 1: 386, 2: 386}[number]
    assert len(set(mapped)) == len(mapped)
    # classifier excepted (the base is built headless), the order and shapes agree exactly
    body = [k for k in mapped if not k.startswith("classifier")]
    assert body == [k for k in target if not k.startswith("classifier")]
    for key, value in zip(source, mapped):
        if value in target:
            assert target[value].shape == source[key].shape, key


def test_lite_key_examples():
    def lite0(key):
        return backbones.lite_key_to_timm(key, backbones.LITE_STAGE_DEPTHS[0])

    assert lite0("_conv_stem.weight") == "conv_stem.weight"
    assert lite0("_blocks.0._project_conv.weight") == "blocks.0.0.conv_pw.weight"
    assert lite0("_blocks.3._bn1.bias") == "blocks.2.0.bn2.bias"
    assert lite0("_blocks.15._project_conv.weight") == "blocks.6.0.conv_pwl.weight"
    assert lite0("_bn1.running_var") == "bn2.running_var"
    lite1_depths = backbones.LITE_STAGE_DEPTHS[1]
    assert backbones.lite_key_to_timm("_blocks.4._bn1.bias", lite1_depths) == "blocks.2.0.bn2.bias"
    assert backbones.lite_key_to_timm("_blocks.20._project_conv.weight", lite1_depths) == "blocks.6.0.conv_pwl.weight"


@LITES
def test_lite_weights_are_built_in_and_load_into_timm(number):
    import timm

    spec = backbones.get_backbone(f"efficientnet-lite{number}")
    assert backbones.weights_status(spec) == "built in" and spec.torchvision_weights is None
    state, weights_id = backbones.pretrained_state_dict(spec)
    assert weights_id == backbones.lite_weights_file(number).name
    timm.create_model(f"tf_efficientnet_lite{number}", pretrained=False).load_state_dict(state)  # strict
    lower, top = backbones.build_base(spec, state)
    assert torch.equal(lower[0].weight, state["conv_stem.weight"])


def _imagenet_top_classes(number: int, paths: list[Path]) -> list[int]:
    import timm

    spec = backbones.get_backbone(f"efficientnet-lite{number}")
    net = timm.create_model(f"tf_efficientnet_lite{number}", pretrained=False)
    net.load_state_dict(backbones.lite_imagenet_state_dict(number))
    batch = torch.stack([torch.from_numpy(load_pixels(p, spec.image_size).copy()).permute(2, 0, 1) for p in paths])
    x = (batch.float() / 255 - torch.tensor(spec.mean).view(3, 1, 1)) / torch.tensor(spec.std).view(3, 1, 1)
    with torch.no_grad():
        return net.eval()(x).argmax(1).tolist()


@LITES
def test_lite_weights_label_real_photos_as_imagenet_cats_and_dogs(number, real_photos):
    cats = sorted((real_photos / "test" / "cats").glob("*.jpg"))[:12]
    dogs = sorted((real_photos / "test" / "dogs").glob("*.jpg"))[:12]
    labels = _imagenet_top_classes(number, cats + dogs)
    cat_hits = sum(label in IMAGENET_CATS for label in labels[:12])
    dog_hits = sum(label in IMAGENET_DOGS for label in labels[12:])
    # random weights would get ~0 of either; the mapped ImageNet weights get most of both
    assert cat_hits >= 8, labels[:12]
    assert dog_hits >= 9, labels[12:]


def test_weights_file_that_does_not_fit_is_refused(tmp_path):
    from catdog_gui.core.errors import UserError

    path = tmp_path / "other.pth"
    torch.save({"conv_stem.weight": torch.zeros(1)}, path)
    spec = backbones.get_backbone("efficientnet-lite0")
    state, weights_id = backbones.pretrained_state_dict(spec, str(path))
    assert weights_id.startswith("file-")
    with pytest.raises(UserError, match="do not fit"):
        backbones.build_base(spec, state)


def test_depthwise_convolutions_compute_in_float32_under_autocast_and_keep_their_names():
    import copy

    from catdog_gui.core.models import depthwise_in_float32

    torch.manual_seed(0)
    block = nn.Sequential(nn.Conv2d(8, 8, 5, padding=2, groups=8), nn.Conv2d(8, 16, 1), nn.Conv2d(16, 16, 3, padding=1))
    keys = list(block.state_dict())
    x = torch.rand(2, 8, 12, 12)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        before = block[0](x.bfloat16())
    assert depthwise_in_float32(block) == 1  # only the depthwise one; pointwise and full convolutions stay
    assert depthwise_in_float32(block) == 0  # once is enough
    assert list(block.state_dict()) == keys and isinstance(block[0], nn.Conv2d)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        after = block[0](x.bfloat16())
    exact = nn.functional.conv2d(x.bfloat16().float(), block[0].weight, block[0].bias, padding=2, groups=8)
    assert after.dtype == torch.bfloat16
    assert torch.equal(after, exact.bfloat16())  # computed in float32, handed on in the input's type
    assert not torch.equal(before, after)  # bfloat16 arithmetic differs
    copied = copy.deepcopy(block)
    assert type(copied[0]) is type(block[0])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        assert torch.equal(copied[0](x.bfloat16()), after)
