#!/usr/bin/env python3
"""Writes statistics.json: reference values from SciPy for NoteRuntime's Statistics.swift.

    python3 -m venv /tmp/scipy-venv && /tmp/scipy-venv/bin/pip install scipy numpy mpmath
    /tmp/scipy-venv/bin/python Tests/NoteRuntimeTests/Fixtures/make_fixtures.py

Floats are written with repr(), which round-trips exactly. Samples are written out in full, so the
Swift tests never need NumPy's generator. Next to each SciPy distribution value is the same value
from mpmath at 40 digits ("exact"), which arbitrates where SciPy itself is off (it returns exactly
0.5 for t.cdf(1e-9, df=1), whose true value is 0.5 + 3.2e-10).
"""
import json
import math
import os

import mpmath as mp
import numpy as np
import scipy
from scipy import stats

mp.mp.dps = 40

DFS = [1, 2, 3, 3.7, 4.5, 7.3, 10, 29.3, 30, 100, 1000, 1e4, 1e5]
PS = [1e-12, 1e-8, 1e-4, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.3, 0.4, 0.45, 0.4999,
      0.5, 0.5001, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.999, 0.9999]
TS = [-1e6, -50, -10, -3, -2, -1, -0.5, -0.1, -1e-3, -1e-9, 0, 1e-9, 1e-3, 0.1, 0.5, 1, 2,
      2.5, 3, 5, 10, 50, 1e3, 1e6]
ZS = [-37, -20, -8, -5, -3, -1.96, -1, -0.5, -1e-9, 0, 1e-9, 0.5, 1, 1.96, 3, 5, 8]
NORMAL_PS = [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 1e-3, 0.01, 0.025, 0.1, 0.25, 0.3, 0.4999999,
             0.5, 0.5000001, 0.7, 0.9, 0.975, 0.999, 1 - 1e-10]
CONFIDENCES = [0.9, 0.95, 0.99]


def f(x):
    return float(x)


def t_cdf_exact(t, df):
    """P(T <= t) = 1 - I_x(df/2, 1/2)/2 for t >= 0, x = df/(df + t^2), at 40 digits."""
    t, df = mp.mpf(t), mp.mpf(df)
    if t == 0:
        return mp.mpf(1) / 2
    tail = mp.betainc(df / 2, mp.mpf(1) / 2, 0, df / (df + t * t), regularized=True) / 2
    return tail if t < 0 else 1 - tail


def t_ppf_exact(p, df):
    if p == 0.5:
        return 0.0
    start = mp.mpf(stats.t.ppf(p, df))
    return f(mp.findroot(lambda t: t_cdf_exact(t, df) - mp.mpf(p), start, tol=mp.mpf(10) ** -35))


def norm_cdf_exact(x):
    return mp.ncdf(mp.mpf(x))


def norm_ppf_exact(p):
    if p == 0.5:
        return 0.0
    start = mp.mpf(stats.norm.ppf(p))
    return f(mp.findroot(lambda x: norm_cdf_exact(x) - mp.mpf(p), start, tol=mp.mpf(10) ** -35))


def interval(ci):
    return [f(ci.low), f(ci.high)]


rng = np.random.default_rng(20240611)
# Samples shaped like learning results: returns over seeds, of various sizes and spreads.
samples = {
    "five_returns": [412.1, 398.7, 430.2, 389.9, 441.0],
    "five_returns_baseline": [331.5, 352.0, 318.2, 347.7, 339.9],
    "two": [1.0, 3.0],
    "three_small": [0.012, 0.0135, 0.0118],
    "ten_normal": [round(x, 6) for x in rng.normal(100, 15, 10).tolist()],
    "four_wide": [round(x, 6) for x in rng.normal(90, 40, 4).tolist()],
    "thirty_skewed": [round(x, 6) for x in rng.exponential(50, 30).tolist()],
    "seven_losses": [round(x, 8) for x in rng.normal(0.31, 0.02, 7).tolist()],
    "eight_losses": [round(x, 8) for x in rng.normal(0.29, 0.05, 8).tolist()],
    "twelve_paired_a": [round(x, 6) for x in rng.normal(500, 30, 12).tolist()],
}
samples["twelve_paired_b"] = [round(a - 12 + x, 6) for a, x in
                              zip(samples["twelve_paired_a"], rng.normal(0, 8, 12).tolist())]
