""".env.example lists every variable the code reads from the environment."""

import ast
import re

from tests.conftest import ROOT

ENV_EXAMPLE = ROOT / ".env.example"
ENV_METHODS = {
    "bool",
    "int",
    "float",
    "str",
    "list",
    "tuple",
    "dict",
    "json",
    "url",
    "db",
    "db_url",
    "cache",
    "cache_url",
    "email",
    "email_url",
    "search_url",
    "path",
}


def listed_variables() -> set[str]:
    """NAME=... lines, also commented out ones (`# NAME=...` = optional, shown with an example)."""
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text()))


def variables_read_by(path) -> set[str]:
    """Names read with env("X"), env.bool("X") ... (django-environ) or os.environ / os.getenv."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
                and func.attr in ENV_METHODS
            )
            is_os = isinstance(func, ast.Attribute) and (
                (func.attr == "getenv" and getattr(func.value, "id", None) == "os")
                or (func.attr == "get" and ast.unparse(func.value) == "os.environ")
            )
            if (is_env or is_os) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
        if (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def test_the_parser_finds_the_variables_settings_is_known_to_read():
    found = variables_read_by(ROOT / "smk_dashboard" / "settings.py")
    assert {"SECRET_KEY", "DEBUG", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= found
    assert {"CONN_MAX_AGE", "LOG_FORMAT", "METRICS_TOKEN"} <= found  # env.int, env(...)


def test_every_variable_settings_reads_is_in_env_example():
    missing = variables_read_by(ROOT / "smk_dashboard" / "settings.py") - listed_variables()
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_every_variable_the_process_configs_read_is_in_env_example():
    read = variables_read_by(ROOT / "smk_dashboard" / "ops" / "gunicorn.conf.py")
    read |= variables_read_by(ROOT / "docs" / "deploy" / "healthcheck.py")
    script = (ROOT / "docs" / "deploy" / "entrypoint.sh").read_text()
    read |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", script)) - {"PYTHON"}
    missing = read - listed_variables()
    assert not missing, f"add these to .env.example: {sorted(missing)}"


def test_every_variable_the_compose_file_interpolates_is_in_env_example():
    compose = (ROOT / "docs" / "deploy" / "docker-compose.yml").read_text()
    read = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose))
    assert "POSTGRES_PASSWORD" in read
    missing = read - listed_variables()
    assert not missing, f"add these to .env.example: {sorted(missing)}"
