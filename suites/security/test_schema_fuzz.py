"""Schemathesis against the app's own OpenAPI schema, through nginx, as the seeded role users:
any input the schema allows (and much that it does not) is answered without a 5xx, and every
answer the schema describes matches it.

Bounded: the coverage phase (boundaries, missing and wrong-typed fields) plus a fixed number of
random examples per operation, derandomized so that a run is reproducible. Every role reads
everything; each role writes only through the operations its role may use, since the others
refuse it with 403 before reading the input (test_permissions.py proves that), so fuzzing them
again costs minutes and finds nothing. On staging only reads are fuzzed: generated writes
belong on throwaway data.
"""
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fixtures.target import api

pytestmark = pytest.mark.security
EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, response_schema_conformance]
WRITES = {
    "maker": {"POST /api/auth/token/", "POST /api/work-orders/", "PATCH /api/work-orders/{id}/",
              "DELETE /api/work-orders/{id}/", "PATCH /api/tasks/{id}/", "DELETE /api/tasks/{id}/",
              "POST /api/work-orders/{id}/submit/", "POST /api/work-orders/{id}/revise/"},
    "supervisor": {"POST /api/work-orders/{id}/approve/", "POST /api/work-orders/{id}/reject/",
                   "POST /api/work-orders/{id}/assign/"},
    "operator": {"POST /api/tasks/{id}/start/", "POST /api/tasks/{id}/complete/"},
}


def load_schema(target, **config):
    config = schemathesis.Config.from_dict({
        "base-url": target.base_url,
        "tls-verify": target.ca_bundle or True,
        "request-timeout": 10,
        "generation": {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True,
                       "database": "none"},
        # Stateful runs follow links the schema does not declare; coverage covers the edges.
        "phases": {"stateful": {"enabled": False}},
        **config,
    })
    return schemathesis.openapi.from_url(f"{target.base_url}/api/schema/", config=config,
                                         verify=target.ca_bundle or True, timeout=10)


@pytest.fixture(params=sorted(WRITES))
def api_schema(request, target):
    role = request.param
    # schemathesis 4.32 names each operation's subtest through Node._nodeid, which pytest 9
    # keeps as Node.nodeid only: give it the attribute it reads.
    request.node._nodeid = request.node.nodeid
    # The role user's token, in the security scheme the schema itself declares.
    token = {"tokenAuth": {"api_key": f"Token {api.login(target, role)}"}}
    # Operations are turned off in the config: schemathesis replaces a fixture schema's own
    # include/exclude filters with the config's.
    if target.mode == "local":
        off = {"include-name": sorted(set().union(*WRITES.values()) - WRITES[role])}
    else:
        off = {"include-method": ["POST", "PUT", "PATCH", "DELETE"]}
    return load_schema(target, auth={"openapi": token}, operations=[{**off, "enabled": False}])


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_no_input_gets_a_5xx_and_every_answer_matches_the_schema(case):
    case.call_and_validate(checks=CHECKS)


def test_every_write_operation_is_fuzzed_by_a_role_that_may_use_it(target):
    """A new write endpoint must be given to a role above, or it would never be fuzzed."""
    operations = {result.ok().label for result in load_schema(target).get_all_operations()}
    writes = {label for label in operations if not label.startswith("GET ")}
    assert writes == set().union(*WRITES.values())
