#!/usr/bin/env bash
# Run every recipe briefly on the CUDA GPU and print device, precision and images per second.
# Usage: bench/gpu_check.sh [DATA]   (installs the project into .venv first when needed)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv && .venv/bin/pip install -q -e .
fi
.venv/bin/python -c "import torch; print('torch', torch.__version__, 'CUDA', torch.cuda.is_available())"
exec .venv/bin/python bench/gpu_check.py "$@"
