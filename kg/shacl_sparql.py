"""SHACL checked inside the engine: our shapes compiled into SPARQL SELECT queries.

pySHACL walks an rdflib copy of the whole graph node by node (600 s and 3.2 GB had not finished
1.5M triples); the same constraints written as SPARQL run in pyoxigraph over the store the build
has loaded anyway. Each constraint of each shape becomes one SELECT whose rows are the
offending focus nodes (and values); the rows become the same `Violation`s pySHACL reports (same
focus, source shape, component, severity, path, value and messages), which
tests/test_validate_engine.py checks on the shipped data and on every failing fixture.

Only the SHACL constructs our shapes use are compiled (see SUPPORTED); any other is an
UnsupportedShape error naming the shape, so a new kind of rule never passes silently:
compile it here (with a fixture that compares it with pySHACL) or run `kg validate --engine
pyshacl`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kg.namespaces import SH
from kg.results import short_form
from kg.store.oxigraph import to_rdflib

# Predicates of the sh: namespace that a shape may carry; anything else is refused.
DESCRIPTIVE = {SH.name, SH.description, SH.order, SH.group, SH.message, SH.severity,
               SH.deactivated, SH.path}
TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
# Constraints on each value node: a SPARQL expression true when the value breaks the rule.
VALUE_CONSTRAINTS = {SH.datatype, SH["class"], SH.nodeKind, SH["in"], SH.pattern, SH.flags,
                     SH.languageIn, SH.minInclusive, SH["or"], SH.node}
# Constraints on the focus node's set of values.
FOCUS_CONSTRAINTS = {SH.minCount, SH.maxCount, SH.lessThanOrEquals, SH.sparql}
_NOT_TESTS = {SH.flags, SH.sparql}
SUPPORTED = DESCRIPTIVE | TARGETS | VALUE_CONSTRAINTS | FOCUS_CONSTRAINTS | {SH.property}

COMPONENT = {
    SH.datatype: SH.DatatypeConstraintComponent,
    SH["class"]: SH.ClassConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}

NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}

# The lexical space of the XSD datatypes our shapes name: pySHACL (through rdflib) rejects an
# ill-typed literal such as "forty"^^xsd:integer, which the engine stores as written.
LEXICAL = {
    XSD.integer: r"^[+-]?[0-9]+$",
    XSD.nonNegativeInteger: r"^(\+?[0-9]+|-0+)$",
    XSD.positiveInteger: r"^\+?0*[1-9][0-9]*$",
    XSD.decimal: r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD.boolean: r"^(true|false|1|0)$",
    XSD.gYear: r"^-?([1-9][0-9]{3,}|0[0-9]{3})(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?$",
}

# pyoxigraph stores every integer-derived XSD datatype as xsd:integer ("62"^^xsd:positiveInteger
# comes back as "62"^^xsd:integer), so a datatype rule on one could not be checked. The store
# that validation reads keeps them under a private alias instead (load_for_validation), and
# results turn the alias back. Numeric comparisons (sh:minInclusive, sh:lessThanOrEquals) do not
# see aliased values as numbers: no shape of ours compares such values.
COLLAPSED = {XSD[name] for name in (
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
ALIAS = "urn:x-remedy-kg:datatype:"

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_DOLLAR_VAR = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_TEMPLATE = re.compile(r"\{[?$]([A-Za-z_][A-Za-z0-9_]*)\}")
_PROJECTION = re.compile(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?(.*?)\s*WHERE\s*\{",
                         re.IGNORECASE | re.DOTALL)


class UnsupportedShape(ValueError):
    """A shape uses a SHACL construct the engine validator does not compile."""

    def __init__(self, shape: Node, what: str):
        super().__init__(f"shape {short_form(shape)}: {what} is not compiled to SPARQL "
                         "(run `kg validate --engine pyshacl`, or add it to kg/shacl_sparql.py)")
        self.shape = shape


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint of one shape as a SELECT over ?this (the focus) and ?value."""

    shape: Node  # the sh:sourceShape of its results
    component: URIRef
    severity: str
    messages: tuple[str, ...]
    path: Node | None
    query: str
    node_level: bool  # a node shape's constraint: the value is the focus node unless bound
    templated: bool = False  # a SPARQL constraint: {?var} in the messages takes the row's value
    # The constraint as a test of one bound ?this within its shape's screen (see Screen): the
    # screen's target, and a group pattern with a row when ?this breaks the constraint. None
    # for a SPARQL constraint, which always runs alone.
    screen_target: str | None = None
    screen_test: tuple[str, str] | None = None  # kg.shacl_sparql._Compiler._violation_test


