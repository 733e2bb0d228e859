"""Every setting of the web app, declared once: name, default, help."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kg.namespaces import CANONICAL_BASE


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("STORE", None,
            "Folder of the embedded store (default: $KG_STORE, else var/store of the project)."),
    Setting("ENDPOINT", None,
            "SPARQL query endpoint of a remote engine to serve from, instead of STORE "
            "(credentials: KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD, or KG_ENDPOINT_TOKEN)."),
    Setting("BASE_IRI", CANONICAL_BASE,
            "The base of the dataset's IRIs (KG_BASE_IRI, read by `kg build` too): the build "
            "writes every IRI under it, and entity IRIs under it are served at the same path. "
            "A store built under another base is refused at startup."),
    Setting("SITE_NAME", "Remedy KG", "The site's name in page titles and the header."),
    Setting("DATA_LICENSE", "https://creativecommons.org/licenses/by/4.0/",
            "The licence of the data, shown in the footer and the dataset description."),
    Setting("SEARCH_LIMIT", 20, "Most matches the label search returns."),
    Setting("PAGE_SIZE", 100,
            "Rows per page of a canned question's answer and of a type's list (/browse); the "
            "other rows are at ?page=2, 3... (a static copy keeps each list on one page)."),
    Setting("QUERY_TIMEOUT", 10,
            "Seconds a SPARQL query may run; then it is stopped and the client gets a 503."),
    Setting("MAX_RESULT_ROWS", 10_000,
            "Most rows (or triples) a SPARQL query returns; a cut result carries the header "
            "X-Result-Truncated."),
    Setting("MAX_CONCURRENT_QUERIES", 2,
            "SPARQL queries run at once, each in a worker process of its own (embedded store)."),
    Setting("QUERY_MEMORY_MB", 2048,
            "Megabytes of memory a SPARQL query's worker process may take (embedded store); "
            "a query that needs more is stopped and the client gets a 503."),
    Setting("ANSWER_CACHE_BYTES", 32 * 2**20,
            "Bytes of /sparql answers kept in memory (embedded store; 0 for none): a query "
            "asked again in the same format is answered without running it, unless it can "
            "read the community graph. Whole responses resent without the app are kept within "
            "as many bytes again."),
    Setting("QUERY_QUEUE_WAIT", 2,
            "Seconds a query waits for a free slot before a 503 with Retry-After."),
    Setting("MAX_URL_LENGTH", 8192, "Longest request URL, in bytes; longer is a 414."),
    Setting("MAX_REQUEST_BYTES", 65_536, "Largest request body, in bytes; larger is a 413."),
    Setting("VALIDATE_TIMEOUT", 60,
            "Seconds a /validate check of a proposed change may run; then it is stopped and "
            "the client gets a 503."),
    Setting("RATE_LIMIT", "600 per minute",
            "Requests per client address to any page but static files ('' for none); "
            "over it is a 429 with Retry-After."),
    Setting("SPARQL_RATE_LIMIT", "120 per minute",
            "SPARQL queries per client address, on top of RATE_LIMIT ('' for none)."),
    Setting("UPDATE_ENDPOINT", None,
            "SPARQL Update endpoint of the remote engine, for the community graph's writes "
            "(default: ENDPOINT)."),
    Setting("SECRET_KEY", None,
            "Signs the session cookie and CSRF tokens and keys the visitor hashes (default: "
            "a random key kept beside the community journal; set it for a remote engine)."),
    Setting("COMMUNITY_JOURNAL", None,
            "The embedded community graph's journal file (default: beside the store folder, "
            "var/store-community.jsonl)."),
    Setting("COMMUNITY_RATE_LIMIT", "20 per minute;300 per day",
            "Votes, posts, reports per client address ('' for none); over it is a 429."),
    Setting("COMMUNITY_HIDE_AFTER", 3, "Reports from different visitors that hide a post."),
    Setting("COMMUNITY_MAX_POST", 4000, "Longest post or side-effects text, in characters."),
    Setting("COMMUNITY_MAX_NAME", 60, "Longest display name, in characters."),
    Setting("STATIC_COPY", False,
            "Render pages for a read-only static copy (`kg site`): what only a running server "
            "answers (SPARQL, search, safety answers, community forms, the API) is linked to "
            "LIVE_URL, or to a page of the copy that says it needs a server."),
    Setting("LIVE_URL", None,
            "In a static copy, the running site that answers what the copy cannot (default: "
            "none; the copy then says where a server is needed)."),
    Setting("ADMIN_TOKEN", None,
            "Turns on /community/admin, where whoever gives this token hides or restores "
            "reported posts (default: off)."),
)


def defaults() -> dict[str, Any]:
    return {s.name: s.default for s in SETTINGS}
