//! `dlf_bundle._native`: the library's bundles, validation, diff, remap and
//! export for Python, and the command line behind the `dlf-bundle` entry
//! point. The Pythonic layer (`dlf_bundle/__init__.py`) wraps these.
//!
//! Every call that reads, parses, validates, compares or writes releases the
//! GIL; errors become `BundleError` subclasses carrying the error's kind,
//! entry, file, position and hint. The library has no panics; pyo3 turns an
//! unexpected one into `PanicException` rather than aborting.

#[path = "../../src/bin/dlf-bundle/cli/mod.rs"]
#[allow(dead_code, unreachable_pub, reason = "the binary's code, of which the entry point uses `run`")]
mod cli;

use dlf_bundle::diff::DiffOptions;
use dlf_bundle::export::ExportOptions;
use dlf_bundle::json::{Number, Value};
use dlf_bundle::remap::Map;
use dlf_bundle::validate::{Config, ValidateOptions};
use dlf_bundle::{Bundle, DefinitionKind, Error, ErrorKind, Layout, Limits, ReadOptions, Workspace};
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString};
use rayon::prelude::*;
use std::path::PathBuf;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pyo3::create_exception!(
    dlf_bundle,
    BundleError,
    PyException,
    "An error of dlf-bundle: `kind`, `entry`, `file`, `line`, `column`, `hint`."
);
pyo3::create_exception!(
    dlf_bundle,
    UnsafeArchiveError,
    BundleError,
    "An archive refused as unsafe: names, overlaps, hidden data."
);
pyo3::create_exception!(
    dlf_bundle,
    CorruptArchiveError,
    BundleError,
    "An archive that is damaged, not a zip, or uses what DataArts cannot read."
);
pyo3::create_exception!(
    dlf_bundle,
    InvalidDefinitionError,
    BundleError,
    "A definition that is not valid JSON, of the wrong shape, or misplaced."
);
pyo3::create_exception!(
    dlf_bundle,
    LimitExceededError,
    BundleError,
    "A limit of the reader exceeded (entries, sizes, ratio)."
);
pyo3::create_exception!(dlf_bundle, NotFoundError, BundleError, "A job, script or resource that is not there.");

/// The Python exception for `error`, its details as attributes.
fn raise(error: &Error) -> PyErr {
    let err = match error.kind() {
        ErrorKind::InsecureName(_)
        | ErrorKind::UndecodableName { .. }
        | ErrorKind::Overlap { .. }
        | ErrorKind::HeaderMismatch { .. }
        | ErrorKind::UnlistedEntry { .. }
        | ErrorKind::PrependedData { .. }
        | ErrorKind::TrailingData { .. }
        | ErrorKind::DuplicateEntry => UnsafeArchiveError::new_err(error.to_string()),
        ErrorKind::NotAZip | ErrorKind::SplitArchive | ErrorKind::Corrupt(_) | ErrorKind::UnsupportedEntry(_) => {
            CorruptArchiveError::new_err(error.to_string())
        }
        ErrorKind::LimitExceeded { .. } => LimitExceededError::new_err(error.to_string()),
        ErrorKind::Json | ErrorKind::WrongType { .. } | ErrorKind::Layout => {
            InvalidDefinitionError::new_err(error.to_string())
        }
        ErrorKind::NotFound { .. } => NotFoundError::new_err(error.to_string()),
        // The rest (I/O, an existing output, a request the service refuses,
        // a bug) are the base class; a kind added later lands here too.
        _ => BundleError::new_err(error.to_string()),
    };
    Python::attach(|py| {
        let value = err.value(py);
        let position = error.position();
        let attributes = [
            ("kind", kind_name(error.kind()).into_pyobject(py).map(Bound::into_any)),
            ("message", error.message().into_pyobject(py).map(Bound::into_any)),
            ("entry", error.entry().map(|entry| entry.name().to_owned()).into_pyobject(py)),
            ("file", error.file().map(|file| file.display().to_string()).into_pyobject(py)),
            ("line", position.map(|p| p.line).into_pyobject(py)),
            ("column", position.map(|p| p.column).into_pyobject(py)),
            ("hint", error.hint().into_pyobject(py)),
        ];
        for (name, attribute) in attributes {
            let Ok(attribute) = attribute;
            // Setting an attribute of a new exception cannot fail; if it did,
            // the exception would still carry its message.
            let _ = value.setattr(name, attribute);
        }
    });
    err
}

