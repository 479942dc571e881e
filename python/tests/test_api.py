"""The Python API, as a user calls it: reading, definitions as Python data,
edits that keep the file, validation, diff, remap, export, explain, and the
errors a caller branches on."""

import json
import pathlib
import shutil
import subprocess
import sys
import zipfile

import pytest

import dlf_bundle
from conftest import COMMAND, WORKSPACE, job, zip_of


def test_open_reads_zips_folders_and_bytes(bundle_zip):
    for source in (bundle_zip, str(bundle_zip), bundle_zip.read_bytes(), WORKSPACE):
        bundle = dlf_bundle.open(source)
        assert sorted(bundle.jobs) == ["job_batch", "job_stream"], source
        assert list(bundle.scripts) == ["dws_sql"]
    assert dlf_bundle.open(bundle_zip).layout == "batch"
    assert dlf_bundle.open(WORKSPACE).layout == "single"


def test_to_dict_is_json_loads_of_each_entry(bundle_zip):
    bundle = dlf_bundle.open(bundle_zip)
    with zipfile.ZipFile(bundle_zip) as archive:
        for kind in (bundle.jobs, bundle.scripts, bundle.resources):
            for name, definition in kind.items():
                expected = json.loads(archive.read(definition.path))
                assert definition.to_dict() == expected, name
                # Key order is kept, not only the contents.
                assert list(definition.to_dict()) == list(expected), name
    assert bundle.jobs.dicts() == {name: job.to_dict() for name, job in bundle.jobs.items()}


def test_nodes_and_params():
    job_batch = dlf_bundle.open(WORKSPACE).jobs["job_batch"]
    node = job_batch.node("DWS_SQL")
    assert (node.name, node.type) == ("DWS_SQL", "DWSSQL")
    assert node.properties["scriptName"] == "dws_sql"
    assert "bizdate" in job_batch.params
    with pytest.raises(KeyError, match="DWS_SQL"):
        job_batch.node("nope")


@pytest.mark.parametrize(
    ("number", "python"),
    [("60", 60), ("-7", -7), ("60.0", 60.0), ("0.5", 0.5), ("1e3", 1000.0), ("123456789012345678901234567890", 123456789012345678901234567890)],
)
def test_numbers_python_holds_exactly(number, python):
    data = b'{"name":"j","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"nodes":[],"n":' + number.encode() + b"}"
    value = dlf_bundle.open(zip_of({"jobs/j.job": data})).jobs["j"].to_dict()["n"]
    assert value == python and type(value) is type(python)


@pytest.mark.parametrize("number", ["1e400", "0.10000000000000000000000000001", "3.141592653589793238462643383279"])
def test_a_number_python_cannot_hold_exactly_is_an_error(number):
    data = b'{"name":"j","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"nodes":[],"n":' + number.encode() + b"}"
    with pytest.raises(ValueError, match="exact"):
        dlf_bundle.open(zip_of({"jobs/j.job": data})).jobs["j"].to_dict()


