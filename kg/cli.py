"""The `kg` command: validate, build, query, export, stats (and serve, from the web layer)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

import click

from kg.build import ValidationFailed, build, check, check_quality, load_project
from kg.formats import RDF_FORMATS, RESULTS_FORMATS, UnknownFormat, rdf_format
from kg.load import LoadError, load_files
from kg.namespaces import BaseIriError, Namespaces, configured_base, namespaces
from kg.project import Project
from kg.queries import canned_queries
from kg.results import QueryResult, short_form
from kg.shacl_sparql import UnsupportedShape
from kg.stats import data_report, graph_sizes
from kg.store import QuerySyntaxError, Store, StoreError, open_store
from kg.validate import ENGINES, Engine

QUERY_FORMATS = ["table", *RESULTS_FORMATS, "turtle", "jsonld", "ntriples", "rdfxml"]


def _progress(message: str) -> None:
    click.echo(message, err=True)


class Context:
    def __init__(self, project: Project, store_location: str | None):
        self.project = project
        self.store_location = store_location or str(project.default_store)
        self.endpoint: str | None = None
        self.update_endpoint: str | None = None
        self.graph_store: str | None = None

    @property
    def location(self) -> str:
        return self.endpoint or self.store_location

    def open(self, *, read_only: bool) -> Store:
        try:
            return open_store(self.location, read_only=read_only,
                              update_endpoint=self.update_endpoint, graph_store=self.graph_store)
        except (StoreError, BaseIriError) as exc:
            raise click.ClickException(str(exc)) from exc


pass_context = click.make_pass_decorator(Context)


def _remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        setattr(ctx.ensure_object(Context), param.name or "", value)


def engine_options(command: Callable[..., None]) -> Callable[..., None]:
    """--store, --endpoint and friends: which store or remote SPARQL engine the command uses."""
    options = [
        # Also after the sub-command (`kg serve --store DIR`), where people type it.
        click.option("--store", "store_location", expose_value=False, callback=_remember,
                     help="Store folder, :memory:, or a SPARQL endpoint URL (as before the "
                          "sub-command)."),
        click.option("--endpoint", envvar="KG_ENDPOINT", expose_value=False, callback=_remember,
                     help="SPARQL query endpoint of a remote engine, used instead of --store "
                          "(default: $KG_ENDPOINT). Credentials: $KG_ENDPOINT_USER and "
                          "$KG_ENDPOINT_PASSWORD, or $KG_ENDPOINT_TOKEN."),
        click.option("--update-endpoint", envvar="KG_UPDATE_ENDPOINT", expose_value=False,
                     callback=_remember,
                     help="Its SPARQL Update endpoint (default: $KG_UPDATE_ENDPOINT, else the "
                          "query endpoint)."),
        click.option("--graph-store", envvar="KG_GRAPH_STORE", expose_value=False,
                     callback=_remember,
                     help="Its Graph Store Protocol endpoint: load by HTTP PUT instead of "
                          "SPARQL Update (default: $KG_GRAPH_STORE)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


# Commands other packages add to `kg` (`kg serve` is the web package's): entry points of this
# group, each loaded only when its command is asked for, so the core never imports them.
PLUGIN_GROUP = "remedy_kg.commands"


class KgGroup(click.Group):
    """Store failures (an engine down or refusing) end any command with their message."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        plugins = {ep.name for ep in entry_points(group=PLUGIN_GROUP)}
        return sorted(set(super().list_commands(ctx)) | plugins)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None:
            for ep in entry_points(group=PLUGIN_GROUP, name=cmd_name):
                command = ep.load()
        return command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project_root", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder with ontology/, shapes/ and data/ (default: $KG_PROJECT "
                   "or this checkout).")
@click.option("--store", "store_location", envvar="KG_STORE",
              help="Store folder, :memory:, or a SPARQL endpoint URL "
                   "(default: $KG_STORE or var/store).")
@click.version_option(package_name="remedy-kg")
@click.pass_context
def main(ctx: click.Context, project_root: Path | None, store_location: str | None) -> None:
    """Remedy KG: build, check, query and publish the knowledge graph."""
    ctx.obj = Context(Project.locate(project_root), store_location)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True,
              help="oxigraph: the shapes compiled to SPARQL, run in the engine; "
                   "pyshacl: pySHACL (same results, far slower on large graphs).")
@pass_context
def validate(ctx: Context, files: tuple[Path, ...], engine: Engine) -> None:
    """Check data against the shapes, then run the quality checks (kg/checks/*.rq).

    FILES default to the project's data/*.ttl. Exits 1 on a SHACL violation or a finding of a
    *-violation check; *-warning findings are only reported.
    """
    timings: dict[str, float] = {}
    try:
        sources = load_project(ctx.project, timings, _progress)
        if files:
            start = time.perf_counter()
            sources.data = load_files(files)
            timings["load"] += time.perf_counter() - start
    except LoadError as exc:
        raise click.ClickException(f"syntax error, nothing loaded:\n{exc}") from exc
    try:
        report = check(sources, timings, _progress, engine=engine)
    except UnsupportedShape as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(report.text())
    quality = check_quality(sources, timings, _progress)
    click.echo("\n" + quality.text())
    click.echo(f"{len(sources.data)} data triples; load {timings['load']:.2f} s, "
               f"validate {timings['validate']:.2f} s, checks {timings['checks']:.2f} s",
               err=True)
    if not (report.conforms and quality.conforms):
        sys.exit(1)


