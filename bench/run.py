"""Run the benchmarks (`make bench`) and gather their figures into docs/benchmarks.md.

Each benchmark is a script in bench/ that measures one module against a baseline taken in the
same run and writes its own docs/benchmarks-<name>.md; this runner calls them in turn and then
joins those pages into docs/benchmarks.md with the machine they ran on. Pick some with
`python bench/run.py checkpoints health`; `--quick` asks each for a shorter run where it has one;
`--gather-only` rebuilds docs/benchmarks.md from the pages without running anything.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BENCHES = [
    # (name, script, page it writes)
    ("checkpoints", "bench/checkpoints_bench.py", "benchmarks-checkpoints.md"),
    ("health", "bench/health_bench.py", "benchmarks-health.md"),
    ("reports", "bench/reports_bench.py", "benchmarks-reports.md"),
    ("roster", "bench/roster_demo.py", "benchmarks-roster.md"),
    ("roster-django", "bench/roster_django.py", "benchmarks-roster-django.md"),
    ("curtois", "bench/curtois.py", "benchmarks-curtois.md"),
]


def machine() -> str:
    mem = ""
    try:
        kb = int(next(line for line in open("/proc/meminfo") if line.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB memory"
    except (OSError, StopIteration, ValueError):
        pass
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} cores ({cpu}){mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main(argv: list[str]) -> int:
    quick = "--quick" in argv
    gather_only = "--gather-only" in argv  # rebuild docs/benchmarks.md from the pages, run nothing
    wanted = [a for a in argv if not a.startswith("--")] or [name for name, _, _ in BENCHES]
    failures = []
    for name, script, _page in BENCHES:
        if name not in wanted or gather_only:
            continue
        path = ROOT / script
        if not path.exists():
            print(f"== {name}: {script} is missing, skipped")
            continue
        print(f"== {name}: {script}", flush=True)
        started = time.monotonic()
        cmd = [sys.executable, str(path)] + (["--quick"] if quick else [])
        result = subprocess.run(cmd, cwd=ROOT, check=False)
        print(f"== {name}: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        if result.returncode:
            failures.append(name)
    parts = [
        "# Benchmarks\n",
        "Measured by `make bench` (`bench/run.py`), each as a ratio against a baseline taken in the same run; "
        "this machine is shared and has 2 cores, so figures are medians. Each section below is written by its "
        "own script and keeps the date and machine of its last run.\n",
        f"Last gathered: {datetime.now():%Y-%m-%d %H:%M} on {machine()}.\n",
    ]
    for name, script, page in BENCHES:
        file = DOCS / page
        if file.exists():
            text = file.read_text().strip()
            # Each page starts with its own "# Title": demote it to a section.
            lines = text.split("\n")
            if lines and lines[0].startswith("# "):
                lines[0] = "#" + lines[0]
            parts.append("\n".join(lines) + f"\n\n_Source: `{script}` → `docs/{page}`._\n")
        else:
            parts.append(f"## {name}\n\nNot measured yet (`python {script}`).\n")
    (DOCS / "benchmarks.md").write_text("\n".join(parts))
    print(f"wrote docs/benchmarks.md; failed: {', '.join(failures) or 'none'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
