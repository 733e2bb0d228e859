from rdflib import BNode, Graph, Literal, URIRef

from tests.isomorphism import same_graph

P = URIRef("http://example.org/p")


def test_blank_node_names_do_not_matter() -> None:
    a, b = Graph(), Graph()
    a.add((BNode(), P, Literal(1)))
    b.add((BNode(), P, Literal(1)))
    assert same_graph(a, b)


def test_different_structure_is_not_isomorphic() -> None:
    a, b = Graph(), Graph()
    x, y, z = BNode(), BNode(), BNode()
    a.add((x, P, Literal(1)))
    a.add((x, P, Literal(2)))
    b.add((y, P, Literal(1)))
    b.add((z, P, Literal(2)))
    assert not same_graph(a, b)
