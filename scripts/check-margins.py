#!/usr/bin/env python3
"""How close each interval check came to failing, over every run kept in the caches.

    python3 scripts/check-margins.py [--current CACHE_DIR] [CACHE_DIR ...]
                                      (default: every .loom*/cache* folder)

A check such as `checkAbove(xs, 300, …)` passes when its 95% interval lies above 300. Its margin is
the distance from the interval's near end to the threshold, in units of the interval's width: 0 means
it passed by nothing, a negative margin means it failed. A check whose worst margin over the seed
families you have run (`loom test --reseed N` keeps each N in `.loom*/cache-reseed-N/`) is near 0 will
fail at some other N; restate it, or give it more seeds, before CI draws that N.

Prints the checks with the smallest worst margin first (TOP=40 of them; set TOP to change). A cache
holds what the code of its run printed: after you restate a check, old caches still show the old claim
(under its old wording, or with its old threshold). A check is told apart by its note, its wording,
and the side and threshold it tests; `--current DIR` keeps only the checks that DIR's runs printed
(a cache made from the notes as they are now, such as `.loom/cache` after `loom test`).
"""
import argparse, collections, glob, json, os, re, sys

NUM = r"([−-]?[0-9.]+(?:e-?\d+)?|[−-]?∞|-?inf)"


def number(text):
    return float(text.replace("−", "-").replace("∞", "inf"))


def checks(node):
    if isinstance(node, dict):
        for c in node.get("checks", []) if isinstance(node.get("checks"), list) else []:
            yield c
        for v in node.values():
            yield from checks(v)
    elif isinstance(node, list):
        for v in node:
            yield from checks(v)


def margin(message):
    m = re.search(r"CI \[" + NUM + ", " + NUM + r"\] (?:NOT )?(above|below|within)", message)
    if not m:
        return None
    lower, upper, kind = number(m.group(1)), number(m.group(2)), m.group(3)
    width = upper - lower if upper > lower else 1e-12
    if kind == "within":
        r = re.search(r"within \[" + NUM + ", " + NUM + r"\]", message[m.end() - 6:])
        if not r:
            return None
        a, b = number(r.group(1)), number(r.group(2))
        return min(lower - a, b - upper) / width
    t = re.match(r"\s*" + NUM, message[m.end():])
    if not t:
        return None
    threshold = number(t.group(1))
    return (lower - threshold) / width if kind == "above" else (threshold - upper) / width


def claim_key(message):
    """The claim a check states: its wording and the side and threshold it tests (not its interval)."""
    tested = re.search(r"\] (?:NOT )?((?:above|below|within)\s*\S+(?:, \S+)?)", message)
    return message.split(":")[0], tested.group(1) if tested else ""


def margins(dirs):
    seen = collections.defaultdict(list)
    for d in dirs:
        for path in glob.glob(os.path.join(d, "*.json")):
            try:
                entry = json.load(open(path))
            except (OSError, ValueError):
                continue
            note = os.path.basename(path)[:-5]
            for c in checks(entry.get("outputs", {})):
                m = margin(c["message"])
                if m is not None:
                    seen[(note,) + claim_key(c["message"])].append((m, d))
    return seen


def main():
    parser = argparse.ArgumentParser(description="How close each interval check came to failing.")
    parser.add_argument("--current", metavar="CACHE_DIR", help="keep only the checks this cache's runs printed")
    parser.add_argument("dirs", nargs="*", metavar="CACHE_DIR", help="default: every .loom*/cache* folder")
    args = parser.parse_args()
    seen = margins(args.dirs or sorted(glob.glob(".loom*/cache*")))
    if args.current is not None:
        now = margins([args.current])
        if not now:
            sys.exit(f"check-margins: no interval checks in {args.current}")
        seen = {k: v for k, v in seen.items() if k in now}
    rows = sorted((min(v), k, len(v)) for k, v in seen.items())
    for (m, where), (note, claim, tested), n in rows[: int(os.environ.get("TOP", "40"))]:
        print(f"{m:7.2f}  over {n:3} runs  {note[:18]:18} {claim[:80]} [{tested[:24]}]   (worst: {where})")


if __name__ == "__main__":
    main()
