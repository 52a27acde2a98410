import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_light_modules_do_not_import_tensorflow_or_keras():
    code = (
        "import sys\n"
        "import predictions.ml.features, predictions.ml.labels, predictions.ml.registry\n"
        "import predictions.ml.explain, predictions.ml.evaluate, predictions.ml.train\n"
        "import predictions.ml.tabular, predictions.ml.calibration, predictions.ml.models\n"
        "import predictions.ml.deep, predictions.ml.networks, predictions.ml.data\n"
        "import predictions.ml.metrics, predictions.ml.crossval\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras'))\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_baseline_training_does_not_import_tensorflow():
    code = (
        "import sys\n"
        "from tests.predictions.ml.conftest import planted_sequence_data\n"
        "from predictions.ml.models import make_model\n"
        "make_model('gbdt', seed=0).fit(planted_sequence_data(120))\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False False"
