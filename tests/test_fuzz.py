"""Property-based fuzzing of the JSON API and the SPARQL endpoint from the OpenAPI description.

Bounded (MAX_EXAMPLES per operation) so CI stays quick; the point is 0 server errors and
responses that match the description, for inputs nobody thought to write down.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings

from web.openapi import description

MAX_EXAMPLES = 40
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_headers_conformance,
    schemathesis.checks.response_schema_conformance,
]

# The description the app serves (a test below checks they are the same), so operations are
# known at collection time; the app itself comes from the session's store.
schema = schemathesis.openapi.from_dict(description("http://localhost", 20))


def test_the_served_description_is_the_fuzzed_one(app) -> None:
    served = app.test_client().get("/openapi.json").get_json()
    assert served["paths"] == schema.raw_schema["paths"]
    assert served["openapi"].startswith("3.")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_api_never_fails_and_keeps_its_description(case, app) -> None:
    # Acceptance of schema-valid data is not checked: whether a string is a query the store can
    # answer, or a format fits the query's form, is beyond what OpenAPI can say.
    case.call_and_validate(app=app, checks=CHECKS)
