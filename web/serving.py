"""How `kg serve` serves the app: the WSGI server and its settings, in one place (the
benchmarks serve their bare baselines through it too, so both are served alike).

waitress is the default. granian (a Rust HTTP server) answers `ASK {}` at /sparql 0.13-0.3 ms
sooner and serves more requests per second, but runs the app in a worker process beside its
own, which costs about 70 MB more serving memory at 1M, and a SIGKILL of `kg serve` leaves that
worker running (bench/results/2026-11-30-vm-1m-s20-ask.md). waitress's settings were measured
too: only the deprecated `send_bytes` moved its latency (by 0.04 ms), so none is set.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

WSGIApp = Callable[..., Any]
SERVERS = ("waitress", "granian")


def serve(make_app: Callable[[], WSGIApp], host: str, port: int, threads: int,
          server: str = "waitress") -> None:
    """Serve until interrupted. `make_app` is called where the app will run: in this process
    for waitress; in granian's worker process for granian (which must open the store itself,
    not inherit the parent's open files)."""
    if server == "waitress":
        from waitress import serve as waitress_serve

        waitress_serve(make_app(), host=host, port=port, threads=threads, ident="remedy-kg")
    elif server == "granian":
        from granian import Granian
        from granian.constants import Interfaces

        Granian("unused", address=host, port=port, interface=Interfaces.WSGI, workers=1,
                blocking_threads=threads, log_access=False).serve(
            target_loader=lambda *args: make_app(), wrap_loader=False)
    else:
        raise ValueError(f"unknown server {server!r}; choose one of: {', '.join(SERVERS)}")
