"""crypto/ stays pure: no web framework, database, clock or logging in it."""

import ast
from pathlib import Path

CRYPTO = Path(__file__).parents[2] / "crypto"
FORBIDDEN = {"flask", "sqlalchemy", "logging", "time", "datetime", "whistle", "os", "random", "secrets"}


def test_crypto_imports_nothing_impure():
    for path in CRYPTO.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"


def test_public_api_is_exported():
    import crypto

    for name in crypto.__all__:
        assert hasattr(crypto, name), name
