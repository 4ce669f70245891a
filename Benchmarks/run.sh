#!/usr/bin/env bash
# `make bench`: Loom's NumericCore (and the environments' CartPole) against NumPy / PyTorch CPU /
# Gymnasium on the same workloads, in one run, single-threaded. Loom runs twice per round:
#   pinned: the arithmetic pin notes run under (OPENBLAS_CORETYPE=Haswell, one thread; see
#           Sources/LoomKit's runner): the configuration compared against the references;
#   native: OpenBLAS picks its kernel for this CPU (still one thread).
# Prints one row per workload:
#   BENCH <name> loom=<pinned> native=<native> pin_cost=<c> reference=<value> unit=<unit> speedup=<x>
# Float matrix products are NumericCore's own (the same bits under any OpenBLAS kernel), so the pin
# costs the GPT and MLP workloads nothing; sgemm_N measures that product against NumPy's OpenBLAS.
# pin_cost = pinned time / native time (> 1: the pin makes Loom slower); speedup = pinned Loom
# against the reference (x > 1: Loom is faster). Then one row naming the OpenBLAS kernels that ran.
# Usage: Benchmarks/run.sh [workload ...]   (LOOM_BENCH_ROUNDS=N rounds per workload, default 3)
# Environment: LOOM_BENCH_PACKAGE=<dir> builds loom-bench from another package (a dev package
# that symlinks these sources); LOOM_BENCH_SCRATCH_PATH=<dir> builds it there instead of .build
# (to stay out of a concurrent build's lock); LOOM_BENCH_ALLOW_CUDA_TORCH=1 lets pip install PyPI's
# default (CUDA, ~3 GB) torch when no CPU-only wheel can be found; without it the torch workloads
# print reference=NA.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.bench"
py="$venv/bin/python"

# --- environments. Every variable that changes OpenBLAS's (or OpenMP's, MKL's, glibc's) choices is
# removed from all three, whatever the caller's shell holds (OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE
# left in a profile would otherwise silently make "native" pinned, or the pin something else).
# The same list as the notes' runner (ArithmeticPin in Sources/LoomKit).
unset_args=()
for name in $(compgen -e); do
  case "$name" in
    OPENBLAS_* | GOTO_* | OMP_* | MKL_* | BLIS_* | GLIBC_TUNABLES | LD_PRELOAD) unset_args+=(-u "$name") ;;
  esac
