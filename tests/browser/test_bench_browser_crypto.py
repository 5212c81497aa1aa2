"""bench/browser_crypto.py runs end to end in --quick mode, so it cannot rot. Its figures are
not checked, only that every step worked (the uploaded file decrypts to what was chosen)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_browser_crypto_bench_runs(chromium):
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "browser_crypto.py"), "--quick", "--runs", "1"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PROBLEM" not in done.stdout
    assert "decrypts in Python to exactly the chosen file" in done.stdout
