"""Reference side of `make bench` for NumericCore (see Benchmarks/run.sh).

Runs the same workloads as Benchmarks/LoomBench/main.swift, single-threaded, and prints one JSON
object {workload: value}. sgemm_N is NumPy float32 matmul in GFLOP/s; mlp_step and gpt_step are
PyTorch CPU training steps in milliseconds; policy_act is one observation through the policy plus
a Categorical sample, in microseconds; gpt_generate (KV-cache sampling of 64×64 tokens) and
gpt_logprobs (masked log-probs of 64×80 tokens, no grad) and rlhf_ppo_iteration (one TRL-style
PPO iteration on 64 prompts) are in milliseconds. Every value is the median over repeated timed runs.
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

        def step(self, x, cache):
            """Incremental forward with a key–value cache (HF-style past_key_values): `cache` is
            None for the prompt (causal attention over it) or (k, v) of the columns so far."""
            b, t, d = x.shape
            q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
            q, k, v = (z.view(b, t, self.h, d // self.h).transpose(1, 2) for z in (q, k, v))
            if cache is not None:
                k, v = torch.cat((cache[0], k), dim=2), torch.cat((cache[1], v), dim=2)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=cache is None)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, d))
            return x + self.fc_out(F.gelu(self.fc(self.ln2(x)), approximate="tanh")), (k, v)


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

        def hidden(self, idx):
            """Final hidden states (after ln_f, before the head)."""
            t = idx.shape[1]
            x = self.tok(idx) + self.pos(torch.arange(t))
            for blk in self.blocks:
                x = blk(x)
            return self.ln_f(x)

        def decode(self, idx, caches, start):
            """Logits of the new columns `idx` at positions start…, updating `caches` in place."""
            t = idx.shape[1]
            x = self.tok(idx) + self.pos(torch.arange(start, start + t))
            for i, blk in enumerate(self.blocks):
                x, caches[i] = blk.step(x, caches[i])
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


def gpt_generate():
    """64 prompts of 16 tokens, 64 new tokens each, sampled at temperature 1 with their
    log-probs, KV cache (what Loom's GPT.generate does), in milliseconds."""
    torch.manual_seed(5)
    model = GPT(ctx=80).eval()
    prompts = torch.randint(1, 64, (64, 16))

    @torch.inference_mode()
    def generate():
        caches = [None] * len(model.blocks)
        logits = model.decode(prompts, caches, 0)[:, -1]
        tokens, logps = [], []
        for i in range(64):
            logp = F.log_softmax(logits, dim=-1)
            nxt = torch.multinomial(logp.exp(), 1)
            tokens.append(nxt)
            logps.append(logp.gather(1, nxt))
            if i < 63:
                logits = model.decode(nxt, caches, 16 + i)[:, -1]
        return torch.cat(tokens, 1), torch.cat(logps, 1)

    generate()
    times = []
    for _ in range(5):
        t = time.perf_counter()
        generate()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3


def gpt_logprobs():
    """Masked per-token log-probs of 64 × 80 tokens (16 prompt + 64 response), no grad, in ms."""
    torch.manual_seed(7)
    model = GPT(ctx=80).eval()
    idx = torch.randint(1, 64, (64, 80))
    mask = torch.zeros(64, 79)
    mask[:, 15:] = 1

    @torch.inference_mode()
    def logprobs():
        logits = model(idx)[:, :-1]
        return F.log_softmax(logits, dim=-1).gather(-1, idx[:, 1:, None]).squeeze(-1) * mask

    return median_seconds(logprobs) * 1e3


def rlhf_ppo_iteration():
    """One PPO iteration on a language model the way TRL's PPOTrainer does it (the steps of
    Benchmarks/LoomBench/RLHFBench.swift): 64 prompts of 16 tokens -> 64 sampled tokens (KV cache);
    policy log-probs and values, reference log-probs, reward-model scores (no grad); per-token
    rewards -0.05*(logp - ref_logp) plus the score on the last token; GAE (gamma 1, lambda 0.95);
    whitened advantages; 4 epochs of 4 minibatches of 16: clipped surrogate + 0.1 * clipped value
    loss, grad-norm clip 1, Adam. Milliseconds per iteration."""
    import copy
    torch.manual_seed(9)
    B, P, R, V = 64, 16, 64, 64
    policy = GPT(ctx=80)
    value_head = nn.Linear(64, 1)
    nn.init.normal_(value_head.weight, std=1 / math.sqrt(65))
    nn.init.zeros_(value_head.bias)
    reference = copy.deepcopy(policy).eval().requires_grad_(False)
    reward_model = GPT(ctx=80).requires_grad_(False)
    reward_head = nn.Linear(64, 1).requires_grad_(False)
    params = list(policy.parameters()) + list(value_head.parameters())
    opt = torch.optim.Adam(params, lr=1e-5)
    prompts = torch.randint(1, V, (B, P))

    def logprobs_values(model, head, seqs):
        h = model.hidden(seqs)
        logits = model.head(h)[:, P - 1:-1]
        lp = F.log_softmax(logits, dim=-1).gather(-1, seqs[:, P:, None]).squeeze(-1)
        return lp, (head(h)[:, P - 1:-1, 0] if head is not None else None)

    def iteration():
        # 1. rollout with the KV cache
        with torch.inference_mode():
            caches = [None] * len(policy.blocks)
            logits = policy.decode(prompts, caches, 0)[:, -1]
            tokens = []
            for i in range(R):
                nxt = torch.multinomial(F.softmax(logits, dim=-1), 1)
                tokens.append(nxt)
                if i < R - 1:
                    logits = policy.decode(nxt, caches, P + i)[:, -1]
            seqs = torch.cat([prompts] + tokens, 1)
        # 2. old log-probs and values, reference log-probs, scores
        with torch.no_grad():
            old_lp, old_v = logprobs_values(policy, value_head, seqs)
            ref_lp, _ = logprobs_values(reference, None, seqs)
            scores = reward_head(reward_model.hidden(seqs)[:, -1])[:, 0]
            # 3. KL-penalised rewards, GAE, whitening
            rewards = -0.05 * (old_lp - ref_lp)
            rewards[:, -1] += scores
            adv = torch.zeros_like(rewards)
            last = torch.zeros(B)
            for t in reversed(range(R)):
                nv = old_v[:, t + 1] if t + 1 < R else torch.zeros(B)
                delta = rewards[:, t] + nv - old_v[:, t]
                last = delta + 0.95 * last
                adv[:, t] = last
            returns = adv + old_v
            adv = (adv - adv.mean()) / (adv.var() + 1e-8).sqrt()
        # 4. PPO epochs
        for _ in range(4):
            order = torch.randperm(B)
            for start in range(0, B, 16):
                idx = order[start:start + 16]
                lp, v = logprobs_values(policy, value_head, seqs[idx])
                ratio = (lp - old_lp[idx]).exp()
                a = adv[idx]
                pg = torch.max(-a * ratio, -a * ratio.clamp(0.8, 1.2)).mean()
                v_clipped = old_v[idx] + (v - old_v[idx]).clamp(-0.2, 0.2)
                vf = 0.5 * torch.max((v - returns[idx]) ** 2, (v_clipped - returns[idx]) ** 2).mean()
                opt.zero_grad()
                (pg + 0.1 * vf).backward()
                nn.utils.clip_grad_norm_(params, 1.0)
                opt.step()

    iteration()
    times = []
    for _ in range(3):
        t = time.perf_counter()
        iteration()
        times.append(time.perf_counter() - t)
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
    "gpt_generate": gpt_generate,
    "gpt_logprobs": gpt_logprobs,
    "rlhf_ppo_iteration": rlhf_ppo_iteration,
}
NEEDS_TORCH = {"mlp_step", "gpt_step", "policy_act", "gpt_generate", "gpt_logprobs", "rlhf_ppo_iteration"}

if __name__ == "__main__":
    wanted = sys.argv[1:] or list(WORKLOADS)
    out = {}
    for name in wanted:
        if name in NEEDS_TORCH and torch is None:
            continue
        out[name] = WORKLOADS[name]()
    print(json.dumps(out))
