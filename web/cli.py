"""`kg serve` and `kg site`: the web layer's commands, added to the `kg` group by an entry point
(remedy_kg.commands in pyproject.toml), so the core package imports nothing from `web`."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path

import click

from kg.cli import Context, engine_options, pass_context
from web.serving import SERVERS, PortInUse, WSGIApp


@click.command()
@engine_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@click.option("--server", type=click.Choice(SERVERS), default=SERVERS[0], show_default=True,
              envvar="KG_SERVER",
              help="The WSGI server (or KG_SERVER). granian serves the app from a worker "
                   "process that ends with `kg serve`; waitress serves it from this process.")
@pass_context
def serve(ctx: Context, host: str, port: int, threads: int, server: str) -> None:
    """Serve the web pages, the SPARQL endpoint and the downloads."""
    from web.serving import serve as serve_app

    def make_app() -> WSGIApp:
        from web import create_app

        return create_app(store=ctx.open(read_only=True))

    # A service manager stops the server with SIGTERM, which by default ends Python without
    # its exit handlers: the dump folder (web.downloads, 150 MB at 1M) stayed in /tmp.
    # (granian installs its own handler, which stops its worker, then returns here.)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    if server == "waitress":  # granian's worker, which runs the app, starts its own
        from kg.query_workers import start_fork_server

        threading.Thread(target=start_fork_server, name="fork server", daemon=True).start()
    click.echo(f"serving {ctx.location} on http://{host}:{port}/ with {server}", err=True)
    try:
        serve_app(make_app, host, port, threads, server)
    except PortInUse as exc:
        raise click.ClickException(
            f"cannot serve on {host}:{port}: the port is in use ({exc}); stop the other "
            "server or choose another --port") from None


@click.command()
@engine_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the copy into: new, empty, or an earlier copy (replaced "
                   "only once the new one is complete).")
@click.option("--site-url", default="http://localhost:8000/", show_default=True,
              help="Where the copy will be served (scheme and host), for the absolute URLs of "
                   "the sitemap and the dataset description.")
@click.option("--live-url", help="A running site to link to for what a static copy cannot "
                                 "answer (SPARQL, search, safety answers, community forms, the "
                                 "API); without it, the copy says that these need a server.")
@pass_context
def site(ctx: Context, out: Path, site_url: str, live_url: str | None) -> None:
    """Write a read-only static copy of the site: every page, every RDF variant, the downloads."""
    from web.site import run_in_fixed_order

    code, output = run_in_fixed_order(ctx.location, out, site_url, live_url)
    click.echo(output, err=True, nl=False)
    if code:
        raise SystemExit(code)
