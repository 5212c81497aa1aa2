"""docs/openapi.yaml describes exactly the /api/v1 routes the app registers, and is itself a
sound document: every reference resolves and every schema is valid JSON Schema 2020-12."""
import re

from jsonschema import Draft202012Validator

from tests.docs.spec import resolve, spec

AUTOMATIC = {"HEAD", "OPTIONS"}  # added by Flask to every rule, not part of the protocol
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def app_routes(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            routes.setdefault(path, set()).update(rule.methods - AUTOMATIC)
    return routes


def spec_routes() -> dict[str, set[str]]:
    return {path: {m.upper() for m in item if m in METHODS} for path, item in spec()["paths"].items()}


def test_every_api_route_is_in_the_spec_with_the_same_methods_and_vice_versa(app):
    assert spec()["servers"][0]["url"] == "/api/v1"
    in_app, in_spec = app_routes(app), spec_routes()
    assert in_app, "no /api/v1 routes found in the app"
    assert sorted(set(in_app) - set(in_spec)) == [], "routes the spec does not describe"
    assert sorted(set(in_spec) - set(in_app)) == [], "routes in the spec the app does not have"
    for path in in_app:
        assert in_app[path] == in_spec[path], f"{path}: app {in_app[path]} != spec {in_spec[path]}"


def test_the_spec_is_openapi_31_with_sound_schemas_and_references():
    doc = spec()
    assert doc["openapi"].startswith("3.1.")
    for name, schema in doc["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)

    def walk(node, where):
        if isinstance(node, dict):
            if "$ref" in node:
                assert node["$ref"].startswith("#/"), f"{where}: only local references"
                resolve(node)  # raises KeyError when the target is missing
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    walk(doc, "#")


def test_every_operation_documents_its_answers_and_path_parameters():
    for path, item in spec()["paths"].items():
        placeholders = set(re.findall(r"{([^}]+)}", path))
        for method, op in item.items():
            where = f"{method.upper()} {path}"
            assert op.get("operationId") and op.get("summary"), where
            declared = {resolve(p)["name"] for p in op.get("parameters", []) if resolve(p)["in"] == "path"}
            assert declared == placeholders, f"{where}: path parameters {declared} != {placeholders}"
            codes = set(op["responses"])
            assert "500" in codes, f"{where}: every operation can fail on the server"
            assert any(c.startswith("2") for c in codes), f"{where}: no success answer"
            if op.get("security"):
                assert "401" in codes, f"{where}: an authenticated operation answers 401"
            for code, answer in op["responses"].items():
                if not code.startswith("2"):
                    schema = resolve(answer)["content"]["application/json"]["schema"]
                    assert "error" in resolve(schema)["required"], f"{where} {code}: error body"