samples["five_paired_b"] = [405.0, 380.2, 428.8, 371.5, 430.0]

summaries = []
for name, xs in samples.items():
    a = np.array(xs)
    n = len(a)
    sem = stats.sem(a)
    entry = {"name": name, "sample": xs, "n": n, "mean": f(a.mean()), "std": f(a.std(ddof=1)),
             "sem": f(sem), "median": f(np.median(a)), "min": f(a.min()), "max": f(a.max()),
             "intervals": {}}
    for c in CONFIDENCES:
        entry["intervals"][str(c)] = interval(stats.ttest_1samp(a, 0).confidence_interval(c))
    summaries.append(entry)


def welch(a_name, b_name):
    a, b = np.array(samples[a_name]), np.array(samples[b_name])
    r = stats.ttest_ind(a, b, equal_var=False)
    return {
        "a": a_name, "b": b_name, "t": f(r.statistic), "df": f(r.df), "p": f(r.pvalue),
        "p_greater": f(stats.ttest_ind(a, b, equal_var=False, alternative="greater").pvalue),
        "p_less": f(stats.ttest_ind(a, b, equal_var=False, alternative="less").pvalue),
        "intervals": {str(c): interval(r.confidence_interval(c)) for c in CONFIDENCES},
    }


def paired(a_name, b_name):
    a, b = np.array(samples[a_name]), np.array(samples[b_name])
    r = stats.ttest_rel(a, b)
    return {
        "a": a_name, "b": b_name, "t": f(r.statistic), "df": f(r.df), "p": f(r.pvalue),
        "p_greater": f(stats.ttest_rel(a, b, alternative="greater").pvalue),
        "p_less": f(stats.ttest_rel(a, b, alternative="less").pvalue),
        "intervals": {str(c): interval(r.confidence_interval(c)) for c in CONFIDENCES},
    }


fixture = {
    "generator": f"make_fixtures.py with SciPy {scipy.__version__}, NumPy {np.__version__}, "
                 f"mpmath {mp.__version__}",
    "t_quantiles": [{"df": df, "p": p, "q": f(stats.t.ppf(p, df)), "exact": t_ppf_exact(p, df)}
                    for df in DFS for p in PS],
    "t_cdfs": [{"df": df, "t": t, "cdf": f(stats.t.cdf(t, df)), "sf": f(stats.t.sf(t, df)),
                "cdf_exact": f(t_cdf_exact(t, df)), "sf_exact": f(t_cdf_exact(-t, df))}
               for df in DFS for t in TS],
    "normal_cdfs": [{"x": x, "cdf": f(stats.norm.cdf(x)), "exact": f(norm_cdf_exact(x))} for x in ZS],
    "normal_quantiles": [{"p": p, "q": f(stats.norm.ppf(p)), "exact": norm_ppf_exact(p)}
                         for p in NORMAL_PS],
    "summaries": summaries,
    "welch": [welch("five_returns", "five_returns_baseline"), welch("two", "three_small"),
              welch("ten_normal", "four_wide"), welch("thirty_skewed", "ten_normal"),
              welch("seven_losses", "eight_losses"), welch("four_wide", "five_returns")],
    "paired": [paired("twelve_paired_a", "twelve_paired_b"), paired("five_returns", "five_paired_b")],
}
for entry in fixture["t_quantiles"] + fixture["t_cdfs"]:
    assert all(math.isfinite(v) for v in entry.values()), entry

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "statistics.json")
with open(out, "w") as fh:
    json.dump(fixture, fh, indent=1)
    fh.write("\n")
print(f"wrote {out}")
