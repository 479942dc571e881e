"""Fixtures: the repository's example workspace, bundles built from it, and
hostile archives built byte by byte with zipfile."""

import io
import json
import pathlib
import shutil
import sys
import zipfile

import pytest

import dlf_bundle

REPO = pathlib.Path(__file__).resolve().parents[2]
WORKSPACE = REPO / "examples" / "workspace"


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    """A copy of the example workspace (single layout), free to edit."""
    copy = tmp_path / "workspace"
    shutil.copytree(WORKSPACE, copy)
    return copy


@pytest.fixture
def bundle_zip(tmp_path: pathlib.Path) -> pathlib.Path:
    """The example workspace exported in the batch layout, as `jobs.zip`."""
    out = tmp_path / "jobs.zip"
    dlf_bundle.export(WORKSPACE, ["job_batch", "job_stream"], out)
    return out


def zip_of(entries: dict, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of `entries` (name -> bytes or JSON-able), names written as given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries.items():
            if not isinstance(data, bytes):
                data = json.dumps(data).encode()
            info = zipfile.ZipInfo(name)
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


# The command the package installed, beside this interpreter.
COMMAND = str(pathlib.Path(sys.executable).parent / "dlf-bundle")


def job(name: str, **fields) -> dict:
    return {"name": name, "processType": "BATCH", "schedule": {"type": "EXECUTE_ONCE"}, "nodes": [], **fields}
