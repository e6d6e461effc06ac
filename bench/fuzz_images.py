"""Fuzz the image reader for a while: tests/test_fuzz_images.py, round after round, with new seeds.

    python bench/fuzz_images.py [--minutes 10 | --rounds N] [--examples-per-round 2000] [--seed S]
                                [--section NAME]

Each round is a fresh pytest process running the fuzz tests with ``CATDOG_GUI_FUZZ_SEED`` set, so a
crash or hang (the tests end a process stuck for a minute, with a traceback) costs one round, not the
search. A round that fails leaves its output in bench/out/fuzz-round-N.txt, with hypothesis's
smallest failing input. The rounds' seeds come from ``--seed`` (random when not given), so the summary
it writes into bench/RESULTS.md (and prints) names a command that tries the same inputs again:
``--rounds N --examples-per-round E --seed S``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, machine, write_section  # noqa: E402

TESTS = ["tests/test_fuzz_images.py::test_mutated_images_are_read_or_refused_cleanly",
         "tests/test_fuzz_images.py::test_random_bytes_are_refused_cleanly"]


def run_round(number: int, seed: int, examples: int, out_dir: Path) -> tuple[bool, Counter, float]:
    """One pytest process; (passed, outcome counts, seconds)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        stats = Path(handle.name)
    env = {**os.environ, "CATDOG_GUI_FUZZ_SEED": str(seed), "CATDOG_GUI_FUZZ_EXAMPLES": str(examples),
           "CATDOG_GUI_FUZZ_STATS": str(stats), "PYTHONWARNINGS": "ignore"}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    counts = Counter(json.loads(stats.read_text())) if stats.stat().st_size else Counter()
    stats.unlink(missing_ok=True)
    if done.returncode != 0:
        out_dir.mkdir(parents=True, exist_ok=True)
        report = out_dir / f"fuzz-round-{number}.txt"
        report.write_text(f"seed {seed}, exit status {done.returncode}\n\n{done.stdout}\n{done.stderr}")
        print(f"round {number} (seed {seed}) FAILED: see {report}", flush=True)
    return done.returncode == 0, counts, seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--examples-per-round", type=int, default=2000)
    parser.add_argument("--rounds", type=int, help="run this many rounds, however long they take")
    parser.add_argument("--seed", type=int, help="seed of the rounds' seeds (default: a random one)")
    parser.add_argument("--section", default="Fuzzing the image reader")
    args = parser.parse_args()
    if args.seed is None:
        args.seed = random.randrange(2**32)

    round_seeds = random.Random(args.seed)
    deadline = time.monotonic() + 60 * args.minutes
    totals, failed, rounds, busy = Counter(), [], 0, 0.0
    while (rounds < args.rounds) if args.rounds else (time.monotonic() < deadline):
        rounds += 1
        seed = round_seeds.randrange(2**32)
        passed, counts, seconds = run_round(rounds, seed, args.examples_per_round, ROOT / "bench" / "out")
        totals.update(counts)
        busy += seconds
        if not passed:
            failed.append(seed)
        print(f"round {rounds}: {sum(counts.values())} inputs in {seconds:.0f} s, "
              f"{'passed' if passed else 'FAILED'}", flush=True)
    inputs = sum(totals.values())
    again = (f"python bench/fuzz_images.py --rounds {rounds} --examples-per-round {args.examples_per_round} "
             f"--seed {args.seed}")
    lines = [
        (f"Machine: {machine()}; {rounds} rounds of {args.examples_per_round} examples per test, "
         f"{busy / 60:.1f} min; the same inputs again: `{again}`."),
        "",
        f"Inputs tried: {inputs} (counted by rounds that finished); rounds failed: {len(failed)}"
        + (f" (seeds {', '.join(map(str, failed))}; output in bench/out/)" if failed else "") + ".",
        "",
        "| outcome | inputs |",
        "|---|---|",
        *[f"| {outcome} | {count} |" for outcome, count in totals.most_common()],
    ]
    write_section(args.section, lines)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
