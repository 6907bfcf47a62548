"""`meson install` puts a working package into the site directory (staged with DESTDIR)."""

import os
import shutil
import subprocess
import sys

import pytest

BUILD_ROOT = os.environ.get("DNMF_BUILD_ROOT")


@pytest.mark.skipif(not BUILD_ROOT or not shutil.which("meson"), reason="needs DNMF_BUILD_ROOT (meson test) and meson")
def test_installed_package_imports_and_fits(tmp_path, datasets):
    stage = tmp_path / "stage"
    subprocess.run(["meson", "install", "-C", BUILD_ROOT, "--destdir", str(stage), "--no-rebuild", "--quiet",
                    "--tags", "runtime,python-runtime"], check=True, capture_output=True, timeout=300)
    inits = list(stage.rglob("dnmf/__init__.py"))
    assert len(inits) == 1
    package = inits[0].parent
    assert list(package.glob("_dnmf*.so")), "the compiled core was not installed next to the sources"
    libs = list(stage.rglob("libdnmf.so.0"))
    assert libs
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LD_LIBRARY_PATH")}
    # The extension's rpath names the final prefix; the staged copy needs the staged library.
    env.update(PYTHONPATH=str(package.parent), LD_LIBRARY_PATH=str(libs[0].parent))
    code = (
        "import dnmf, sys; assert dnmf.__file__.startswith(sys.argv[1]), dnmf.__file__; "
        "X = dnmf.read_matrix_market(sys.argv[2]).toarray(); "
        "print(dnmf.NMF(n_clusters=3, random_state=1).fit(X).labels_.shape)"
    )
    result = subprocess.run([sys.executable, "-c", code, str(package), str(datasets / "iris" / "X.mtx")],
                            env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(150,)"