/// `LimitExceeded { .. }` → `limit_exceeded`: the variant's name, as Python spells names.
fn kind_name(kind: &ErrorKind) -> String {
    let debug = format!("{kind:?}");
    let variant: String = debug.chars().take_while(char::is_ascii_alphanumeric).collect();
    let mut name = String::new();
    for (index, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if index > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        } else {
            name.push(c);
        }
    }
    name
}

fn error(error: Error) -> PyErr {
    raise(&error)
}

fn kind_of(kind: &str) -> PyResult<DefinitionKind> {
    DefinitionKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(|| PyValueError::new_err(format!("no definition kind `{kind}`: job, script or resource")))
}

fn read_options(max_entries: Option<usize>) -> ReadOptions {
    let mut limits = Limits::default();
    if let Some(max) = max_entries {
        limits.max_entries = max;
    }
    ReadOptions::new().limits(limits)
}

/// A number as Python holds it: an `int` (any size), or a `float` when the
/// text round-trips through the double nearest to it (the shortest decimal
/// of that double has the same value as the text, as `json.loads` and
/// `repr` agree); anything else is refused rather than rounded.
fn number(py: Python<'_>, number: &Number) -> PyResult<Py<PyAny>> {
    let text = number.as_str();
    if !text.contains(['.', 'e', 'E']) {
        if let Ok(small) = text.parse::<i64>() {
            return Ok(small.into_pyobject(py)?.into_any().unbind());
        }
        let int = py.import("builtins")?.getattr("int")?;
        return Ok(int.call1((text,))?.unbind());
    }
    match text.parse::<f64>() {
        Ok(float) if float.is_finite() && same_decimal(text, &format!("{float:e}")) => {
            Ok(float.into_pyobject(py)?.into_any().unbind())
        }
        _ => Err(PyValueError::new_err(format!(
            "the number {text} has no exact Python value (a float would change it); read the entry's bytes instead"
        ))),
    }
}

/// Whether two decimal numerals have the same value: the sign, the digits
/// without leading or trailing zeros, and the exponent of the first digit
/// (any zero is the same zero, whatever its exponent).
fn same_decimal(a: &str, b: &str) -> bool {
    fn normal(text: &str) -> Option<(bool, String, i128)> {
        let (negative, text) = text.strip_prefix('-').map_or((false, text), |rest| (true, rest));
        let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits: String = whole.chars().chain(fraction.chars()).collect();
        let trimmed = digits.trim_start_matches('0');
        let significant = trimmed.trim_end_matches('0').to_owned();
        if significant.is_empty() {
            return Some((false, String::new(), 0));
        }
        // An exponent beyond i128 is no double's: the comparison fails.
        let exponent = exponent.trim_start_matches('+').parse::<i128>().ok()?;
        let leading = i128::try_from(digits.len() - trimmed.len()).ok()?;
        let point = i128::try_from(whole.len()).ok()?.checked_sub(leading)?;
        Some((negative, significant, point.checked_add(exponent)?))
    }
    normal(a).is_some_and(|a| normal(b) == Some(a))
}

/// Strings up to this length are made once per conversion, as keys are.
const SHARED_STRING_LEN: usize = 24;

/// Converts values to Python objects, each distinct object key made once
/// (as `json.loads` does): keys repeat in every node and property.
struct Converter<'py> {
    py: Python<'py>,
    keys: foldhash::HashMap<String, Bound<'py, PyString>>,
}