@dataclass(frozen=True)
class Result:
    """One row of a compiled constraint, as pySHACL would report it."""

    focus: Node
    shape: Node
    component: URIRef
    severity: str
    message: str
    path: Node | None
    value: Node | None


def load_for_validation(store: ox.Store, ntriples: bytes) -> None:
    """Add N-Triples to the store as validation needs them: blank node labels kept (so
    results name the nodes of the caller's graph) and integer-derived datatypes aliased."""
    store.bulk_extend(keep_datatype(q) for q in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))


def keep_datatype(quad: ox.Quad) -> ox.Quad:
    """The quad with an integer-derived datatype under its alias (see COLLAPSED)."""
    o = quad.object
    if isinstance(o, ox.Literal) and o.datatype.value in _COLLAPSED_IRIS:
        return ox.Quad(quad.subject, quad.predicate,
                       ox.Literal(o.value, datatype=ox.NamedNode(ALIAS + o.datatype.value)),
                       quad.graph_name)
    return quad


def restore_datatypes(store: ox.Store) -> None:
    """Give aliased literals their datatype back, in every graph: after validation, before the
    store's data is checked, inferred from or written anywhere (the engine then stores them as
    xsd:integer, as any load does)."""
    store.update(f"""
        DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} INSERT {{ GRAPH ?g {{ ?s ?p ?restored }} }}
        WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
                 FILTER(isLiteral(?o) && STRSTARTS(STR(DATATYPE(?o)), "{ALIAS}"))
                 BIND(STRDT(STR(?o), IRI(STRAFTER(STR(DATATYPE(?o)), "{ALIAS}"))) AS ?restored) }}
    """)


_COLLAPSED_IRIS = {str(d) for d in COLLAPSED}


def _from_engine(term: object) -> Node | None:
    node = to_rdflib(term)
    if isinstance(node, Literal) and node.datatype and str(node.datatype).startswith(ALIAS):
        return Literal(str(node), datatype=URIRef(str(node.datatype)[len(ALIAS):]))
    return node


def compile_shapes(shapes: Graph) -> list[CompiledConstraint]:
    """Every constraint of every targeted shape, in a stable order; raises UnsupportedShape."""
    return _Compiler(shapes).compile()


@dataclass(frozen=True)
class Screen:
    """The constraints of one node shape and its property shapes, screened by one ASK: true
    when some focus node breaks one of them, and only then are their own queries run.

    Conforming data is the build's usual case: 266 SELECTs each walked their shape's focus
    nodes (the same ones, up to 43 times for a claim); one pass per shape tests each focus
    node against all of its constraints, with the subclasses of each class named in the
    query listed once (run_compiled) rather than walked per node. The results still come
    from the constraints' own queries, so a screen changes only when they run.
    """

    query: str | None  # None: run the members whatever (a SPARQL constraint runs alone)
    members: tuple[CompiledConstraint, ...]


def screens(constraints: Iterable[CompiledConstraint]) -> list[Screen]:
    """The constraints grouped by their screen (their shape's target), in their order."""
    grouped: dict[str, list[CompiledConstraint]] = {}
    alone = []
    for c in constraints:
        if c.screen_target is None or c.screen_test is None:
            alone.append(Screen(None, (c,)))
        else:
            grouped.setdefault(c.screen_target, []).append(c)
    return [*(Screen(_screen_query(target, members), tuple(members))
              for target, members in grouped.items()), *alone]


