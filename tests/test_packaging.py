"""A non-editable install carries the package data: built from a copy of the repository, without network."""
import importlib.util
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO

# What an installed framelens reads at run time (besides its modules).
NEEDED = [
    "framelens/data/model/card.json",
    "framelens/data/model/framing.joblib",
    "framelens/data/labels/codebook.toml",
    "framelens/data/labels/seeds.csv",
    "framelens/data/punkt_params.json",
    "framelens/data/abbreviations.txt",
    "framelens/report/templates/report.html.j2",
    "framelens/report/templates/report.md.j2",
    "framelens/report/templates/report.css",
    "framelens/report/templates/browser.js",
]


def source_copy(target: Path) -> Path:
    """The files a clone has that the build reads; symlinks stay symlinks, as git checks them out."""
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, target / name)
    for name in ("framelens", "model", "labels"):
        shutil.copytree(REPO / name, target / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def built_files(source: Path, out: Path) -> list[str]:
    """The files of the built package: a wheel's, else (no bdist_wheel here) what setuptools' build_py puts in it."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("setuptools is not installed, so the package cannot be built here")
    has_bdist_wheel = (importlib.util.find_spec("wheel") is not None
                       or importlib.util.find_spec("setuptools.command.bdist_wheel") is not None)
    if has_bdist_wheel:
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                        "--quiet", "--wheel-dir", str(out), str(source)], check=True, capture_output=True)
        (wheel,) = out.glob("framelens-*.whl")
        with zipfile.ZipFile(wheel) as archive:
            return sorted(name for name in archive.namelist() if not name.endswith("/"))
    subprocess.run([sys.executable, "-c", "from setuptools import setup; setup()", "--quiet", "build_py",
                    "--build-lib", str(out)], cwd=source, check=True, capture_output=True)
    files = [path for path in out.rglob("*") if path.is_file() or path.is_symlink()]
    assert [path for path in files if path.is_symlink()] == []  # a wheel has no symlinks: the data must be copied
    return sorted(path.relative_to(out).as_posix() for path in files)


@pytest.mark.slow
def test_the_built_package_has_the_model_codebook_labels_and_report_templates(tmp_path):
    files = built_files(source_copy(tmp_path / "src"), tmp_path / "out")
    assert [name for name in NEEDED if name not in files] == []
    # every data file of the source tree (links followed) is in the package
    source_data = sorted(Path(root, name).relative_to(REPO).as_posix()
                         for root, _, names in os.walk(REPO / "framelens", followlinks=True)
                         if "__pycache__" not in Path(root).parts for name in names)
    assert len(source_data) > len(NEEDED)
    assert [name for name in source_data if name not in files] == []


def test_a_missing_skops_extra_is_named_before_training(tiny_labels, monkeypatch, capsys):
    from framelens.cli import main

    monkeypatch.setitem(sys.modules, "skops", None)  # import skops.io now raises ImportError
    monkeypatch.setitem(sys.modules, "skops.io", None)
    assert main(["train", str(tiny_labels), "--model", "m", "--artifact-format", "skops"]) == 2
    assert capsys.readouterr().err == (
        "framelens: error: m/framing.skops: the skops artifact format needs the skops extra; "
        "run: pip install 'framelens[skops]'\n")
    assert not Path("m").exists()