impl<'py> Converter<'py> {
    fn new(py: Python<'py>) -> Self {
        Self { py, keys: foldhash::HashMap::default() }
    }

    fn key(&mut self, key: &str) -> Bound<'py, PyString> {
        if let Some(made) = self.keys.get(key) {
            return made.clone();
        }
        let made = PyString::new(self.py, key);
        self.keys.insert(key.to_owned(), made.clone());
        made
    }

    /// `value` as Python objects: dicts keep the key order read.
    fn convert(&mut self, value: &Value) -> PyResult<Bound<'py, PyAny>> {
        let py = self.py;
        Ok(match value {
            Value::Null => py.None().into_bound(py),
            Value::Bool(flag) => flag.into_pyobject(py)?.to_owned().into_any(),
            Value::Number(n) => number(py, n)?.into_bound(py),
            // Short strings repeat (property names, types, flags): made once.
            Value::String(text) if text.len() <= SHARED_STRING_LEN => self.key(text).into_any(),
            Value::String(text) => PyString::new(py, text).into_any(),
            Value::Array(items) => {
                let converted = items.iter().map(|item| self.convert(item)).collect::<PyResult<Vec<_>>>()?;
                PyList::new(py, converted)?.into_any()
            }
            Value::Object(object) => {
                let dict = PyDict::new(py);
                for (key, item) in object.iter() {
                    let key = self.key(key);
                    dict.set_item(key, self.convert(item)?)?;
                }
                dict.into_any()
            }
        })
    }
}

/// A bundle read from a zip, a folder or bytes: entries are parsed when used.
#[pyclass(module = "dlf_bundle._native")]
struct NativeBundle {
    bundle: Bundle,
    /// The folder it was read from, which `save` writes back to.
    folder: Option<PathBuf>,
}

impl NativeBundle {
    fn entry(&self, path: &str) -> PyResult<&dlf_bundle::Entry> {
        self.bundle.get(path).ok_or_else(|| PyValueError::new_err(format!("no entry `{path}` in the bundle")))
    }

    fn job_mut(&mut self, path: &str) -> PyResult<&mut dlf_bundle::Job> {
        let entry = self.bundle.get_mut(path).ok_or_else(|| PyValueError::new_err(format!("no entry `{path}`")))?;
        entry
            .document_mut()
            .map_err(error)?
            .definition_mut()
            .as_job_mut()
            .ok_or_else(|| PyValueError::new_err(format!("entry `{path}` is not a job")))
    }
}

#[pymethods]
impl NativeBundle {
    /// Reads the zip file or folder at `path`.
    #[staticmethod]
    #[pyo3(signature = (path, max_entries=None))]
    fn open(py: Python<'_>, path: PathBuf, max_entries: Option<usize>) -> PyResult<Self> {
        let options = read_options(max_entries);
        let bundle = py
            .detach(
                || if path.is_dir() { Bundle::from_dir(&path, &options) } else { Bundle::open_with(&path, &options) },
            )
            .map_err(error)?;
        let folder = path.is_dir().then_some(path);
        Ok(Self { bundle, folder })
    }

    /// Reads a zip held in memory.
    #[staticmethod]
    #[pyo3(signature = (data, max_entries=None))]
    fn from_bytes(py: Python<'_>, data: &[u8], max_entries: Option<usize>) -> PyResult<Self> {
        let options = read_options(max_entries);
        let bundle = py.detach(|| Bundle::from_slice_with(data, &options)).map_err(error)?;
        Ok(Self { bundle, folder: None })
    }

