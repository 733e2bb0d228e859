"""`kg serve`: the web layer's command, added to the `kg` group by an entry point
(remedy_kg.commands in pyproject.toml), so the core package imports nothing from `web`."""

from __future__ import annotations

import click

from kg.cli import Context, engine_options, pass_context


@click.command()
@engine_options
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@pass_context
def serve(ctx: Context, host: str, port: int, threads: int) -> None:
    """Serve the web pages, the SPARQL endpoint and the downloads with waitress."""
    from waitress import serve as waitress_serve

    from web import create_app

    store = ctx.open(read_only=True)
    app = create_app(store=store)
    click.echo(f"serving {ctx.location} on http://{host}:{port}/", err=True)
    waitress_serve(app, host=host, port=port, threads=threads, ident="remedy-kg")
