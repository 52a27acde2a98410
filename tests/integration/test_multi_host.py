"""Two hosts, proven (issue 27): a web process and two Celery workers, each in an empty folder
of its own, sharing only the database, Redis and a real S3-protocol server (moto's standalone
server, over HTTP). The test runs benchmarks/multi_host.py's `run()`, the same journey that
`python benchmarks/multi_host.py --quick` prints: upload a roster and a ledger through the web
process, import them on worker-a (queue default), train on worker-b (queue ml), re-score on
worker-a with the artifact read back from the bucket, read the fresh risk list through the web.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "multi_host", ROOT / "benchmarks" / "multi_host.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_web_and_two_workers_share_no_folder_only_database_redis_and_object_storage(tmp_path):
    report = _benchmark().run(quick=True, work=tmp_path, log=print)

    failed = [s for s in report.steps if not s["ok"]]
    assert report.ok, failed
    # Each process ran in its own folder, and its upload and model folders stayed empty:
    # the spreadsheets and the trained model went to the buckets and came back from there.
    assert {r: i["cwd"] for r, i in report.folders.items()} == {
        r: str(tmp_path / r) for r in ("web", "worker-a", "worker-b")
    }
    for info in report.folders.values():
        assert info["media_files"] == info["model_files"] == info["other_files"] == []
    assert any(k.endswith("daftar-siswa.xlsx") for k in report.objects["smk-media"])
    assert any(k.endswith("leger.xlsx") for k in report.objects["smk-media"])
    assert any(k.startswith("20100001/lr-") for k in report.objects["smk-models"])
    # The queues split the work: imports and re-scoring on worker-a, training on worker-b.
    lines = report.facts["task_log_lines"]
    assert lines["worker-a"]["import_batch_process_task"] >= 4  # two imports, received + done
    assert lines["worker-a"]["students_rescore_task"] >= 2
    assert lines["worker-b"]["training_run_task"] >= 2
    assert (
        lines["worker-a"]["training_run_task"]
        == lines["worker-b"]["import_batch_process_task"]
        == 0
    )