    /// `batch` or `single`.
    fn layout(&self) -> &'static str {
        match self.bundle.layout() {
            Layout::Batch => "batch",
            _ => "single",
        }
    }

    /// The reader's warnings, as text.
    fn warnings(&self) -> Vec<String> {
        self.bundle.warnings().iter().map(ToString::to_string).collect()
    }

    /// `(name, path)` of each definition of `kind`, in path order.
    fn names(&self, kind: &str) -> PyResult<Vec<(String, String)>> {
        let kind = kind_of(kind)?;
        Ok(self.bundle.entries_of(kind).map(|entry| (entry.name().to_owned(), entry.path().to_owned())).collect())
    }

    /// The entry's bytes, as stored (or as edited).
    fn bytes<'py>(&self, py: Python<'py>, path: &str) -> PyResult<Bound<'py, PyBytes>> {
        let entry = self.entry(path)?;
        let bytes = py.detach(|| entry.bytes().map(std::borrow::Cow::into_owned)).map_err(error)?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The entry's JSON as Python objects.
    fn to_dict(&self, py: Python<'_>, path: &str) -> PyResult<Py<PyAny>> {
        let entry = self.entry(path)?;
        let value = py.detach(|| entry.to_value()).map_err(error)?;
        Ok(Converter::new(py).convert(&value)?.unbind())
    }

    /// Every definition of `kind` as `(name, dict)`, parsed in parallel.
    fn dicts(&self, py: Python<'_>, kind: &str) -> PyResult<Vec<(String, Py<PyAny>)>> {
        let kind = kind_of(kind)?;
        let entries: Vec<&dlf_bundle::Entry> = self.bundle.entries_of(kind).collect();
        let values = py
            .detach(|| entries.par_iter().map(|entry| entry.to_value()).collect::<Result<Vec<_>, _>>())
            .map_err(error)?;
        let mut converter = Converter::new(py);
        let dicts = entries
            .iter()
            .zip(&values)
            .map(|(entry, value)| Ok((entry.name().to_owned(), converter.convert(value)?.unbind())))
            .collect();
        // Freeing the trees is a tenth of the work: in parallel, without the GIL.
        py.detach(|| values.into_par_iter().for_each(drop));
        dicts
    }

    /// Sets property `name` of node `node` of the job at `path`; only that
    /// value's bytes change when written.
    fn set_property(&mut self, path: &str, node: &str, name: &str, value: &str) -> PyResult<()> {
        let job = self.job_mut(path)?;
        let found = job.node_mut(node).ok_or_else(|| PyValueError::new_err(format!("the job has no node `{node}`")))?;
        found.set_property(name, value);
        Ok(())
    }

    /// Sets job parameter `name` of the job at `path`.
    fn set_param(&mut self, path: &str, name: &str, value: &str) -> PyResult<()> {
        self.job_mut(path)?.set_param(name, value);
        Ok(())
    }

    /// Writes the bundle as a zip to `path`, atomically; unchanged entries
    /// are copied as read.
    fn write(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        py.detach(|| self.bundle.write_to_path(&path)).map_err(error)
    }

    /// The bundle as zip bytes.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let zip = py.detach(|| self.bundle.to_vec()).map_err(error)?;
        Ok(PyBytes::new(py, &zip))
    }

    /// Writes the changed definitions back into the folder read; returns how many.
    fn save(&self, py: Python<'_>) -> PyResult<usize> {
        let folder = self.folder.as_ref().ok_or_else(|| {
            PyValueError::new_err("only a bundle read from a folder is saved in place: use write(path)")
        })?;
        py.detach(|| self.bundle.write_changes_to_dir(folder)).map_err(error)
    }

    /// The findings of validation, as JSON (the shape of `validate --format json`'s diagnostics).
    #[pyo3(signature = (config=None))]
    fn validate(&self, py: Python<'_>, config: Option<PathBuf>) -> PyResult<String> {
        let found = py
            .detach(|| {
                let config = config.as_deref().map(Config::read).transpose()?;
                let found = dlf_bundle::validate::validate_bundle(&self.bundle, &ValidateOptions::default());
                Ok::<_, Error>(match &config {
                    Some(config) => config.apply(found),
                    None => found,
                })
            })
            .map_err(error)?;
        serde_json::to_string(&found).map_err(|e| PyValueError::new_err(format!("cannot write the findings: {e}")))
    }
}

