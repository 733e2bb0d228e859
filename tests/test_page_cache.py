"""Pages rendered once per server, served again from memory, and 304s for a known ETag."""

from __future__ import annotations

import pytest

from kg.store import Store
from tests.conftest import make_app


@pytest.fixture
def client(synthetic_store: Store):
    return make_app(synthetic_store).test_client()


def first_path(store: Store, cls: str) -> str:
    row = next(store.query(f"SELECT ?c WHERE {{ ?c a <https://w3id.org/remedy-kg/ontology#{cls}>"
                           " } ORDER BY ?c LIMIT 1").dicts())
    return str(row["c"]).removeprefix("https://w3id.org/remedy-kg")


def claim_path(store: Store) -> str:
    # A condition page: claim and remedy pages carry the community's parts (tested apart).
    return first_path(store, "Condition")


def test_a_page_is_kept_and_served_again(client, synthetic_store: Store) -> None:
    path = claim_path(synthetic_store)
    first = client.get(path)
    assert first.status_code == 200
    assert "X-Page-Cache" not in first.headers
    again = client.get(path)
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.data == first.data
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Vary"] == "Accept"
    assert again.headers["Content-Security-Policy"]  # still added to kept responses


def test_a_known_etag_gets_a_304_without_a_body(client, synthetic_store: Store) -> None:
    path = claim_path(synthetic_store)
    etag = client.get(path).headers["ETag"]
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    # Another server (or a restart over a new build) has another token: no 304.
    other = make_app(synthetic_store).test_client()
    assert other.get(path, headers={"If-None-Match": etag}).status_code == 200


def test_each_variant_is_kept_apart(client, synthetic_store: Store) -> None:
    path = claim_path(synthetic_store)
    html = client.get(path)
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.content_type.startswith("text/turtle")
    assert client.get(path, headers={"Accept": "text/turtle"}).data == turtle.data
    assert client.get(path).data == html.data
    assert turtle.headers["ETag"] != html.headers["ETag"]
    assert client.get(path + ".nt").headers["ETag"] not in (turtle.headers["ETag"],
                                                             html.headers["ETag"])


def test_errors_are_not_kept(client) -> None:
    for _ in range(2):
        response = client.get("/id/claim/no-such-claim")
        assert response.status_code == 404
        assert "X-Page-Cache" not in response.headers
        assert "ETag" not in response.headers


def test_a_claim_page_is_kept_as_a_shell_with_the_community_spliced_in(
        client, synthetic_store: Store) -> None:
    """Claim pages show the community: the page around it is kept, the part is spliced in
    (tests/test_community.py follows it through writes)."""
    path = first_path(synthetic_store, "Claim")
    first = client.get(path)
    assert first.status_code == 200
    again = client.get(path)
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.data == first.data and b"Community votes:" in again.data
    assert "Cookie" in again.headers["Vary"]
    assert client.get(path, headers={"If-None-Match": again.headers["ETag"]}).status_code == 304