@main.command("build")
@engine_options
@click.option("--force", is_flag=True,
              help="Build even if the store already holds a build of the same inputs.")
@pass_context
def build_command(ctx: Context, force: bool) -> None:
    """Load, validate, infer and write the named graphs to the store (all or nothing)."""
    with ctx.open(read_only=False) as store:
        try:
            result = build(ctx.project, store, _progress, force=force)
        except LoadError as exc:
            raise click.ClickException(f"syntax error, store unchanged:\n{exc}") from exc
        except ValidationFailed as exc:
            click.echo(exc.report.text(), err=True)
            raise click.ClickException("validation failed, store unchanged") from exc
        except UnsupportedShape as exc:
            raise click.ClickException(f"{exc}; store unchanged") from exc
    for name, count in result.triples.items():
        click.echo(f"{count:>8} triples  {name}")
    if result.unchanged:
        click.echo(f"{ctx.location} already holds a build of these inputs (files, rules, "
                   "checks, build code): nothing to do; --force builds anyway", err=True)
        return
    if result.quality.warnings:
        click.echo(f"quality checks: {len(result.quality.warnings)} warning(s); "
                   "`kg validate` lists them", err=True)
    click.echo(" ".join(f"{step} {t:.2f} s" for step, t in result.timings.items()), err=True)
    click.echo(f"built {ctx.location}", err=True)


@main.command()
@engine_options
@click.argument("query")
@click.option("--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table",
              show_default=True)
@pass_context
def query(ctx: Context, query: str, fmt: str) -> None:
    """Run QUERY: a canned question's name, a .rq file, - for stdin, or SPARQL text."""
    with ctx.open(read_only=True) as store:
        text = _query_text(query, store.namespaces)
        try:
            result = store.query(text)
        except QuerySyntaxError as exc:
            raise click.ClickException(f"the query does not parse: {exc}") from exc
    _print_result(result, fmt, store.namespaces.PREFIXES)


def _query_text(query: str, namespaces: Namespaces) -> str:
    if query == "-":
        return sys.stdin.read()
    canned = canned_queries(namespaces)
    if query in canned:
        return canned[query].text
    path = Path(query)
    if query.endswith(".rq") or (path.exists() and path.is_file()):
        try:
            return path.read_text(encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot read {query}: {exc.strerror}") from exc
    return query


def _print_result(result: QueryResult, fmt: str, prefixes: dict[str, str]) -> None:
    out = click.get_binary_stream("stdout")
    try:
        if fmt == "table":
            click.echo(_table(result, prefixes))
        elif result.is_graph:
            out.write(result.serialize(rdf_format("turtle" if fmt == "table" else fmt)))
        elif fmt in RESULTS_FORMATS:
            out.write(result.serialize(RESULTS_FORMATS[fmt]))
        else:
            raise click.ClickException(f"a {result.form} result has no {fmt} form; use one of "
                                       f"table, {', '.join(RESULTS_FORMATS)}")
    except (UnknownFormat, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc


def _table(result: QueryResult, prefixes: dict[str, str]) -> str:
    if result.form == "ASK":
        return "true" if result.boolean else "false"
    if result.is_graph:
        assert result.graph is not None
        return result.graph.serialize(format="turtle")
    cells = [[short_form(t, prefixes) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    line = "  ".join(v.ljust(w) for v, w in zip(result.variables, widths, strict=True))
    rows = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, "-" * len(line), *rows, f"({len(rows)} rows)"])


@main.command()
@engine_options
@click.option("--format", "fmt", type=click.Choice(list(RDF_FORMATS)), default="turtle",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of standard output.")
@pass_context
def export(ctx: Context, fmt: str, out: Path | None) -> None:
    """Write the whole dataset (all named graphs; their union for triple formats)."""
    syntax = RDF_FORMATS[fmt]
    with ctx.open(read_only=True) as store:
        if out is None:
            store.dump(click.get_binary_stream("stdout"), syntax)
            return
        partial = out.with_name(out.name + ".partial")
        with partial.open("wb") as handle:
            store.dump(handle, syntax)
        partial.replace(out)  # readers never see a half-written file
    click.echo(f"wrote {out}", err=True)


@main.command("safety")
@engine_options
@click.argument("condition")
@click.option("--outcome", default="", help="The outcome you care about (slug or IRI).")
@click.option("--situation", multiple=True,
              help="A population you belong to (slug or IRI), e.g. anticoagulated-patients; "
                   "repeat for several.")
@click.option("--taking", multiple=True,
              help="A medicine you take (slug or IRI), e.g. warfarin; repeat for several.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sparql"]), default="text",
              show_default=True, help="sparql prints the one query that answers, bound.")
@pass_context
def safety_command(ctx: Context, condition: str, outcome: str, situation: tuple[str, ...],
                   taking: tuple[str, ...], fmt: str) -> None:
    """"Is it safe for me?": the remedies for CONDITION (a slug such as restless-legs-syndrome,
    or its IRI), with the warnings and interactions that apply to your situation and why."""
    import json

    from kg import safety

    with ctx.open(read_only=True) as store:
        try:
            q = safety.question(safety.options(store), condition, outcome, situation, taking)
        except safety.SafetyInputError as exc:
            raise click.UsageError(str(exc)) from exc
        if fmt == "sparql":
            click.echo(safety.query_text(q))
            return
        answer = safety.answer(store, q)
    click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False) if fmt == "json"
               else safety.as_text(answer))