fn report_json(report: &impl serde::Serialize, addressing: &str) -> PyResult<String> {
    let mut value = serde_json::to_value(report).map_err(|e| PyValueError::new_err(e.to_string()))?;
    if let Some(object) = value.as_object_mut() {
        object.insert("addressing".into(), addressing.into());
    }
    Ok(value.to_string())
}

fn parse_map(text: &str) -> PyResult<Map> {
    text.parse().map_err(error)
}

/// `diff --format json` of two bundles.
#[pyfunction]
#[pyo3(signature = (old, new, map=None))]
fn diff(py: Python<'_>, old: &NativeBundle, new: &NativeBundle, map: Option<&str>) -> PyResult<String> {
    let mut options = DiffOptions::new();
    if let Some(map) = map {
        options = options.map(parse_map(map)?);
    }
    let result = py.detach(|| dlf_bundle::diff::diff(&old.bundle, &new.bundle, &options)).map_err(error)?;
    report_json(&result, "name")
}

/// `remap --format json`: written to `out` when given, else a dry run; a
/// folder read with `in_place` is rewritten where it is.
#[pyfunction]
#[pyo3(signature = (src, map, out=None, in_place=false))]
fn remap(py: Python<'_>, src: &mut NativeBundle, map: &str, out: Option<PathBuf>, in_place: bool) -> PyResult<String> {
    let map = parse_map(map)?;
    let report = py
        .detach(|| match (&out, in_place, &src.folder) {
            (Some(out), _, _) => dlf_bundle::remap::write_remapped(&src.bundle, &map, out),
            (None, true, Some(folder)) => {
                let report = dlf_bundle::remap::apply(&mut src.bundle, &map)?;
                src.bundle.write_changes_to_dir(folder)?;
                Ok(report)
            }
            (None, _, _) => dlf_bundle::remap::report(&src.bundle, &map),
        })
        .map_err(error)?;
    report_json(&report, "index")
}

/// Exports `jobs` of the workspace folder into the zip `out`; returns the
/// notes, as text.
#[pyfunction]
#[pyo3(signature = (workspace, jobs, out, depend=true))]
fn export(py: Python<'_>, workspace: PathBuf, jobs: Vec<String>, out: PathBuf, depend: bool) -> PyResult<Vec<String>> {
    py.detach(|| {
        let workspace = Workspace::open(&workspace)?;
        let mut options = ExportOptions::default();
        options.export_depend = depend;
        let export = dlf_bundle::export::export(&workspace, &jobs, &options)?;
        export.bundle.write_to_path(&out)?;
        Ok(export.notes.iter().map(ToString::to_string).collect())
    })
    .map_err(error)
}

/// What a diagnostic code means: `(code, severity, title, explanation)`.
#[pyfunction]
fn explain(code: &str) -> PyResult<(String, String, String, String)> {
    let parsed: dlf_bundle::diagnostic::Code = code.parse().map_err(error)?;
    Ok((
        parsed.to_string(),
        parsed.severity().as_str().to_owned(),
        parsed.title().to_owned(),
        parsed.explanation().to_owned(),
    ))
}

/// Runs the command line (`argv[0]` the program's name); returns the exit status.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<String>) -> u8 {
    py.detach(|| cli::run(argv))
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<NativeBundle>()?;
    m.add_function(wrap_pyfunction!(diff, m)?)?;
    m.add_function(wrap_pyfunction!(remap, m)?)?;
    m.add_function(wrap_pyfunction!(export, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add("BundleError", py.get_type::<BundleError>())?;
    m.add("UnsafeArchiveError", py.get_type::<UnsafeArchiveError>())?;
    m.add("CorruptArchiveError", py.get_type::<CorruptArchiveError>())?;
    m.add("InvalidDefinitionError", py.get_type::<InvalidDefinitionError>())?;
    m.add("LimitExceededError", py.get_type::<LimitExceededError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
