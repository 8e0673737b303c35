import pytest
from neo4j import Driver

import cypher
from bigfinder.settings import Settings
from graph.admin import drop_schema, init_schema, schema_statements, server_info

pytestmark = pytest.mark.neo4j


def _schema_state(
    driver: Driver, settings: Settings
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    db = settings.neo4j_database
    constraints = driver.execute_query(cypher.load("admin", "constraints"), database_=db).records
    indexes = driver.execute_query(cypher.load("admin", "indexes"), database_=db).records
    return (
        [(r["name"], r["type"], tuple(r["labelsOrTypes"]), tuple(r["properties"])) for r in constraints],
        [(r["name"], r["type"], r["state"]) for r in indexes],
    )


def test_init_twice_gives_the_same_state(graph: Driver, settings: Settings) -> None:
    drop_schema(graph, settings)
    first = init_schema(graph, settings)
    state_after_first = _schema_state(graph, settings)
    second = init_schema(graph, settings)

    wanted = {s.name for s in schema_statements()}
    assert set(first.created) == wanted
    assert second.created == ()
    assert set(second.existing) == wanted
    assert _schema_state(graph, settings) == state_after_first
    assert all(state == "ONLINE" for _, _, state in state_after_first[1])


def test_uniqueness_is_enforced_on_identifying_keys(graph: Driver, settings: Settings) -> None:
    init_schema(graph, settings)
    graph.execute_query("CREATE (:Phone {number: $n})", n="+82212345678", database_=settings.neo4j_database)
    with pytest.raises(Exception, match="already exists"):
        graph.execute_query(
            "CREATE (:Phone {number: $n})", n="+82212345678", database_=settings.neo4j_database
        )


def test_server_reports_version_edition_plugins_and_counts(driver: Driver, settings: Settings) -> None:
    init_schema(driver, settings)
    info = server_info(driver, settings)
    assert info.version.startswith("5.26")
    assert info.edition == "community"
    assert set(info.plugins) == {"apoc", "gds"}
    assert info.plugins["gds"].startswith("2.13")
    assert info.constraints == sum(1 for s in schema_statements() if s.kind == "constraint")
