"""A copy of what Lambda loads, for the cold-start and memory figures: the layer and the functions.

`sam build` makes the layer from shared/ (requirements.txt into python/, the package
beside them) for arm64 (shared/Makefile); this builds the same for this machine in .bench/,
with the same hash-checked pins, so imports are
measured against the layer's packages only, not the dev venv (which holds moto, requests
and more that Lambda never sees). As `make build` ships it, every module carries
bytecode compiled with unchecked hashes, which a read-only /opt and /var/task can use
whatever the zip did to file times.
"""

from __future__ import annotations

import compileall
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["FUNCTIONS", "LAYER", "SOURCE", "build"]

REPO = Path(__file__).resolve().parents[1]
ROOT = REPO / ".bench"
LAYER = ROOT / "layer" / "python"
FUNCTIONS = ROOT / "functions"
SOURCE = ROOT / "source"  # postdrop and the functions again, without bytecode, to put first on the path
_REQUIREMENTS = REPO / "shared" / "requirements.txt"
_UV = REPO / ".tools" / "uv" / "bin" / "uv"  # installed by the Makefile, as for `make build`


def build() -> Path:
    """The layer folder (installed once per requirements.txt), with today's postdrop and
    handlers compiled; SOURCE holds the same code without bytecode."""
    stamp = ROOT / "layer" / ".requirements"
    wanted = _REQUIREMENTS.read_text(encoding="utf-8")
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != wanted:
        shutil.rmtree(ROOT / "layer", ignore_errors=True)
        print("bench: installing the layer's requirements into .bench/layer (once)", file=sys.stderr)
        subprocess.run(
            [str(_UV), "pip", "install", "--quiet", "--require-hashes", "--only-binary", ":all:", "--no-config",
             "--python", sys.executable, "--target", str(LAYER), "-r", str(_REQUIREMENTS)],
            check=True,
        )  # fmt: skip
        compileall.compile_dir(LAYER, quiet=1, force=True, invalidation_mode=_UNCHECKED)
        stamp.write_text(wanted, encoding="utf-8")
    no_pyc = shutil.ignore_patterns("__pycache__")
    for target, source in ((LAYER / "postdrop", REPO / "shared" / "postdrop"), (FUNCTIONS, REPO / "functions"),
                           (SOURCE / "postdrop", REPO / "shared" / "postdrop"),
                           (SOURCE / "functions", REPO / "functions")):  # fmt: skip
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target, ignore=no_pyc)
    # as shared/Makefile builds the layer: the botocore data postdrop's clients read, trimmed
    from postdrop.aws import write_botocore_data

    write_botocore_data(LAYER / "botocore", LAYER / "postdrop" / "botocore-data")
    for folder in (LAYER / "postdrop", FUNCTIONS):
        compileall.compile_dir(folder, quiet=1, force=True, invalidation_mode=_UNCHECKED)
    return LAYER


_UNCHECKED = compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH  # type: ignore[attr-defined]
