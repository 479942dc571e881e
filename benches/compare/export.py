"""Baseline for `dlf-bundle export`: the same resolution of scripts and resources
(scriptName in script mode, resourcePath that is not an OBS path), written with
zipfile (DEFLATE level 6) in the batch layout.

usage: export.py WORKSPACE OUT.zip JOB...
"""
import json
import os
import sys
import zipfile

SCRIPT_NODES = {"HiveSQL", "SparkSQL", "DWSSQL", "DLISQL", "RDS SQL", "RDSSQL", "Shell", "Python",
                "CSJob", "MRSHetuEngine", "MRSSparkPython", "MRSFlink", "MRSFlinkJob"}
RESOURCE_NODES = {"MRSSpark", "MapReduce", "DLISpark", "MRSFlink", "MRSFlinkJob"}


def index(workspace, folder, extension):
    found = {}
    for root, _, files in os.walk(os.path.join(workspace, folder)):
        for name in files:
            if name.endswith(extension):
                found[name[: -len(extension)]] = os.path.join(root, name)
    return found


def main():
    workspace, out, jobs = sys.argv[1], sys.argv[2], sys.argv[3:]
    job_files = index(workspace, "jobs", ".job")
    scripts = index(workspace, "scripts", ".script")
    resources = index(workspace, "resources", ".resource")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for job in sorted(jobs):
            with open(job_files[job], "rb") as handle:
                raw = handle.read()
            definition = json.loads(raw)
            archive.writestr(f"jobs/{job}/{job}.job", raw)
            needed = set()
            for node in definition.get("nodes", []):
                props = {p.get("name"): p.get("value") for p in node.get("properties", [])}
                mode = props.get("statementOrScript", "SCRIPT")
                if node.get("type") in SCRIPT_NODES and mode == "SCRIPT" and props.get("scriptName"):
                    needed.add(("script", props["scriptName"]))
                path = props.get("resourcePath")
                if node.get("type") in RESOURCE_NODES and path and "://" not in path:
                    needed.add(("resource", path))
            for kind, name in sorted(needed):
                source = (scripts if kind == "script" else resources)[name]
                with open(source, "rb") as handle:
                    archive.writestr(f"jobs/{job}/{name}.{kind}", handle.read())


main()
