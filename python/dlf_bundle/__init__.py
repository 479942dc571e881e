"""Read, check and write DataArts Studio (DLF) job export bundles.

The Rust library ``dlf-bundle`` for Python: its safe reader, offline
validation with the service's rules, semantic diff, promotion remaps and
format-preserving edits. Every call that reads, validates, compares or
writes releases the GIL.

>>> import dlf_bundle
>>> bundle = dlf_bundle.open("examples/workspace")  # doctest: +SKIP
>>> job = bundle.jobs["job_batch"]                   # doctest: +SKIP
>>> job.node("DWS_SQL").set_property("connectionName", "dws_prod")  # doctest: +SKIP
>>> [d.code for d in bundle.validate() if d.severity == "error"]    # doctest: +SKIP
[]
>>> bundle.write("prod.zip")                         # doctest: +SKIP
"""

from __future__ import annotations

import builtins
import contextlib
import gc
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Union

from . import _native
from ._native import (
    BundleError,
    CorruptArchiveError,
    InvalidDefinitionError,
    LimitExceededError,
    NotFoundError,
    UnsafeArchiveError,
)

__version__: str = _native.__version__

__all__ = [
    "Bundle",
    "BundleError",
    "CorruptArchiveError",
    "Definition",
    "Diagnostic",
    "InvalidDefinitionError",
    "Job",
    "LimitExceededError",
    "Node",
    "NotFoundError",
    "UnsafeArchiveError",
    "diff",
    "explain",
    "export",
    "open",
    "remap",
]

PathLike = Union[str, "os.PathLike[str]"]
BundleLike = Union[PathLike, bytes, "Bundle"]
MapLike = Union[PathLike, Mapping[str, Mapping[str, str]]]


def open(source: Union[PathLike, bytes], *, max_entries: Optional[int] = None) -> "Bundle":  # noqa: A001
    """Reads a bundle: a zip file, a folder (either layout) or zip ``bytes``.

    Every structural check of the safe reader runs here; definitions are
    parsed when first used. ``max_entries`` raises the entry limit (25,000).

    Raises :class:`UnsafeArchiveError`, :class:`CorruptArchiveError`,
    :class:`LimitExceededError` or :class:`BundleError` naming the entry.

    >>> dlf_bundle.open(b"not a zip")  # doctest: +SKIP
    Traceback (most recent call last):
    dlf_bundle._native.CorruptArchiveError: ...
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        return Bundle(_native.NativeBundle.from_bytes(bytes(source), max_entries))
    return Bundle(_native.NativeBundle.open(os.fspath(source), max_entries), os.fspath(source))


@dataclass(frozen=True)
class Diagnostic:
    """A finding of validation, as ``validate --format json`` reports it."""

    severity: str
    code: str
    message: str
    hint: str
    file: Optional[str] = None
    entry: Optional[str] = None
    pointer: Optional[str] = None
    line: Optional[int] = None
    column: Optional[int] = None
    suggestion: Optional[str] = None

    @classmethod
    def _from_json(cls, data: Dict[str, Any]) -> "Diagnostic":
        return cls(
            severity=data["severity"],
            code=data["code"],
            message=data["message"],
            hint=data.get("hint", ""),
            file=data.get("file"),
            entry=data.get("entry"),
            pointer=data.get("pointer"),
            line=data.get("line"),
            column=data.get("column"),
            suggestion=data.get("suggestion"),
        )


@contextlib.contextmanager
def _no_gc_pauses() -> Iterator[None]:
    """The cyclic collector paused while a conversion makes thousands of
    containers, none of them in a cycle (as a bulk loader does)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Definition:
    """A job, script or resource of a bundle: ``name``, ``path``, ``to_dict()``."""

    def __init__(self, bundle: "Bundle", name: str, path: str) -> None:
        self._bundle = bundle
        self.name = name
        self.path = path

    def to_dict(self) -> Dict[str, Any]:
        """The definition as Python objects: the same JSON as read, key order
        kept. A number Python cannot hold exactly raises ``ValueError``."""
        with _no_gc_pauses():
            return self._bundle._native.to_dict(self.path)

    def bytes(self) -> bytes:
        """The definition's bytes: as stored, or as edited."""
        return self._bundle._native.bytes(self.path)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} at {self.path!r}>"


class Node:
    """A node of a job: ``name``, ``type``, ``properties`` (a ``dict``)."""

    def __init__(self, job: "Job", data: Dict[str, Any]) -> None:
        self._job = job
        self.name: str = data.get("name", "")
        self.type: Optional[str] = data.get("type")
        self.properties: Dict[str, Any] = {
            p.get("name"): p.get("value") for p in data.get("properties") or [] if isinstance(p, dict)
        }

    def set_property(self, name: str, value: str) -> None:
        """Sets property ``name``; written back, only that value's bytes change."""
        self._job._bundle._native.set_property(self._job.path, self.name, name, value)
        self.properties[name] = value

    def __repr__(self) -> str:
        return f"<Node {self.name!r} ({self.type})>"


class Job(Definition):
    """A job: its ``nodes`` and ``params`` too, and edits that keep the file."""

    @property
    def nodes(self) -> List[Node]:
        return [Node(self, node) for node in self.to_dict().get("nodes") or []]

    def node(self, name: str) -> Node:
        """The node called ``name``; ``KeyError`` names the nodes there are."""
        nodes = self.nodes
        for node in nodes:
            if node.name == name:
                return node
        raise KeyError(f"job {self.name!r} has no node {name!r} (nodes: {', '.join(n.name for n in nodes)})")

    @property
    def params(self) -> Dict[str, Any]:
        return {p.get("name"): p.get("value") for p in self.to_dict().get("params") or [] if isinstance(p, dict)}

    def set_param(self, name: str, value: str) -> None:
        """Sets job parameter ``name`` (added when absent)."""
        self._bundle._native.set_param(self.path, name, value)


