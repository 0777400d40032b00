"""Checks every FHIR test uses: a bundle validates against the R4 models of fhir.resources
(the bundle, and each resource by its own class), its ids are unique and every reference in
it resolves to an entry."""

import json
from typing import Any

from fhir.resources import get_fhir_model_class
from fhir.resources.bundle import Bundle


def references(value: Any) -> list[str]:
    """Every `reference` string anywhere in a resource."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference" and isinstance(item, str):
                found.append(item)
            else:
                found += references(item)
    elif isinstance(value, list):
        for item in value:
            found += references(item)
    return found


def validate_resource(resource: dict) -> None:
    model = get_fhir_model_class(resource["resourceType"])
    model.parse_obj(json.loads(json.dumps(resource)))


def validate_bundle(data: dict) -> None:
    """Raises when the bundle is not valid R4, an id repeats or a reference dangles."""
    Bundle.parse_obj(data)
    assert data["type"] == "collection"
    urls = [entry["fullUrl"] for entry in data["entry"]]
    assert len(urls) == len(set(urls)), "a fullUrl repeats"
    for entry in data["entry"]:
        resource = entry["resource"]
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        validate_resource(resource)
        dangling = set(references(resource)) - set(urls)
        assert not dangling, (resource["resourceType"], dangling)


def by_type(data: dict, resource_type: str) -> list[dict]:
    return [
        entry["resource"]
        for entry in data["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def types_of(data: dict) -> set[str]:
    return {entry["resource"]["resourceType"] for entry in data["entry"]}
