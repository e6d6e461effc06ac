"""The names the user chooses from (backbones, strategies, devices, ...) as plain data, free of torch.

The command line builds its ``--help`` from these alone, so that ``catdog-gui --help`` answers at once
instead of after loading torch. The modules that use them import them from here; the registries that
need torch (:data:`.backbones.BACKBONES`, :data:`.recipes.RECIPES`) have the same keys, which
tests/test_cli_startup.py checks.
"""

from __future__ import annotations

# The keys of backbones.BACKBONES, in its order (the order of the choices in --help and in the window).
BACKBONE_NAMES = ("efficientnet-lite0", "efficientnet-lite1", "efficientnet-lite2", "vgg16", "resnet50",
                  "mobilenet-v3-large", "efficientnet-b0")
DEFAULT_BACKBONE = "efficientnet-lite0"
SCRATCH = "scratch-cnn"  # the "backbone" name of the lecture's small CNN (no pretrained base)

# The keys of recipes.RECIPES: the lecture's five strategies.
RECIPE_NAMES = ("scratch", "scratch-augmented", "feature-extraction", "feature-extraction-augmented", "fine-tuning")
DEFAULT_RECIPE = "feature-extraction"
PRESETS = ("recommended", "lecture")
DEFAULT_PRESET = "recommended"
OPTIMIZERS = ("rmsprop", "adamw")
SCHEDULES = ("constant", "cosine")
MONITORS = ("accuracy", "loss")  # what picks the best epoch and stops early: validation accuracy or loss
CLASS_WEIGHTS = ("auto", "on", "off")

SUBSETS = ("all", "lecture")  # which photos of a dataset a run uses (see datasets.load_dataset)
EVERY_PHOTO_SUBSET, LECTURE_SUBSET = SUBSETS

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")
AUTO_DEVICE, CPU_DEVICE, CUDA_DEVICE, MPS_DEVICE = DEVICE_CHOICES
PRECISION_CHOICES = ("auto", "fp32", "bf16", "fp16")

# The recipes one by one, for code that means a particular one (RECIPE_NAMES in its order).
(SCRATCH_RECIPE, SCRATCH_AUGMENTED_RECIPE, FEATURE_EXTRACTION_RECIPE, FEATURE_EXTRACTION_AUGMENTED_RECIPE,
 FINE_TUNING_RECIPE) = RECIPE_NAMES
LECTURE_PRESET = "lecture"  # the lecture's own values; the other preset, DEFAULT_PRESET, is the recommended one
AUTO_CLASS_WEIGHTS, CLASS_WEIGHTS_ON, CLASS_WEIGHTS_OFF = CLASS_WEIGHTS
RMSPROP, ADAMW = OPTIMIZERS
CONSTANT_SCHEDULE, COSINE_SCHEDULE = SCHEDULES
ACCURACY_MONITOR, LOSS_MONITOR = MONITORS

# Whether a backbone's weights are here (core/backbones.py weights_status; the window says it in words).
WEIGHTS_BUILT_IN, WEIGHTS_CACHED, WEIGHTS_DOWNLOAD_NEEDED, WEIGHTS_UNKNOWN = (
    "built in", "cached", "download needed", "unknown")
