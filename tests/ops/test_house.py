"""The house rules of issue 22, checked on every run: modules a reader can hold (no module
over 500 lines outside migrations) and topics as packages (no folder where three or more
modules share a name prefix; in tests/ the prefix after "test_")."""

from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOP = ["smk_dashboard", "students", "predictions", "interventions", "tests", "benchmarks"]
MAX_LINES = 500


def _modules():
    for top in TOP:
        for path in (ROOT / top).rglob("*.py"):
            if "migrations" not in path.parts and "__pycache__" not in path.parts:
                yield path


def _prefix(path: Path) -> str | None:
    stem = path.stem
    if stem.startswith("test_"):
        stem = stem[len("test_") :]
    if stem.startswith("_") or "_" not in stem:
        return stem or None
    return stem.split("_", 1)[0]


def test_no_module_is_over_500_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_folder_has_three_modules_sharing_a_name_prefix():
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in _modules():
        prefix = _prefix(path)
        if prefix and not path.stem.startswith("__"):
            groups[(str(path.parent.relative_to(ROOT)), prefix)].append(path.name)
    crowded = {f"{d}/{p}_*": sorted(names) for (d, p), names in groups.items() if len(names) >= 3}
    assert crowded == {}
