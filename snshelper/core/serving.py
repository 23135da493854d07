"""How many granian workers and threads a production web server runs, from the machine's CPUs.

``python -m snshelper.core.serving`` prints granian's options (scripts/serve passes them on):

- **workers**: one process per CPU (``WEB_WORKERS``). Python runs one thread at a time per
  process, so processes are what use the cores; more than the CPUs only adds processes waiting
  for them (bench_api_add.py measured 4 workers no faster than 2 on 2 CPUs).
- **threads** per worker (``WEB_THREADS``, default 4): a request waits on PostgreSQL and Redis
  part of its time, and another thread runs meanwhile; more threads than that only queue behind
  the one interpreter lock.
- **backpressure** (``WEB_BACKPRESSURE``, default = threads): a worker takes no more requests
  than it has threads to run. Without it granian lets each worker take in up to backlog/workers
  (512) requests that wait inside it, so one busy worker hoards connections while another is
  idle, and under overload every answer comes late instead of the excess waiting in the
  listening socket's backlog, where the next free worker picks it up.
- **respawn**: a worker that dies (a crash, the kernel's OOM killer) is started again after a
  second, and one that does not stop within 30 s of a reload is killed. ``WEB_WORKER_LIFETIME``
  (e.g. ``12h``) and ``WEB_WORKER_MAX_RSS`` (MiB) recycle workers by age or memory when set.

It imports nothing of Django: the script runs it before the server starts.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

THREADS_PER_WORKER = 4


@dataclass(frozen=True)
class Sizing:
    workers: int
    threads: int
    backpressure: int
    lifetime: str = ""
    max_rss: int = 0

    def granian_options(self) -> list[str]:
        options = [
            f"--workers={self.workers}",
            f"--blocking-threads={self.threads}",
            f"--backpressure={self.backpressure}",
            "--respawn-failed-workers",
            "--respawn-interval=1",
            "--workers-kill-timeout=30",
        ]
        if self.lifetime:
            options.append(f"--workers-lifetime={self.lifetime}")
        if self.max_rss:
            options.append(f"--workers-max-rss={self.max_rss}")
        return options


def cpus() -> int:
    """The CPUs this process may run on (a container's or taskset's limit, not the host's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _positive(env, name: str, default: int) -> int:
    value = env.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1 (got {value!r}).")
    return int(value)


def sizing(env=None, cpu_count: int | None = None) -> Sizing:
    env = os.environ if env is None else env
    workers = _positive(env, "WEB_WORKERS", cpu_count or cpus())
    threads = _positive(env, "WEB_THREADS", THREADS_PER_WORKER)
    return Sizing(
        workers=workers,
        threads=threads,
        backpressure=_positive(env, "WEB_BACKPRESSURE", threads),
        lifetime=env.get("WEB_WORKER_LIFETIME", "").strip(),
        max_rss=_positive(env, "WEB_WORKER_MAX_RSS", 0) if env.get("WEB_WORKER_MAX_RSS") else 0,
    )


if __name__ == "__main__":
    print(" ".join(sizing().granian_options()))
    sys.exit(0)
