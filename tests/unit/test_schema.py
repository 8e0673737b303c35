import pytest

from graph.schema import SCHEMA, CompanyRole, GraphSchema, NodeKind, RelationshipKind, UnknownSchemaElement


def test_every_domain_kind_is_declared_with_its_key() -> None:
    keys = {n.label: n.key for n in SCHEMA.nodes}
    assert keys == {
        "Person": "person_id",
        "Company": "company_id",
        "Declaration": "declaration_id",
        "Parcel": "tracking_number",
        "PurchaseRecord": "record_id",
        "Account": "account_id",
        "Trip": "trip_id",
        "XRayHit": "scan_id",
        "Document": "document_id",
        "WatchlistEntry": "entry_id",
        "Phone": "number",
        "Email": "address",
        "Address": "address_key",
        "Passport": "passport_key",
        "AnalysisRun": "run_id",
        "Ring": "ring_id",
        "Case": "case_id",
        "CaseNote": "note_id",
        "MatchReview": "pair_id",
    }


def test_shared_identifiers_are_nodes_of_their_own() -> None:
    assert set(SCHEMA.identifier_labels) == {"Phone", "Email", "Address", "Passport", "Account"}
    assert SCHEMA.relationship("HAS_PHONE").start == ("Person", "Company")


def test_company_roles_are_whitelisted_secondary_labels() -> None:
    assert SCHEMA.node("Company").secondary_labels == ("Importer", "Supplier", "CustomsBroker")
    assert {r.value for r in CompanyRole} == set(SCHEMA.node("Company").secondary_labels)


def test_transfers_are_keyed_relationships_between_accounts() -> None:
    transfer = SCHEMA.relationship("TRANSFER")
    assert (transfer.start, transfer.end, transfer.key) == (("Account",), ("Account",), "transfer_id")


@pytest.mark.parametrize("name", ["Smuggler", "person", "Person) DETACH DELETE (n", ""])
def test_unknown_labels_are_refused(name: str) -> None:
    with pytest.raises(UnknownSchemaElement, match="not a node label"):
        SCHEMA.node(name)


def test_unknown_relationship_types_are_refused() -> None:
    with pytest.raises(UnknownSchemaElement, match="not a relationship type"):
        SCHEMA.relationship("KNOWS]->() DELETE x//")


def test_a_schema_with_an_unsafe_identifier_fails_at_construction() -> None:
    with pytest.raises(ValueError, match="not a safe Cypher identifier"):
        GraphSchema(nodes=(NodeKind("Bad Label", "id", "x"),), relationships=())


def test_a_relationship_to_an_undeclared_label_fails_at_construction() -> None:
    with pytest.raises(UnknownSchemaElement):
        GraphSchema(
            nodes=(NodeKind("Person", "person_id", "x"),),
            relationships=(RelationshipKind("KNOWS", ("Person",), ("Ghost",), "x"),),
        )


def test_duplicate_names_fail_at_construction() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        GraphSchema(nodes=(NodeKind("Person", "a", "x"), NodeKind("Person", "b", "y")), relationships=())


def test_case_entities_are_every_source_label() -> None:
    assert set(SCHEMA.relationship("INCLUDES").end) == set(SCHEMA.source_labels)
    assert set(SCHEMA.relationship("ABOUT").end) == set(SCHEMA.source_labels)
    assert "Case" not in SCHEMA.source_labels and "CaseNote" not in SCHEMA.source_labels