def _screen_query(target: str, members: list[CompiledConstraint]) -> str:
    # The tests that bind the same values (one path) in one EXISTS: one walk of the path.
    by_pattern: dict[str, list[str]] = {}
    for c in members:
        pattern, test = c.screen_test  # type: ignore[misc]
        by_pattern.setdefault(pattern, []).append(f"({test})")
    tests = [" || ".join(each) if not pattern else
             f"EXISTS {{ {pattern} FILTER({' || '.join(each)}) }}"
             for pattern, each in by_pattern.items()]
    return f"ASK {{\n  {{ {target} }}\n  FILTER(" + "\n    || ".join(tests) + ")\n}"


_CLOSURE_OPEN, _CLOSURE_CLOSE = "\ue000", "\ue001"  # private-use characters: never in a query
_CLOSURE = re.compile(f"{_CLOSURE_OPEN}(\\S+) ([^{_CLOSURE_CLOSE}]*){_CLOSURE_CLOSE}")


class _Subclasses:
    """Fills in a screen's subclass placeholders from the store: VALUES listing each class
    and its subclasses (by rdfs:subClassOf*, over the union of the store's graphs, as the
    queries read it), or the property path itself if a subclass is a blank node."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.found: dict[str, list[str] | None] = {}

    def fill(self, query: str) -> str:
        return _CLOSURE.sub(self._pattern, query)

    def _pattern(self, placeholder: re.Match[str]) -> str:
        var, classes = placeholder.group(1), placeholder.group(2)
        if classes not in self.found:
            answer = self.store.query(
                f"SELECT DISTINCT ?c WHERE {{ VALUES ?t {{ {classes} }} "
                f"?c <{RDFS.subClassOf}>* ?t }}", use_default_graph_as_union=True)
            found = {s["c"] for s in answer}  # type: ignore[index]
            self.found[classes] = (None if any(isinstance(c, ox.BlankNode) for c in found)
                                   else sorted({*classes.split(), *(str(c) for c in found)}))
        listed = self.found[classes]
        if listed is None:
            named = f"{var}_listed"  # as fresh as the variable it lists for
            return f"VALUES {named} {{ {classes} }} {var} <{RDFS.subClassOf}>* {named} ."
        return f"VALUES {var} {{ {' '.join(listed)} }}"


def run_compiled(store: ox.Store, constraints: Iterable[CompiledConstraint]) -> Iterator[Result]:
    """Run the queries over the union of the store's graphs; yields one Result per row. The
    queries of a shape whose screen finds nothing are not run (they would find nothing)."""
    subclasses = _Subclasses(store)
    for screen in screens(constraints):
        if screen.query is not None and not store.query(subclasses.fill(screen.query),
                                                        use_default_graph_as_union=True):
            continue
        for c in screen.members:
            yield from _rows(store, c)


def _rows(store: ox.Store, c: CompiledConstraint) -> Iterator[Result]:
    answer = store.query(c.query, use_default_graph_as_union=True)
    names = [v.value for v in answer.variables]
    for solution in answer:
        row = {name: _from_engine(solution[name]) for name in names
               if solution[name] is not None}
        focus = row["this"]
        value = row.get("value", focus if c.node_level else None)
        path = row.get("path", c.path)
        messages = c.messages
        if c.templated:
            bound = {**row, "value": value} if value is not None else row
            messages = tuple(_fill(m, bound) for m in messages)
        yield Result(focus, c.shape, c.component, c.severity,
                     "; ".join(sorted(messages)) or "constraint not met", path, value)


def _fill(message: str, row: dict[str, Node]) -> str:
    return _TEMPLATE.sub(lambda m: str(row[m.group(1)]) if m.group(1) in row else m.group(0),
                         message)


class _Compiler:
    def __init__(self, shapes: Graph):
        self.g = shapes
        self._counter = itertools.count()
        self._nesting: list[Node] = []  # sh:node shapes being compiled, to refuse cycles
        # Writing a screen (see Screen): subclass closures as placeholders the store fills in.
        self.screening = False

    def fresh(self, name: str) -> str:
        return f"?_{name}{next(self._counter)}"

    # ---------------------------------------------------------------- shapes and targets
    def compile(self) -> list[CompiledConstraint]:
        compiled: list[CompiledConstraint] = []
        for shape in sorted(self._targeted_shapes(), key=str):
            if self._deactivated(shape):
                continue
            target = self._target(shape)
            screen_target = self._screening(self._target, shape)
            compiled.extend(self._constraints_of(shape, target, screen_target))
            for prop in sorted(self.g.objects(shape, SH.property), key=str):
                if not self._deactivated(prop):
                    compiled.extend(self._constraints_of(prop, target, screen_target))
        return compiled

    def _screening(self, write: Callable[[Node], str], shape: Node) -> str:
        self.screening = True
        try:
            return write(shape)
        finally:
            self.screening = False

    def _subclasses(self, var: str, classes: list[str]) -> str:
        """A pattern binding `var` to each of `classes` and each of their subclasses: the
        property path, or in a screen a placeholder for the classes listed (run_compiled)."""
        if self.screening:
            return f"{_CLOSURE_OPEN}{var} {' '.join(classes)}{_CLOSURE_CLOSE}"
        if len(classes) == 1:
            return f"{var} <{RDFS.subClassOf}>* {classes[0]} ."
        named = self.fresh("target")
        return f"VALUES {named} {{ {' '.join(classes)} }} {var} <{RDFS.subClassOf}>* {named} ."

    def _targeted_shapes(self) -> set[Node]:
        shapes = {s for p in TARGETS for s in self.g.subjects(p, None)}
        # Implicit class targets: a shape that is also a class targets its instances.
        for kind in (SH.NodeShape, SH.PropertyShape):
            for s in self.g.subjects(RDF.type, kind):
                if (s, RDF.type, RDFS.Class) in self.g or (s, RDF.type, URIRef(
                        "http://www.w3.org/2002/07/owl#Class")) in self.g:
                    shapes.add(s)
        return shapes

    def _deactivated(self, shape: Node) -> bool:
        flag = self.g.value(shape, SH.deactivated)
        return isinstance(flag, Literal) and flag.toPython() is True

    def _target(self, shape: Node) -> str:
        """A group pattern binding ?this to each focus node of the shape."""
        branches = []
        classes = list(self.g.objects(shape, SH.targetClass))
        if (shape, RDF.type, RDFS.Class) in self.g or (
                shape, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in self.g:
            classes.append(shape)
        if classes:
            # One VALUES block for all classes: a UNION of 15 class branches took 2.6 s where
            # this takes 0.06 s (rkgsh:RecordShape on 110k triples).
            sub = self.fresh("cls")
            listed = [_term(shape, c) for c in sorted(classes, key=str)]
            branches.append(f"{{ {self._subclasses(sub, listed)} ?this a {sub} . }}")
        for node in self.g.objects(shape, SH.targetNode):
            branches.append(f"{{ BIND({_term(shape, node)} AS ?this) }}")
        for prop in self.g.objects(shape, SH.targetSubjectsOf):
            branches.append(f"{{ ?this {_term(shape, prop)} {self.fresh('o')} . }}")
        for prop in self.g.objects(shape, SH.targetObjectsOf):
            branches.append(f"{{ {self.fresh('s')} {_term(shape, prop)} ?this . }}")
        for target in self.g.objects(shape, SH.target):
            if (target, RDF.type, SH.SPARQLTarget) not in self.g:
                raise UnsupportedShape(shape, "a sh:target that is not a sh:SPARQLTarget")
            select = self._select_text(shape, target)
            branches.append("{ " + select + " }")
        return "\n    UNION ".join(branches)

    def _select_text(self, shape: Node, node: Node) -> str:
        select = self.g.value(node, SH.select)
        if not isinstance(select, Literal):
            raise UnsupportedShape(shape, "a SPARQL constraint or target without sh:select")
        return _DOLLAR_VAR.sub(r"?\1", str(select))

    def _prefixes(self, node: Node) -> str:
        lines = []
        for ontology in self.g.objects(node, SH.prefixes):
            for decl in self.g.objects(ontology, SH.declare):
                prefix = self.g.value(decl, SH.prefix)
                namespace = self.g.value(decl, SH.namespace)
                lines.append(f"PREFIX {prefix}: <{namespace}>")
        return "\n".join(sorted(set(lines)))

    # ---------------------------------------------------------------- one shape's constraints
    def _check(self, shape: Node) -> None:
        for predicate in set(self.g.predicates(shape, None)):
            if str(predicate).startswith(str(SH)) and predicate not in SUPPORTED:
                raise UnsupportedShape(shape, short_form(predicate))
        if self.g.value(shape, SH.path) is not None and self.g.value(shape, SH.sparql):
            raise UnsupportedShape(shape, "sh:sparql on a property shape ($PATH)")

    def _messages(self, node: Node) -> tuple[str, ...]:
        return tuple(str(m) for m in self.g.objects(node, SH.message))

    def _constraints_of(self, shape: Node, target: str,
                        screen_target: str) -> list[CompiledConstraint]:
        self._check(shape)
        path_node = self.g.value(shape, SH.path)
        path = self._path(shape, path_node) if path_node is not None else None
        severity = SEVERITY_NAMES.get(self.g.value(shape, SH.severity) or SH.Violation)
        if severity is None:
            raise UnsupportedShape(shape, "a severity other than sh:Violation, sh:Warning, sh:Info")
        messages = self._messages(shape)
        compiled = []
        parameters = sorted({p for p in self.g.predicates(shape, None)
                             if p in VALUE_CONSTRAINTS | FOCUS_CONSTRAINTS and p != SH.flags},
                            key=str)
        for parameter in parameters:
            for value in sorted(self.g.objects(shape, parameter), key=str):
                if parameter == SH.sparql:
                    compiled.append(self._sparql(shape, value, target, severity, messages))
                    continue
                if not messages:
                    raise UnsupportedShape(shape, "a constraint without sh:message (pySHACL "
                                                  "would write a generic one)")
                where = self._violations(shape, parameter, value, "?this", path)
                query = (f"SELECT DISTINCT ?this ?value WHERE {{\n  {{ {target} }}\n"
                         f"  {where}\n}}")
                self.screening = True
                try:
                    test = self._violation_test(shape, parameter, value, "?this", path)
                finally:
                    self.screening = False
                compiled.append(CompiledConstraint(
                    shape, COMPONENT[parameter], severity, messages, path_node, query,
                    node_level=path is None, screen_target=screen_target, screen_test=test))
        return compiled

    def _violations(self, shape: Node, parameter: Node, value: Node, focus: str,
                    path: str | None) -> str:
        """A group pattern over the (bound) focus that yields ?value per violation."""
        if parameter == SH["class"] and path is not None:
            # The class's members once, taken away from the values (a hash join), rather
            # than a NOT EXISTS per value.
            cls = self.fresh("cls")
            return (f"{focus} {path} ?value . MINUS {{ ?value a {cls} . "
                    f"{cls} <{RDFS.subClassOf}>* {_term(shape, value)} . }}")
        pattern, test = self._violation_test(shape, parameter, value, focus, path)
        return f"{pattern} FILTER({test})".lstrip()

    def _violation_test(self, shape: Node, parameter: Node, value: Node, focus: str,
                        path: str | None) -> tuple[str, str]:
        """The same as a pattern binding ?value (empty for a test of the focus node's
        values as a whole) and an expression true when that value breaks the constraint:
        constraints with the same pattern are tested in one pass in a screen."""
        if parameter in VALUE_CONSTRAINTS:
            values = f"BIND({focus} AS ?value)" if path is None else f"{focus} {path} ?value ."
            return values, self._value_test(shape, parameter, value, "?value")
        if path is None:
            raise UnsupportedShape(shape, f"{short_form(parameter)} on a node shape")
        if parameter == SH.minCount:
            return "", self._too_few(shape, value, focus, path)
        if parameter == SH.maxCount:
            return "", self._too_many(shape, value, focus, path)
        if parameter == SH.lessThanOrEquals:
            other = self.fresh("other")
            return (f"{focus} {path} ?value . {focus} {_term(shape, value)} {other} .",
                    f"!COALESCE(?value <= {other}, false)")
        raise UnsupportedShape(shape, short_form(parameter))

    def _too_few(self, shape: Node, count: Node, focus: str, path: str) -> str:
        n = _integer(shape, count)
        if n == 0:
            return "false"
        values = [self.fresh("v") for _ in range(n)]
        distinct = " && ".join(f"!sameTerm({a}, {b})"
                               for a, b in itertools.combinations(values, 2)) or "true"
        triples = " ".join(f"{focus} {path} {v} ." for v in values)
        return f"NOT EXISTS {{ {triples} FILTER({distinct}) }}"

    def _too_many(self, shape: Node, count: Node, focus: str, path: str) -> str:
        n = _integer(shape, count)
        values = [self.fresh("v") for _ in range(n + 1)]
        distinct = " && ".join(f"!sameTerm({a}, {b})"
                               for a, b in itertools.combinations(values, 2)) or "true"
        triples = " ".join(f"{focus} {path} {v} ." for v in values)
        return f"EXISTS {{ {triples} FILTER({distinct}) }}"

    def _value_test(self, shape: Node, parameter: Node, value: Node, v: str) -> str:
        """A SPARQL expression true when the value node `v` breaks the constraint."""
        if parameter == SH.datatype:
            return f"!({self._has_datatype(shape, value, v)})"
        if parameter == SH["class"]:
            cls = self.fresh("cls")
            return (f"NOT EXISTS {{ {v} a {cls} . "
                    f"{self._subclasses(cls, [_term(shape, value)])} }}")
        if parameter == SH.nodeKind:
            if value not in NODE_KINDS:
                raise UnsupportedShape(shape, f"sh:nodeKind {value.n3()}")
            return "!(" + NODE_KINDS[value].format(v=v) + ")"
        if parameter == SH["in"]:
            members = list(Collection(self.g, value))
            allowed = " || ".join(f"sameTerm({v}, {_term(shape, m)})" for m in members)
            return f"!({allowed or 'false'})"
        if parameter == SH.pattern:
            flags = self.g.value(shape, SH.flags)
            regex = Literal(str(value)).n3()
            extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            return f"(isBlank({v}) || !REGEX(STR({v}), {regex}{extra}))"
        if parameter == SH.languageIn:
            tags = [str(t) for t in Collection(self.g, value)]
            matches = " || ".join(f"langMatches(lang({v}), {Literal(t).n3()})" for t in tags)
            return f"!(isLiteral({v}) && ({matches or 'false'}))"
        if parameter == SH.minInclusive:
            return f"!COALESCE({v} >= {_term(shape, value)}, false)"
        if parameter == SH["or"]:
            members = list(Collection(self.g, value))
            every = " && ".join(f"({self._breaks_shape(m, v)})" for m in members)
            return every or "true"
        if parameter == SH.node:
            return self._breaks_shape(value, v)
        raise UnsupportedShape(shape, short_form(parameter))

    def _has_datatype(self, shape: Node, datatype: Node, v: str) -> str:
        if datatype == RDF.langString:
            return f"isLiteral({v}) && lang({v}) != \"\""
        if not isinstance(datatype, URIRef):
            raise UnsupportedShape(shape, "sh:datatype that is not an IRI")
        stored = ALIAS + str(datatype) if datatype in COLLAPSED else str(datatype)
        test = f"isLiteral({v}) && lang({v}) = \"\" && datatype({v}) = <{stored}>"
        if datatype in LEXICAL:
            test += f" && REGEX(STR({v}), {Literal(LEXICAL[datatype]).n3()})"
        elif datatype not in (XSD.string, RDFS.Literal):
            raise UnsupportedShape(shape, f"sh:datatype {datatype.n3()} (no lexical check)")
        return test

    def _breaks_shape(self, shape: Node, v: str) -> str:
        """An expression true when `v` does not conform to the (nested) shape."""
        if shape in self._nesting:
            raise UnsupportedShape(shape, "a cycle of sh:node / sh:or references")
        self._nesting.append(shape)
        try:
            self._check(shape)
            if self.g.value(shape, SH.sparql) is not None:
                raise UnsupportedShape(shape, "sh:sparql inside sh:node or sh:or")
            tests = []
            path_node = self.g.value(shape, SH.path)
            path = self._path(shape, path_node) if path_node is not None else None
            tests.extend(self._nested_tests(shape, v, path))
            for prop in self.g.objects(shape, SH.property):
                self._check(prop)
                prop_path = self._path(prop, self.g.value(prop, SH.path))
                tests.extend(self._nested_tests(prop, v, prop_path))
            return " || ".join(f"({t})" for t in tests) or "false"
        finally:
            self._nesting.pop()

    def _nested_tests(self, shape: Node, v: str, path: str | None) -> list[str]:
        tests = []
        pairs = sorted(((p, o) for p, o in self.g.predicate_objects(shape)
                        if p in VALUE_CONSTRAINTS | FOCUS_CONSTRAINTS and p not in _NOT_TESTS),
                       key=str)
        for parameter, value in pairs:
            if parameter in VALUE_CONSTRAINTS:
                if path is None:
                    tests.append(self._value_test(shape, parameter, value, v))
                else:
                    each = self.fresh("nv")
                    test = self._value_test(shape, parameter, value, each)
                    tests.append(f"EXISTS {{ {v} {path} {each} . FILTER({test}) }}")
            elif path is None:
                raise UnsupportedShape(shape, f"{short_form(parameter)} on a node shape")
            elif parameter == SH.minCount:
                tests.append(self._too_few(shape, value, v, path))
            elif parameter == SH.maxCount:
                tests.append(self._too_many(shape, value, v, path))
            else:
                raise UnsupportedShape(
                    shape, f"{short_form(parameter)} inside sh:node or sh:or")
        return tests

    # ---------------------------------------------------------------- SPARQL constraints
    def _sparql(self, shape: Node, constraint: Node, target: str, severity: str,
                messages: tuple[str, ...]) -> CompiledConstraint:
        for predicate in set(self.g.predicates(constraint, None)):
            if str(predicate).startswith(str(SH)) and predicate not in {
                    SH.select, SH.prefixes, SH.message, SH.deactivated}:
                raise UnsupportedShape(shape, f"{short_form(predicate)} in a SPARQL constraint")
        # pySHACL reports the shape's messages and the constraint's, each once.
        messages = tuple(dict.fromkeys(messages + self._messages(constraint)))
        if not messages:
            raise UnsupportedShape(shape, "a SPARQL constraint without sh:message")
        select = self._select_text(shape, constraint)
        match = _PROJECTION.search(select)
        if match is None:
            raise UnsupportedShape(shape, "a sh:select the compiler cannot read")
        projection = match.group(2)
        if projection.strip() != "*" and not re.search(r"\?this\b", projection):
            projection = "?this " + projection
        # The focus nodes go first in the query's own group: pySHACL pre-binds $this.
        query = (f"{self._prefixes(constraint)}\n{select[:match.start()]}"
                 f"SELECT DISTINCT {projection} WHERE {{\n  {{ {target} }}\n"
                 f"{select[match.end():]}")
        return CompiledConstraint(shape, SH.SPARQLConstraintComponent, severity, messages,
                                  self.g.value(shape, SH.path), query, node_level=True,
                                  templated=True)

    # ---------------------------------------------------------------- paths
    def _path(self, shape: Node, path: Node | None) -> str:
        if path is None:
            raise UnsupportedShape(shape, "a property shape without sh:path")
        if isinstance(path, URIRef):
            return path.n3()
        if (path, RDF.first, None) in self.g:
            return "(" + "/".join(self._path(shape, p) for p in Collection(self.g, path)) + ")"
        alternatives = self.g.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self._path(shape, p)
                                  for p in Collection(self.g, alternatives)) + ")"
        for predicate, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"),
                                  (SH.zeroOrOnePath, "?")):
            inner = self.g.value(path, predicate)
            if inner is not None:
                return f"({self._path(shape, inner)}){suffix}"
        inverse = self.g.value(path, SH.inversePath)
        if inverse is not None:
            return f"^({self._path(shape, inverse)})"
        raise UnsupportedShape(shape, "a sh:path of a kind the compiler does not know")


def _term(shape: Node, term: Node) -> str:
    if isinstance(term, BNode):
        raise UnsupportedShape(shape, "a blank node where a term is expected")
    return term.n3()


def _integer(shape: Node, value: Node) -> int:
    if not (isinstance(value, Literal) and isinstance(value.toPython(), int)):
        raise UnsupportedShape(shape, "a count that is not an integer")
    return int(value.toPython())