class _Definitions(Mapping[str, Definition]):
    """The definitions of one kind, by name, in path order."""

    def __init__(self, bundle: "Bundle", kind: str, cls: type) -> None:
        self._bundle = bundle
        self._kind = kind
        self._cls = cls
        self._paths: Dict[str, str] = {}
        for name, path in bundle._native.names(kind):
            self._paths.setdefault(name, path)

    def __getitem__(self, name: str) -> Any:
        return self._cls(self._bundle, name, self._paths[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

    def dicts(self) -> Dict[str, Dict[str, Any]]:
        """Every definition as a dict, by name: parsed in parallel, in one call."""
        with _no_gc_pauses():
            return dict(self._bundle._native.dicts(self._kind))


class Bundle:
    """A bundle read by :func:`open`.

    ``jobs``, ``scripts`` and ``resources`` map names to definitions; edits
    through them keep every byte not asked to change, and :meth:`write` (or
    :meth:`save` for a folder) writes them.
    """

    def __init__(self, native: "_native.NativeBundle", source: Optional[str] = None) -> None:
        self._native = native
        self._source = source

    @property
    def layout(self) -> str:
        """``batch`` (``jobs/<job>/...``) or ``single`` (``jobs/``, ``scripts/``, ``resources/``)."""
        return self._native.layout()

    @property
    def warnings(self) -> List[str]:
        """What the reader noticed of the archive's structure."""
        return self._native.warnings()

    @property
    def jobs(self) -> Mapping[str, Job]:
        return _Definitions(self, "job", Job)  # type: ignore[return-value]

    @property
    def scripts(self) -> Mapping[str, Definition]:
        return _Definitions(self, "script", Definition)

    @property
    def resources(self) -> Mapping[str, Definition]:
        return _Definitions(self, "resource", Definition)

    def validate(self, config: Optional[PathLike] = None) -> List[Diagnostic]:
        """Validates offline with the service's rules; ``config`` is a
        ``dlf-bundle.toml`` whose severities and ignores apply."""
        found = json.loads(self._native.validate(None if config is None else os.fspath(config)))
        return [Diagnostic._from_json(d) for d in found]

    def write(self, path: PathLike) -> None:
        """Writes the bundle as a zip, atomically; unchanged entries are copied as read."""
        self._native.write(os.fspath(path))

    def to_bytes(self) -> bytes:
        """The bundle as zip bytes."""
        return self._native.to_bytes()

    def save(self) -> int:
        """Writes the changed definitions back into the folder read; returns how many."""
        return self._native.save()

    def __repr__(self) -> str:
        return f"<Bundle {self._source or '(bytes)'}: {len(self.jobs)} jobs, {self.layout}>"


def _bundle(value: BundleLike) -> Bundle:
    return value if isinstance(value, Bundle) else open(value)


def _toml_key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _map_text(map: MapLike) -> str:  # noqa: A002
    """A map as TOML: a file's text, or a dict of sections (``{"connection":
    {"old": "new"}}``, ``{"jobs": {"my.job": {"params": {"p": "v"}}}}``)."""
    if not isinstance(map, Mapping):
        with builtins.open(os.fspath(map), encoding="utf-8") as file:
            return file.read()
    lines: List[str] = []

    def table(path: List[str], names: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in names.items() if not isinstance(v, Mapping)}
        if scalars or not names:
            lines.append("[" + ".".join(_toml_key(part) for part in path) + "]")
            lines.extend(f"{_toml_key(old)} = {_toml_key(str(new))}" for old, new in scalars.items())
        for key, value in names.items():
            if isinstance(value, Mapping):
                table([*path, key], value)

    for section, names in map.items():
        table([section], names)
    return "\n".join(lines) + "\n"


def diff(old: BundleLike, new: BundleLike, map: Optional[MapLike] = None) -> Dict[str, Any]:  # noqa: A002
    """What changed from ``old`` to ``new``, in ``diff --format json``'s shape
    (``result["jobs"]["changed"]``); ``map`` remaps ``old`` first."""
    text = None if map is None else _map_text(map)
    return json.loads(_native.diff(_bundle(old)._native, _bundle(new)._native, text))


def remap(
    src: BundleLike,
    map: MapLike,  # noqa: A002
    out: Optional[PathLike] = None,
    dry_run: bool = False,
) -> Dict[str, Any]:
    """Rewrites connections, queues, clusters, OBS paths and parameters for
    another environment; returns ``remap --format json``'s report.

    With ``out`` the result is written there (entries the map does not touch
    copied as stored); without it a folder is rewritten in place, unless
    ``dry_run``. A zip is never rewritten in place.
    """
    bundle = _bundle(src)
    in_place = out is None and not dry_run
    if in_place and not (bundle._source and os.path.isdir(bundle._source)):
        raise ValueError("a zip is not rewritten in place: give out=..., or dry_run=True")
    target = None if out is None or dry_run else os.fspath(out)
    return json.loads(_native.remap(bundle._native, _map_text(map), target, in_place))


def export(workspace: PathLike, jobs: List[str], out: PathLike, depend: bool = True) -> List[str]:
    """Exports ``jobs`` of a workspace folder into the zip ``out`` as the
    service's batch export does (``depend``: with their scripts and
    resources); returns the notes."""
    return _native.export(os.fspath(workspace), list(jobs), os.fspath(out), depend)


def explain(code: str) -> str:
    """What a diagnostic code (``DLFB0209``) means."""
    code, severity, title, explanation = _native.explain(code)
    return f"{code} ({severity}): {title}\n\n{explanation}"

