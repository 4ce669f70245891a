#!/usr/bin/env bash
# `make bench`: Loom's NumericCore (and the environments' CartPole) against NumPy / PyTorch CPU /
# Gymnasium on the same workloads, in one run, single-threaded. Prints one line per workload:
#   BENCH <name> loom=<value> reference=<value> unit=<unit> speedup=<x>   (x > 1: Loom is faster)
# Usage: Benchmarks/run.sh [workload ...]   (LOOM_BENCH_ROUNDS=N pairs per workload, default 3)
# Environment: LOOM_BENCH_PACKAGE=<dir> builds loom-bench from another package (a dev package
# that symlinks these sources); LOOM_BENCH_ALLOW_CUDA_TORCH=1 lets pip install PyPI's default (CUDA, ~3 GB) torch
# when no CPU-only wheel can be found; without it the torch workloads print reference=NA.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.bench"
py="$venv/bin/python"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

log() { echo "bench: $*" >&2; }

# --- references: a git-ignored virtualenv with numpy, CPU torch and (for CartPole) gymnasium.
if [ ! -x "$py" ]; then
  log "creating $venv"
  python3 -m venv "$venv"
fi
"$py" -c "import numpy" 2>/dev/null || "$venv/bin/pip" install -q numpy
no_torch_marker="$venv/.no-cpu-torch"  # remembers a failed attempt; delete it to retry
if ! "$py" -c "import torch" 2>/dev/null && [ ! -f "$no_torch_marker" ]; then
  log "installing CPU-only torch"
  if ! "$venv/bin/pip" install -q torch --index-url https://download.pytorch.org/whl/cpu 2>/dev/null; then
    # Fallback: PyPI, but only if what it would install is a CPU build (no nvidia-* packages).
    report="$(mktemp)"
    if "$venv/bin/pip" install -q --dry-run --report "$report" torch 2>/dev/null \
      && ! grep -q '"name": "nvidia-' "$report"; then
      "$venv/bin/pip" install -q torch
    elif [ "${LOOM_BENCH_ALLOW_CUDA_TORCH:-0}" = 1 ]; then
      log "no CPU-only torch wheel reachable; installing PyPI's CUDA build as allowed"
      "$venv/bin/pip" install -q torch
    else
      log "no CPU-only torch wheel reachable (PyPI's torch is the CUDA build);"
      log "torch workloads print reference=NA (set LOOM_BENCH_ALLOW_CUDA_TORCH=1 to install it)"
      touch "$no_torch_marker"
    fi
    rm -f "$report"
  fi
fi
cartpole_py="$root/Benchmarks/reference/cartpole_bench.py"
if [ -f "$cartpole_py" ] && ! "$py" -c "import gymnasium" 2>/dev/null; then
  "$venv/bin/pip" install -q gymnasium || log "gymnasium unavailable: cartpole reference=NA"
fi

# --- Loom side (release build), then the references.
log "building loom-bench (release)"
pkg="${LOOM_BENCH_PACKAGE:-$root}"
(cd "$pkg" && swift build -c release --product loom-bench >&2)
bin="$(cd "$pkg" && swift build -c release --show-bin-path)/loom-bench"
# The machine is shared, so load drifts: run each workload on both sides back to back rather
# than all of Loom's and then all of the reference's.
workloads=("$@")
if [ ${#workloads[@]} -eq 0 ]; then
  workloads=(sgemm_64 sgemm_256 sgemm_1024 sgemm_2048 mlp_step gpt_step policy_act)
  if [ -f "$cartpole_py" ] && [ -f "$root/Benchmarks/LoomBench/CartPoleBench.swift" ]; then
    workloads+=(cartpole_steps)
  fi
fi
# Each workload runs in `rounds` back-to-back pairs (Loom, then the reference); each side keeps its
# best round (highest throughput, lowest time), which is the least disturbed by other load.
rounds="${LOOM_BENCH_ROUNDS:-3}"
loom_json="{}"
ref_json="{}"
append() { "$py" -c 'import json,sys; a=json.loads(sys.argv[1]); [a.setdefault(k, []).append(v) for k, v in json.loads(sys.argv[2]).items()]; print(json.dumps(a))' "$1" "$2"; }
for w in "${workloads[@]}"; do
  for ((r = 1; r <= rounds; r++)); do
    loom_json="$(append "$loom_json" "$("$bin" "$w")")"
    if [ "$w" = cartpole_steps ]; then
      if "$py" -c "import gymnasium" 2>/dev/null; then
        ref_json="$(append "$ref_json" "$("$py" "$cartpole_py")")"
      fi
    else
      ref_json="$(append "$ref_json" "$("$py" "$root/Benchmarks/reference/numeric_bench.py" "$w")")"
    fi
  done
done

# --- one line per workload.
"$py" - "$loom_json" "$ref_json" <<'PY'
import json, sys
loom = json.loads(sys.argv[1])
ref = json.loads(sys.argv[2])
# unit, and whether a larger value is better (throughput) or worse (time per step)
units = {"sgemm": ("GFLOP/s", True), "mlp_step": ("ms", False), "gpt_step": ("ms", False),
         "policy_act": ("us", False), "cartpole_steps": ("steps/s", True)}
for name, values in loom.items():
    unit, higher = units["sgemm" if name.startswith("sgemm") else name]
    best = max if higher else min
    value = best(values)
    refs = ref.get(name)
    if not refs or refs[0] is None:
        print(f"BENCH {name} loom={value:.4g} reference=NA unit={unit} speedup=NA")
        continue
    r = best(refs)
    speedup = value / r if higher else r / value
    # Per-round ratios (round i of Loom against round i of the reference), to show the spread.
    per_round = [(a / b if higher else b / a) for a, b in zip(values, refs)]
    print(f"BENCH {name} loom={value:.4g} reference={r:.4g} unit={unit} speedup={speedup:.2f}")
    print(f"bench: {name}: {len(values)} rounds, per-round speedups " + " ".join(f"{x:.2f}" for x in per_round), file=sys.stderr)
PY
