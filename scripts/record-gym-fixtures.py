"""Record Environments test fixtures from the real Gymnasium (run via record-gym-fixtures.sh).

For each classic-control environment this writes <Fixtures>/<EnvId>.json with
  - "resets": env.reset(seed=s) for several seeds: the float64 internal state and the float32 observation;
  - "episodes": from a recorded start state, a fixed action sequence (random or a simple policy), with the
    observation (float32 values), full internal state (float64 repr), reward and the terminated/truncated
    flags after selected steps (every step up to 60, then every 10th, and the last), plus the episode's
    length, return and final flags. Continuous actions are passed as float64 arrays (see README).
It also writes the FrozenLake / CliffWalking transition tables (env.unwrapped.P) and a few CartPole
policy episode lengths from the all-zero state.

Floats are written with Python's repr (shortest round-trip), so a parser recovers the exact double.
"""

import json
import math
import os
import sys
import warnings

import gymnasium as gym
import numpy as np

# One episode deliberately steps past termination (to record CartPole's reward-0 rule).
warnings.filterwarnings("ignore", message=".*already returned terminated.*")

OUT = sys.argv[1] if len(sys.argv) > 1 else "Tests/EnvironmentsTests/Fixtures"


def floats(xs):
    return [float(x) for x in np.asarray(xs, dtype=np.float64).ravel()]


def keep(t, length):
    return t <= 60 or t % 10 == 0 or t == length


def state_of(env):
    return floats(env.unwrapped.state)


def run_episode(env_id, name, seed, policy, continuous, extra_after_done=0, max_steps=None):
    env = gym.make(env_id)
    obs, _ = env.reset(seed=seed)
    initial_state = state_of(env)
    actions, records, total = [], [], 0.0
    t, done_at = 0, None
    terminated = truncated = False
    while True:
        a = policy(t, obs, env.unwrapped.state)
        if continuous:
            act = np.array([a], dtype=np.float64)
            actions.append(float(a))
        else:
            act = int(a)
            actions.append(act)
        obs, r, terminated, truncated, _ = env.step(act)
        t += 1
        total += float(r)
        records.append(dict(t=t, state=state_of(env), obs=floats(obs), reward=float(r),
                            terminated=bool(terminated), truncated=bool(truncated)))
        if done_at is None and (terminated or truncated):
            done_at = t
        if done_at is not None and t >= done_at + extra_after_done:
            break
        if max_steps is not None and t >= max_steps:
            break
    length = t
    steps = [r for r in records if keep(r["t"], length) or (done_at is not None and r["t"] >= done_at)]
    env.close()
    return dict(name=name, seed=seed, initial_state=initial_state, actions=actions, length=length,
                done_at=done_at, total_reward=total, terminated=bool(terminated), truncated=bool(truncated),
                steps=steps)


def resets(env_id, seeds):
    env = gym.make(env_id)
    out = []
    for s in seeds:
        obs, _ = env.reset(seed=s)
        out.append(dict(seed=s, state=state_of(env), obs=floats(obs)))
    env.close()
    return out


def write(name, payload):
    payload = dict(gymnasium=gym.__version__, numpy=np.__version__, **payload)
    path = os.path.join(OUT, name + ".json")
    with open(path, "w") as f:
        json.dump(payload, f, separators=(",", ":"))
    print(f"{path}: {os.path.getsize(path)} bytes")


def random_discrete(n, seed):
    rng = np.random.default_rng(seed)
    return lambda t, obs, s: int(rng.integers(0, n))


def random_continuous(low, high, seed):
    rng = np.random.default_rng(seed)
    return lambda t, obs, s: float(rng.uniform(low, high))


