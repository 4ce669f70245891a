"""Reference side of `make bench` for NumericCore (see Benchmarks/run.sh).

Runs the same workloads as Benchmarks/LoomBench/main.swift, single-threaded, and prints one JSON
object {workload: value}. sgemm_N is NumPy float32 matmul in GFLOP/s; mlp_step and gpt_step are
PyTorch CPU training steps in milliseconds; policy_act is one observation through the policy plus
a Categorical sample, in microseconds. Every value is the median over repeated timed runs.
Usage: numeric_bench.py [workload ...]   (default: all; torch workloads are skipped without torch)
"""

import json
import math
import statistics
import sys
import time

import numpy as np

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(1)
except ImportError:  # numpy-only run
    torch = None


def median_seconds(fn, runs=7, target=0.15):
    fn()  # warm-up
    n = 1
    while True:  # calibrate calls per run to about `target` seconds
        t = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t
        if dt > target / 4 or n > 1 << 22:
            break
        n *= 4
    reps = max(1, int(n * target / max(dt, 1e-9)))
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t) / reps)
    return statistics.median(times)


def sgemm(n):
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, n), dtype=np.float32)
    b = rng.standard_normal((n, n), dtype=np.float32)
    s = median_seconds(lambda: a @ b)
    return 2 * n**3 / s / 1e9


def layer_init(layer, std=math.sqrt(2), bias_const=0.0):
    nn.init.orthogonal_(layer.weight, std)
    nn.init.constant_(layer.bias, bias_const)
    return layer


def policy_net():
    return nn.Sequential(
        layer_init(nn.Linear(4, 64)), nn.Tanh(),
        layer_init(nn.Linear(64, 64)), nn.Tanh(),
        layer_init(nn.Linear(64, 2), std=0.01),
    )


def mlp_step():
    torch.manual_seed(2)
    net = policy_net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x, y = torch.randn(128, 4), torch.randn(128, 2)

    def step():
        opt.zero_grad()
        loss = F.mse_loss(net(x), y)
        loss.backward()
        opt.step()

    return median_seconds(step) * 1e3


if torch is not None:

    class Block(nn.Module):
        def __init__(self, d, h):
            super().__init__()
            self.h = h
            self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.fc, self.fc_out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

        def forward(self, x):
            b, t, d = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q, k, v = (z.view(b, t, self.h, d // self.h).transpose(1, 2) for z in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, d))
            return x + self.fc_out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


    class GPT(nn.Module):
        def __init__(self, vocab=64, ctx=64, d=64, layers=2, heads=4):
            super().__init__()
            self.tok, self.pos = nn.Embedding(vocab, d), nn.Embedding(ctx, d)
            self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
            self.ln_f = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab, bias=False)
            for p in self.parameters():
                if p.dim() == 2:
                    nn.init.normal_(p, std=0.02)

        def forward(self, idx):
            t = idx.shape[1]
            x = self.tok(idx) + self.pos(torch.arange(t))
            for blk in self.blocks:
                x = blk(x)
            return self.head(self.ln_f(x))


def gpt_step():
    torch.manual_seed(3)
    model = GPT()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    idx = torch.randint(0, 64, (32, 64))
    tgt = torch.randint(0, 64, (32, 64))

    def step():
        opt.zero_grad()
        logits = model(idx)
        loss = F.cross_entropy(logits.view(-1, 64), tgt.view(-1))
        loss.backward()
        opt.step()

    for _ in range(3):
        step()
    times = []
    for _ in range(5):
        t = time.perf_counter()
        for _ in range(5):
            step()
        times.append((time.perf_counter() - t) / 5)
    return statistics.median(times) * 1e3


def policy_act():
    torch.manual_seed(4)
    net = policy_net()
    obs = np.array([0.01, -0.02, 0.03, 0.04], dtype=np.float32)

    def act():
        with torch.no_grad():
            logits = net(torch.as_tensor(obs))
            return torch.distributions.Categorical(logits=logits).sample().item()

    return median_seconds(act) * 1e6


WORKLOADS = {
    "sgemm_64": lambda: sgemm(64),
    "sgemm_256": lambda: sgemm(256),
    "sgemm_1024": lambda: sgemm(1024),
    "sgemm_2048": lambda: sgemm(2048),
    "mlp_step": mlp_step,
    "gpt_step": gpt_step,
    "policy_act": policy_act,
}
NEEDS_TORCH = {"mlp_step", "gpt_step", "policy_act"}

if __name__ == "__main__":
    wanted = sys.argv[1:] or list(WORKLOADS)
    out = {}
    for name in wanted:
        if name in NEEDS_TORCH and torch is None:
            continue
        out[name] = WORKLOADS[name]()
    print(json.dumps(out))
