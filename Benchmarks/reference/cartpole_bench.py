"""Gymnasium CartPole-v1 single-environment step rate (reference for CartPoleBench.swift).

Same workload as the Swift benchmark: gym.make("CartPole-v1") (the registered env with its default
wrappers, including the 500-step TimeLimit), uniformly random actions, reset when an episode ends.
Actions are drawn in advance so the timing is of env.step/env.reset, not of the sampler.
Prints one JSON object: {"cartpole_steps": <median steps per second over the runs>}.
"""

import json
import statistics
import sys
import time

import gymnasium as gym
import numpy as np


def steps_per_second(steps: int, runs: int) -> float:
    env = gym.make("CartPole-v1")
    env.reset(seed=0)
    rng = np.random.default_rng(12345)
    rates = []
    for _ in range(runs):
        actions = rng.integers(0, 2, size=steps).tolist()
        start = time.perf_counter()
        for a in actions:
            _, _, terminated, truncated, _ = env.step(a)
            if terminated or truncated:
                env.reset()
        rates.append(steps / (time.perf_counter() - start))
    env.close()
    return statistics.median(rates)


if __name__ == "__main__":
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    print(json.dumps({"cartpole_steps": steps_per_second(steps, runs)}))
