"""Schemathesis against the OpenAPI schema: generated requests to every route, as an admin, get no 500.

A few examples per operation keep it short; the world is the seeded one, so generated keys sometimes
hit real entities. Uploads with generated file names are refused (415) before any ingest starts.
"""

from __future__ import annotations

from collections import defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error

from api.access import Role
from api.app import create_app
from bigfinder.settings import Settings
from tests.integration.api.conftest import PURPOSE, auth

pytestmark = pytest.mark.neo4j

#: Generated examples per operation: enough to reach every parameter, few enough for ~30 s in all.
EXAMPLES = 6


@pytest.fixture(scope="module")
def api_schema(api_settings: Settings, keys: dict[Role, str], seeded: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_asgi("/v1/openapi.json", create_app(api_settings))


def test_no_generated_request_gets_a_server_error(
    api_schema: schemathesis.BaseSchema, keys: dict[Role, str]
) -> None:
    # Each operation's strategy driven by hypothesis here (schemathesis' lazy pytest loader does not
    # work with this pytest), so one test covers every route.
    headers = auth(keys[Role.ADMIN], **PURPOSE)
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30
    answered: dict[str, set[int]] = defaultdict(set)

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def no_server_error(case: schemathesis.Case) -> None:
            response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
            answered[case.operation.label].add(response.status_code // 100)

        no_server_error()
    # Every operation was reached, and the generated data got past validation somewhere.
    assert set(answered) == {operation.label for operation in operations}
    assert 2 in set().union(*answered.values())
