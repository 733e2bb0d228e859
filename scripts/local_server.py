"""`kg serve` on a free loopback port, for the benchmark scripts."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(store: str, env: dict[str, str] | None = None, threads: int = 8) -> Iterator[str]:
    """Serve the built store at `store`; yields the base URL, stops the server on exit."""
    port = free_port()
    kg = Path(sys.executable).with_name("kg")
    server = subprocess.Popen(
        [str(kg), "--store", store, "serve", "--port", str(port), "--threads", str(threads)],
        stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    raise SystemExit(f"kg serve exited with {server.returncode}; "
                                     f"is there a store at {store}? (run `kg build`)") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)