@main.command("ask")
@engine_options
@click.argument("question")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sparql"]), default="text",
              show_default=True, help="sparql prints only the query the question maps to.")
@pass_context
def ask_command(ctx: Context, question: str, fmt: str) -> None:
    """Ask QUESTION in plain words ("which herbs interact with warfarin?"): it is mapped to a
    canned query with your entities filled in, checked against the VoID statistics, and run;
    the SPARQL is shown. Exits 1 when the question cannot be mapped (nothing is run)."""
    import json

    from kg.ask.mapper import Asker, QuestionTooLong, answer
    from kg.ask.schema import read_schema

    with ctx.open(read_only=True) as store:
        def run(text: str) -> tuple[QueryResult, bool]:
            return store.query(text), False  # a canned SELECT with checked IRIs written in

        try:
            found = answer(Asker.of(store), question, lambda: read_schema(store), run)
        except QuestionTooLong as exc:
            raise click.UsageError(str(exc)) from exc
    if fmt == "json":
        click.echo(json.dumps(found.to_dict(), indent=2, ensure_ascii=False))
    elif found.mapping is None or found.result is None:
        click.echo(found.refusal)
        for scored in found.closest:
            click.echo(f"  {scored.example.name}: {scored.example.title}")
    elif fmt == "sparql":
        click.echo(found.mapping.query)
    else:
        fillers = ", ".join(f.label for f in found.mapping.fillers)
        click.echo(f"{found.mapping.example.title}  [{found.mapping.example.name}"
                   f"{': ' + fillers if fillers else ''}]\n")
        click.echo(_table(found.result, store.namespaces.PREFIXES))
        click.echo("\n" + found.mapping.query)
    if not found.answered:
        sys.exit(1)


@main.command()
@engine_options
@pass_context
def stats(ctx: Context) -> None:
    """Print the data report: graph sizes, entities per class, evidence levels, curation."""
    with ctx.open(read_only=True) as store:
        click.echo("Triples per graph")
        for name, count in graph_sizes(store).items():
            click.echo(f"  {name:<10} {count:>8}")
        for section in data_report(store):
            click.echo(f"\n{section.title}")
            click.echo(_table(section.result, store.namespaces.PREFIXES))


@main.command()
@click.option("--triples", type=click.IntRange(1000), required=True,
              help="About how many data triples to write (at least 1,000).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Project folder to create: data/ gets the synthetic files, ontology/ and "
                   "shapes/ a copy of this project's.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="The same seed and size give the same files.")
@pass_context
def synth(ctx: Context, triples: int, out: Path, seed: int) -> None:
    """Write a synthetic graph in our ontology that passes the shapes, for benchmarks."""
    from kg.synth import synthesize_project

    if (out / "data").exists() and any((out / "data").iterdir()):
        raise click.ClickException(f"{out / 'data'} is not empty: pick a new --out folder")
    files, count = synthesize_project(ctx.project, out, triples, seed)
    click.echo(f"wrote {count} data triples in {len(files)} files to {out / 'data'}; build "
               f"with: kg --project {out} --store {out / 'store'} build", err=True)


@main.command()
@engine_options
@click.argument("action", type=click.Choice(["hide", "restore"]))
@click.argument("post_id")
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path),
              help="The embedded community journal (default: beside the store folder; the "
                   "server must be stopped, or use its /community/admin page).")
@pass_context
def moderate(ctx: Context, action: str, post_id: str, journal: Path | None) -> None:
    """Hide a community post, or restore it whatever its reports say (it is kept either way)."""
    from kg.community import Community, default_journal, post_iri
    from kg.store.journal import JournalledStore

    try:
        ns = namespaces(configured_base())
        post = post_iri(post_id, ns)
    except ValueError as exc:  # BaseIriError is one
        raise click.ClickException(str(exc)) from exc
    if ctx.endpoint:
        store = ctx.open(read_only=False)
        store.serve_graph(ns.graphs.COMMUNITY)  # type: ignore[attr-defined]
    else:
        store = JournalledStore(journal or default_journal(Path(ctx.store_location)))
        store.namespaces = ns
    with store:
        community = Community(store, b"")
        if community.post_state(post) is None:
            raise click.ClickException(f"there is no post {post_id}")
        community.moderate(post, hide=action == "hide")
    click.echo(f"{'hidden' if action == 'hide' else 'restored'}: {post}", err=True)