done
one_thread=(OPENBLAS_NUM_THREADS=1 GOTO_NUM_THREADS=1 OMP_NUM_THREADS=1)
pinned_core=Haswell
run_pinned() { env ${unset_args[@]+"${unset_args[@]}"} OPENBLAS_CORETYPE="$pinned_core" "${one_thread[@]}" "$@"; }
run_native() { env ${unset_args[@]+"${unset_args[@]}"} "${one_thread[@]}" "$@"; }
run_reference() { env ${unset_args[@]+"${unset_args[@]}"} "${one_thread[@]}" MKL_NUM_THREADS=1 "$@"; }

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
    report="$(mktemp)"
    # Fallback 1: a CPU build pip finds without an index (its find-links, e.g. a local wheelhouse);
    # its dependencies come from PyPI.
    local_torch="$("$venv/bin/pip" install -q --dry-run --no-index --no-deps --report "$report" torch 2>/dev/null \
      && "$py" -c 'import json,sys; v=json.load(open(sys.argv[1]))["install"][0]["metadata"]["version"]; print(v if "+cpu" in v else "")' "$report" \
      || true)"
    if [ -n "$local_torch" ]; then
      log "installing torch $local_torch (a CPU build found through pip's find-links)"
      "$venv/bin/pip" install -q "torch==$local_torch"
    # Fallback 2: PyPI, but only if what it would install is a CPU build (no nvidia-* packages).
    elif "$venv/bin/pip" install -q --dry-run --report "$report" torch 2>/dev/null \
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
build=(swift build -c release)
if [ -n "${LOOM_BENCH_SCRATCH_PATH:-}" ]; then build+=(--scratch-path "$LOOM_BENCH_SCRATCH_PATH"); fi
(cd "$pkg" && "${build[@]}" --product loom-bench >&2)
bin="$(cd "$pkg" && "${build[@]}" --show-bin-path)/loom-bench"
# The machine is shared, so load drifts: run each workload on every side back to back rather
# than all of Loom's and then all of the reference's.
workloads=("$@")
if [ ${#workloads[@]} -eq 0 ]; then
  workloads=(sgemm_64 sgemm_256 sgemm_1024 sgemm_2048 mlp_step gpt_step policy_act gpt_generate gpt_logprobs rlhf_ppo_iteration)
  if [ -f "$cartpole_py" ] && [ -f "$root/Benchmarks/LoomBench/CartPoleBench.swift" ]; then
    workloads+=(cartpole_steps)
  fi
fi
# Each workload runs in `rounds` back-to-back rounds (Loom pinned and native, in alternating order,
# then the reference); each side keeps its best round (highest throughput, lowest time), which is
# the least disturbed by other load.
rounds="${LOOM_BENCH_ROUNDS:-3}"
pinned_json="{}"
native_json="{}"
ref_json="{}"
append() { "$py" -c 'import json,sys; a=json.loads(sys.argv[1]); [a.setdefault(k, []).append(v) for k, v in json.loads(sys.argv[2]).items()]; print(json.dumps(a))' "$1" "$2"; }
for w in "${workloads[@]}"; do
  for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then
      pinned_json="$(append "$pinned_json" "$(run_pinned "$bin" "$w")")"
      native_json="$(append "$native_json" "$(run_native "$bin" "$w")")"
    else
      native_json="$(append "$native_json" "$(run_native "$bin" "$w")")"
      pinned_json="$(append "$pinned_json" "$(run_pinned "$bin" "$w")")"
    fi
    if [ "$w" = cartpole_steps ]; then
      if "$py" -c "import gymnasium" 2>/dev/null; then
        ref_json="$(append "$ref_json" "$(run_reference "$py" "$cartpole_py")")"
      fi
    else
      ref_json="$(append "$ref_json" "$(run_reference "$py" "$root/Benchmarks/reference/numeric_bench.py" "$w")")"
    fi
  done
done

# --- one row per workload, then the kernels.
"$py" - "$pinned_json" "$native_json" "$ref_json" "$pinned_core" <<'PY'
import json, sys
pinned, native, ref = (json.loads(a) for a in sys.argv[1:4])
pinned_core = sys.argv[4]
cores = {side: sorted(set(map(str, d.pop("openblas_core", [])))) for side, d in (("pinned", pinned), ("native", native))}
# unit, and whether a larger value is better (throughput) or worse (time per step)
units = {"sgemm": ("GFLOP/s", True), "mlp_step": ("ms", False), "gpt_step": ("ms", False),
         "gpt_generate": ("ms", False), "gpt_logprobs": ("ms", False), "rlhf_ppo_iteration": ("ms", False),
         "policy_act": ("us", False), "cartpole_steps": ("steps/s", True)}
def ratio(a, b, higher):
    """How many times faster a is than b."""
    return a / b if higher else b / a
rows = []
for name, values in pinned.items():
    unit, higher = units["sgemm" if name.startswith("sgemm") else name]
    best = max if higher else min
    value, nat = best(values), best(native[name])
    pin_cost = ratio(nat, value, higher)  # pinned time / native time
    refs = ref.get(name)
    if not refs or refs[0] is None:
        r, speedup = "NA", "NA"
    else:
        r, speedup = f"{best(refs):.4g}", f"{ratio(value, best(refs), higher):.2f}"
        # Per-round ratios (round i of each side against round i of the other), to show the spread.
        print(f"bench: {name}: {len(values)} rounds, per-round speedups "
              + " ".join(f"{ratio(a, b, higher):.2f}" for a, b in zip(values, refs)), file=sys.stderr)
    print(f"bench: {name}: per-round pin costs "
          + " ".join(f"{ratio(b, a, higher):.2f}" for a, b in zip(values, native[name])), file=sys.stderr)
    rows.append(["BENCH", name, f"loom={value:.4g}", f"native={nat:.4g}", f"pin_cost={pin_cost:.2f}",
                 f"reference={r}", f"unit={unit}", f"speedup={speedup}"])
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))] if rows else []
for row in rows:
    print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
print(f"BENCH openblas pinned={'/'.join(cores['pinned']) or 'unknown'} native={'/'.join(cores['native']) or 'unknown'}")
if cores["pinned"] and cores["pinned"] != [pinned_core]:
    print(f"bench: warning: the pinned runs used OpenBLAS's {'/'.join(cores['pinned'])} kernel, not {pinned_core}: "
          "this CPU cannot run the notes' pin, so loom= is not what notes get elsewhere", file=sys.stderr)
if cores["native"] == [pinned_core]:
    print(f"bench: OpenBLAS's native kernel here is {pinned_core} itself, so the pin costs nothing on this CPU", file=sys.stderr)
PY