def main():
    os.makedirs(OUT, exist_ok=True)

    # CartPole-v1
    eps = [run_episode("CartPole-v1", f"random-{k}", k, random_discrete(2, 100 + k), False) for k in range(4)]
    eps.append(run_episode("CartPole-v1", "always-right+3-after-termination", 4, lambda t, o, s: 1, False,
                           extra_after_done=3))
    eps.append(run_episode("CartPole-v1", "theta-positive", 5, lambda t, o, s: int(s[2] > 0), False))
    eps.append(run_episode("CartPole-v1", "theta-plus-thetadot-positive", 6,
                           lambda t, o, s: int(s[2] + s[3] > 0), False))
    policy_lengths = {}
    for pname, pol in [("always-right", lambda t, s: 1), ("always-left", lambda t, s: 0),
                       ("alternate", lambda t, s: 1 - t % 2), ("theta-positive", lambda t, s: int(s[2] > 0)),
                       ("theta-plus-thetadot-positive", lambda t, s: int(s[2] + s[3] > 0))]:
        env = gym.make("CartPole-v1")
        env.reset(seed=0)
        env.unwrapped.state = np.zeros(4)
        t, done = 0, False
        while not done:
            _, _, te, tr, _ = env.step(pol(t, env.unwrapped.state))
            t += 1
            done = te or tr
        policy_lengths[pname] = dict(length=t, terminated=bool(te), truncated=bool(tr))
    write("CartPole-v1", dict(env="CartPole-v1", resets=resets("CartPole-v1", range(10)), episodes=eps,
                              policy_lengths_from_zero_state=policy_lengths))

    # Pendulum-v1
    eps = [run_episode("Pendulum-v1", f"random-{k}", k, random_continuous(-3.0, 3.0, 200 + k), True)
           for k in range(3)]
    eps.append(run_episode("Pendulum-v1", "zero-torque", 3, lambda t, o, s: 0.0, True))
    eps.append(run_episode("Pendulum-v1", "bang-bang", 4, lambda t, o, s: 2.0 if s[1] >= 0 else -2.5, True))
    write("Pendulum-v1", dict(env="Pendulum-v1", resets=resets("Pendulum-v1", range(10)), episodes=eps))

    # MountainCar-v0
    eps = [run_episode("MountainCar-v0", f"random-{k}", k, random_discrete(3, 300 + k), False) for k in range(2)]
    for k in range(2, 4):
        eps.append(run_episode("MountainCar-v0", f"energy-{k}", k,
                               lambda t, o, s: 2 if s[1] > 0 else (0 if s[1] < 0 else 1), False))
    write("MountainCar-v0", dict(env="MountainCar-v0", resets=resets("MountainCar-v0", range(10)), episodes=eps))

    # MountainCarContinuous-v0 (float64 actions, some outside [-1, 1] to exercise the clipping path)
    eps = [run_episode("MountainCarContinuous-v0", "random-0", 0, random_continuous(-1.5, 1.5, 400), True)]
    rng = np.random.default_rng(401)
    mags = rng.uniform(0.6, 1.4, size=2000)
    for k in (1, 2):
        eps.append(run_episode("MountainCarContinuous-v0", f"energy-{k}", k,
                               lambda t, o, s: float(mags[t] if s[1] >= 0 else -mags[t]), True))
    write("MountainCarContinuous-v0",
          dict(env="MountainCarContinuous-v0", resets=resets("MountainCarContinuous-v0", range(10)), episodes=eps))

    # Acrobot-v1
    eps = [run_episode("Acrobot-v1", "random-0", 0, random_discrete(3, 500), False)]
    for k in (2, 3):  # torque along the second joint's velocity pumps energy: terminates in < 100 steps
        eps.append(run_episode("Acrobot-v1", f"pump-{k}", k, lambda t, o, s: 2 if s[3] > 0 else 0, False,
                               extra_after_done=2))
    write("Acrobot-v1", dict(env="Acrobot-v1", resets=resets("Acrobot-v1", range(10)), episodes=eps))

    # Tabular transition tables
    def table(env):
        P = env.unwrapped.P
        return [[[[float(p), int(s2), float(r), bool(d)] for (p, s2, r, d) in P[s][a]]
                 for a in range(env.action_space.n)] for s in range(env.observation_space.n)]

    tables = {}
    for key, make in [("FrozenLake-4x4-slippery", lambda: gym.make("FrozenLake-v1", map_name="4x4")),
                      ("FrozenLake-4x4-deterministic",
                       lambda: gym.make("FrozenLake-v1", map_name="4x4", is_slippery=False)),
                      ("FrozenLake-8x8-slippery", lambda: gym.make("FrozenLake8x8-v1")),
                      ("CliffWalking", lambda: gym.make("CliffWalking-v1"))]:
        env = make()
        spec = env.spec
        tables[key] = dict(P=table(env), max_episode_steps=spec.max_episode_steps,
                           initial_state_distribution=floats(env.unwrapped.initial_state_distrib))
        env.close()
    write("ToyText", dict(tables=tables))


if __name__ == "__main__":
    main()
