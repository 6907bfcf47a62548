"""The README's Python example runs and prints what it promises."""

import os
import re
import subprocess
import sys

from conftest import SOURCE_ROOT


def _readme_example():
    text = (SOURCE_ROOT / "README.md").read_text()
    section = re.search(r"^## Python\n(.*?)(?=^## )", text, re.S | re.M).group(1)
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_example_runs():
    code = _readme_example()
    assert len(code.strip().splitlines()) == 5
    result = subprocess.run([sys.executable, "-c", code], cwd=SOURCE_ROOT, capture_output=True, text=True,
                            timeout=120, env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"\[[0-2 ]+\] ACC (\d\.\d{3})\n", result.stdout)
    assert match, result.stdout
    assert float(match.group(1)) > 0.8
