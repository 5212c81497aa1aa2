"""docs/openapi.yaml as a test oracle: look up what an operation documents and check that a
real answer matches it, strictly (a member the spec does not name is an error here, although
clients are told to ignore unknown members: the spec must keep up with the server)."""
from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCS = Path(__file__).resolve().parents[2] / "docs"
SPEC_URI = "urn:whistle:openapi"


@cache
def spec() -> dict:
    return yaml.safe_load((DOCS / "openapi.yaml").read_text(encoding="utf-8"))


def _strict(node):
    """A copy in which every object schema refuses members it does not list."""
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


@cache
def _registry(strict: bool) -> Registry:
    contents = _strict(spec()) if strict else copy.deepcopy(spec())
    return Registry().with_resource(SPEC_URI, Resource.from_contents(contents, default_specification=DRAFT202012))


def resolve(node: dict) -> dict:
    """Follow a local $ref ("#/components/...") inside the spec."""
    while isinstance(node, dict) and "$ref" in node:
        target = spec()
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def validator(schema: dict, *, strict: bool = True) -> Draft202012Validator:
    # Every schema the operations use is a "#/components/..." reference; point it into the
    # registered spec so nested references resolve too.
    assert set(schema) == {"$ref"}, f"expected a $ref schema, got {schema}"
    return Draft202012Validator({"$ref": SPEC_URI + schema["$ref"]}, registry=_registry(strict),
                                format_checker=FormatChecker())


def errors_of(instance, schema: dict, *, strict: bool = True) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in validator(schema, strict=strict).iter_errors(instance)]


def operation(method: str, path: str) -> dict:
    return spec()["paths"][path][method.lower()]


def check_request(method: str, path: str, body) -> None:
    """A JSON request body the way the spec describes it."""
    schema = operation(method, path)["requestBody"]["content"]["application/json"]["schema"]
    problems = errors_of(body, schema)
    assert not problems, f"{method} {path} request does not match the spec: {problems}"


def check_answer(method: str, path: str, response) -> None:
    """The status is documented for this operation, and the body matches its schema."""
    responses = operation(method, path)["responses"]
    status = str(response.status_code)
    assert status in responses, (
        f"{method} {path} answered {status}, which docs/openapi.yaml does not document: "
        f"{response.get_data()[:300]!r}")
    content = resolve(responses[status]).get("content", {})
    assert response.mimetype in content, f"{method} {path} {status}: {response.mimetype} not documented"
    if response.mimetype == "application/json":
        problems = errors_of(response.get_json(), content["application/json"]["schema"])
        assert not problems, f"{method} {path} {status} body does not match the spec: {problems}"
