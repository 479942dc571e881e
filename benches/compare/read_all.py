"""Baseline for `dlf-bundle validate`: read every entry with zipfile, parse it with json."""
import json
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as archive:
    for info in archive.infolist():
        if not info.is_dir():
            json.loads(archive.read(info))