def test_an_edit_changes_only_the_edited_value(workspace, tmp_path):
    bundle = dlf_bundle.open(workspace)
    job_batch = bundle.jobs["job_batch"]
    before = job_batch.bytes()
    old = job_batch.node("DWS_SQL").properties["connectionName"]
    job_batch.node("DWS_SQL").set_property("connectionName", "dws_prod")
    job_batch.set_param("bizdate", "20260101")
    after = job_batch.bytes()
    expected = before.replace(json.dumps(old).encode(), b'"dws_prod"', 1)
    old_param = json.dumps(dlf_bundle.open(workspace).jobs["job_batch"].params["bizdate"]).encode()
    expected = expected.replace(old_param, b'"20260101"', 1)
    assert after == expected
    # Written to a zip, and saved into the folder: those bytes, nothing else touched.
    bundle.write(tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert archive.read("jobs/job_batch.job") == expected
        assert archive.read("scripts/dws_sql.script") == (workspace / "scripts/dws_sql.script").read_bytes()
    stream_before = (workspace / "jobs/job_stream.job").read_bytes()
    assert bundle.save() == 1
    assert (workspace / "jobs/job_batch.job").read_bytes() == expected
    assert (workspace / "jobs/job_stream.job").read_bytes() == stream_before


def test_save_is_only_for_folders(bundle_zip):
    with pytest.raises(ValueError, match="folder"):
        dlf_bundle.open(bundle_zip).save()


def test_validate_gives_diagnostics_with_their_place(tmp_path):
    broken = job("j", nodes=[{"name": "n", "type": "DWSSQL", "location": {"x": 0, "y": 0}, "properties": [{"name": "scriptName", "value": "missing"}]}])
    other = {"name": "other", "type": "DWSSQL", "content": "select 1;", "connectionName": "c", "database": "d"}
    entries = {"jobs/j.job": broken, "scripts/other.script": other}
    found = dlf_bundle.open(zip_of(entries)).validate()
    assert found, "a node naming a script the bundle lacks is a finding"
    first = next(d for d in found if d.entry == "jobs/j.job")
    assert first.code.startswith("DLFB") and first.severity in ("error", "warning")
    assert first.pointer and first.message and first.hint
    assert dlf_bundle.open(WORKSPACE).validate() == []
    # A config's severities apply.
    config = tmp_path / "dlf-bundle.toml"
    config.write_text("".join(f'[[ignore]]\ncode = "{d.code}"\n' for d in found))
    assert dlf_bundle.open(zip_of(entries)).validate(config) == []


def test_diff_in_the_cli_json_shape(workspace, tmp_path):
    bundle = dlf_bundle.open(workspace)
    bundle.jobs["job_batch"].node("DWS_SQL").set_property("connectionName", "dws_prod")
    bundle.write(tmp_path / "new.zip")
    result = dlf_bundle.diff(WORKSPACE, tmp_path / "new.zip")
    assert result["addressing"] == "name"
    [changed] = result["jobs"]["changed"]
    assert changed["name"] == "job_batch"
    assert changed["changes"][0]["path"] == "/nodes/DWS_SQL/properties/connectionName"
    cli = subprocess.run(
        [COMMAND, "diff", str(WORKSPACE), str(tmp_path / "new.zip"), "--format", "json"], capture_output=True, check=True
    )
    assert json.loads(cli.stdout) == result
    # With a map, environment names are no change.
    assert dlf_bundle.diff(WORKSPACE, tmp_path / "new.zip", map={"connection": {"dws_link": "dws_prod"}})["jobs"]["changed"] == []


def test_remap_writes_reports_and_refuses_a_zip_in_place(bundle_zip, workspace, tmp_path):
    mapping = {"connection": {"dws_link": "dws_prod"}}
    report = dlf_bundle.remap(bundle_zip, mapping, out=tmp_path / "prod.zip")
    assert report["changes"] and all(c["to"] == "dws_prod" for c in report["changes"])
    assert report["addressing"] == "index"
    assert dlf_bundle.remap(bundle_zip, mapping, dry_run=True)["changes"] == report["changes"]
    written = dlf_bundle.open(tmp_path / "prod.zip")
    assert b"dws_prod" in written.scripts["dws_sql"].bytes()
    map_file = tmp_path / "prod.toml"
    map_file.write_text('[connection]\ndws_link = "dws_prod"\n')
    assert dlf_bundle.remap(written, map_file, dry_run=True)["changes"] == []
    with pytest.raises(ValueError, match="in place"):
        dlf_bundle.remap(bundle_zip, mapping)
    # A folder is rewritten in place.
    dlf_bundle.remap(workspace, mapping)
    assert b"dws_prod" in (workspace / "scripts/dws_sql.script").read_bytes()
    unmatched = dlf_bundle.remap(bundle_zip, {"connection": {"dws_lnk": "x"}}, dry_run=True)["unmatched"]
    assert unmatched[0]["nearest"] == "dws_link"


def test_export_and_explain(tmp_path):
    notes = dlf_bundle.export(WORKSPACE, ["job_batch"], tmp_path / "one.zip")
    assert isinstance(notes, list)
    assert list(dlf_bundle.open(tmp_path / "one.zip").jobs) == ["job_batch"]
    without = dlf_bundle.export(WORKSPACE, ["job_batch"], tmp_path / "bare.zip", depend=False)
    assert isinstance(without, list) and list(dlf_bundle.open(tmp_path / "bare.zip").scripts) == []
    assert dlf_bundle.explain("DLFB0209").startswith("DLFB0209 (warning)")
    with pytest.raises(dlf_bundle.BundleError):
        dlf_bundle.explain("DLFB9999")


HOSTILE = [
    ("not a zip", b"PK\x03\x04 not really", dlf_bundle.CorruptArchiveError, None),
    ("path traversal", zip_of({"../evil.job": job("evil")}), dlf_bundle.UnsafeArchiveError, "../evil.job"),
    ("absolute path", zip_of({"/etc/evil.job": job("evil")}), dlf_bundle.UnsafeArchiveError, "/etc/evil.job"),
    ("unsupported method", zip_of({"jobs/j.job": job("j")}, zipfile.ZIP_BZIP2), dlf_bundle.CorruptArchiveError, "jobs/j.job"),
]


@pytest.mark.parametrize(("case", "data", "error", "entry"), HOSTILE, ids=[row[0] for row in HOSTILE])
def test_hostile_archives_raise_their_class_with_the_entry(case, data, error, entry):
    with pytest.raises(error) as raised:
        dlf_bundle.open(data)
    assert isinstance(raised.value, dlf_bundle.BundleError)
    assert raised.value.entry == entry, case
    assert raised.value.kind and raised.value.hint


def test_limits_and_invalid_definitions_raise_their_class():
    many = zip_of({f"jobs/j{i}.job": job(f"j{i}") for i in range(5)})
    with pytest.raises(dlf_bundle.LimitExceededError) as raised:
        dlf_bundle.open(many, max_entries=3)
    assert raised.value.kind == "limit_exceeded"
    assert len(dlf_bundle.open(many, max_entries=5).jobs) == 5
    broken = dlf_bundle.open(zip_of({"jobs/j.job": b'{\n  "name": "j",\n  "nodes": [,]\n}'}))
    with pytest.raises(dlf_bundle.InvalidDefinitionError) as raised:
        broken.jobs["j"].to_dict()
    assert (raised.value.entry, raised.value.line, raised.value.column) == ("jobs/j.job", 3, 13)
    with pytest.raises(dlf_bundle.NotFoundError):
        dlf_bundle.export(WORKSPACE, ["nope"], "/tmp/never.zip")


def test_the_installed_command_and_its_exit_codes(tmp_path):
    assert pathlib.Path(COMMAND).is_file(), "pip installed the command beside the interpreter"
    run = lambda *args: subprocess.run([COMMAND, *map(str, args)], capture_output=True)  # noqa: E731
    assert run("--version").returncode == 0
    assert run("validate", WORKSPACE).returncode == 0
    (tmp_path / "bad.zip").write_bytes(zip_of({"jobs/j.job": b"{"}))
    bad = run("validate", tmp_path / "bad.zip")
    assert bad.returncode == 1 and b"jobs/j.job" in bad.stdout + bad.stderr
    assert run("validate", tmp_path / "missing.zip").returncode == 2
    assert run("validate", "--no-such-flag").returncode == 2


def test_validation_releases_the_gil():
    import threading
    import time

    jobs = {
        f"jobs/j{i}.job": job(f"j{i}", nodes=[{"name": f"n{k}", "type": "Dummy", "location": {"x": k, "y": 0}} for k in range(20)])
        for i in range(400)
    }
    bundle = dlf_bundle.open(zip_of(jobs))
    window = {}

    def validate():
        window["start"] = time.perf_counter()
        bundle.validate()
        window["end"] = time.perf_counter()

    thread = threading.Thread(target=validate)
    samples = []
    thread.start()
    while thread.is_alive():
        samples.append(time.perf_counter())
    thread.join()
    quarter = (window["end"] - window["start"]) / 4
    inside = [t for t in samples if window["start"] + quarter < t < window["end"] - quarter]
    # With the GIL held for the whole call, this thread could not run in its middle half.
    assert inside, f"no progress during a {window['end'] - window['start']:.3f} s validation"


def test_a_dry_run_writes_nothing_and_maps_take_any_names(bundle_zip, tmp_path):
    out = tmp_path / "never.zip"
    dlf_bundle.remap(bundle_zip, {"connection": {"dws_link": "连接𠮷"}}, out=out, dry_run=True)
    assert not out.exists()
    report = dlf_bundle.remap(bundle_zip, {"connection": {"dws_link": "连接𠮷"}}, out=out)
    assert {c["to"] for c in report["changes"]} == {"连接𠮷"}
    params = dlf_bundle.remap(bundle_zip, {"jobs": {"job_batch": {"params": {"bizdate": "20260101"}}}}, dry_run=True)
    assert [c["to"] for c in params["changes"] if c["kind"] == "params"] == ["20260101"]


@pytest.mark.parametrize("number", ["0.01e-9223372036854775808", "1e99999999999999999999999"])
def test_huge_exponents_are_refused_or_exact_never_a_crash(number):
    data = b'{"name":"j","processType":"BATCH","schedule":{"type":"EXECUTE_ONCE"},"nodes":[],"n":' + number.encode() + b"}"
    bundle = dlf_bundle.open(zip_of({"jobs/j.job": data}))
    try:
        value = bundle.jobs["j"].to_dict()["n"]
    except ValueError:
        return
    assert value == float(number)
