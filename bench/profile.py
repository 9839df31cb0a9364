"""Where the app's time goes under load: py-spy samples every gunicorn worker while one endpoint
is loaded, and the hottest frames are printed (and the raw stacks kept for a flame graph).

    .venv/bin/python -m bench.profile WorkOrderList   # or any user class of bench.capacity
    .venv/bin/python -m bench.profile Mix --users 100 # the SLA suite's realistic mix
"""
import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.capacity import ENDPOINTS, GAP_S, MIX_WEIGHTS, ROOT, THINK_S, step
from fixtures import load
from fixtures.stack import local

OUT = ROOT / "reports" / "bench"


def hottest(raw: Path, top: int = 25) -> list[tuple[float, str]]:
    """Share of samples in which each frame of the app or its libraries appears (inclusive)."""
    inclusive, total = collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        total += int(count)
        for frame in set(stack.split(";")):
            inclusive[frame] += int(count)
    return [(n / total, frame) for frame, n in inclusive.most_common(top)] if total else []


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("user_class", choices=[*sorted(ENDPOINTS), "Mix"])
    parser.add_argument("--rate", type=int, default=200, help="offered requests/s")
    parser.add_argument("--users", type=int, default=100, help="users of the Mix")
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        parser.exit(2, "error: py-spy is not installed: run `make bench` once (it installs it), "
                       "or .venv/bin/pip install -r requirements-bench.txt\n")
    OUT.mkdir(parents=True, exist_ok=True)
    raw = OUT / f"profile-{args.user_class}.txt"
    work = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    stack = local.up(work / "stack")
    try:
        master = next(s for s in stack.services if type(s).__name__ == "Gunicorn").pid
        spy = subprocess.Popen([py_spy, "record", "--pid", str(master), "--subprocesses",
                                "--format", "raw", "--rate", "200", "--nonblocking",
                                "--duration", str(int(args.seconds)), "--output", str(raw)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        time.sleep(1)
        if args.user_class == "Mix":
            measured = step(stack.target, work / "load", users=args.users, think=THINK_S,
                            weights=MIX_WEIGHTS, seconds=args.seconds,
                            locustfile=load.LOCUSTFILE)
        else:
            measured = step(stack.target, work / "load", users=max(2, int(args.rate * GAP_S)),
                            think=(0, 2 * GAP_S), weights={args.user_class: 1},
                            seconds=args.seconds, endpoint=ENDPOINTS[args.user_class])
        spy.wait(timeout=args.seconds + 60)
    finally:
        stack.down()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{ENDPOINTS.get(args.user_class, 'the mix')}: {measured['rate']:.0f}/s, p95 "
          f"{measured['p95_ms']:.1f} ms")
    for share, frame in hottest(raw):
        print(f"{share:6.1%}  {frame[:150]}")
    print(f"raw stacks: {raw} (flamegraph.pl or speedscope read them)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
