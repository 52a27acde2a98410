"""Child process of test_fault_disk_full: runs one training run on the test database with a
disk that cannot take the artifact, then reports the run and the storage directory as JSON.

    python tests/ops/disk_full_child.py RUN_ID [--fsize-limit BYTES]

--fsize-limit sets RLIMIT_FSIZE (SIGXFSZ ignored, so the write fails with EFBIG); without it the
caller has already made the storage directory a full filesystem (a tmpfs of its own)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_id", type=int)
    parser.add_argument("--fsize-limit", type=int)
    args = parser.parse_args()
    if args.fsize_limit:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.fsize_limit, args.fsize_limit))
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smk_dashboard.settings")
    import django

    django.setup()
    from predictions import services, training
    from predictions.models import TrainingRun

    run = training.training_run_execute(run_id=args.run_id)
    directory = services.model_storage_dir(TrainingRun.objects.get(pk=run.pk).school)
    print(
        json.dumps(
            {
                "status": run.status,
                "error": run.error,
                "files": sorted(os.listdir(directory)),
            }
        )
    )


if __name__ == "__main__":
    main()
