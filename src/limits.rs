//! Resource limits for reading untrusted bundles.

/// Limits the reader enforces while inflating, never trusting declared sizes.
///
/// The defaults admit the largest legitimate batch export: 100 jobs of 200
/// nodes, each node with its own script, is about 20,100 entries (20,201 with
/// directory entries), and a script's content may reach 4 MB (more once JSON
/// escaping is counted). They reject archives far larger: `DataArts` itself
/// imports at most 10 MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest archive accepted, in bytes.
    pub max_archive_bytes: u64,
    /// Most central-directory records.
    pub max_entries: usize,
    /// Largest uncompressed entry, in bytes.
    pub max_entry_bytes: u64,
    /// Largest sum of uncompressed entries, in bytes.
    pub max_total_bytes: u64,
    /// Highest uncompressed:compressed ratio, checked for entries larger than
    /// [`Limits::ratio_floor_bytes`].
    pub max_ratio: u64,
    /// Entries up to this size are exempt from the ratio check (small JSON
    /// files compress well and are harmless).
    pub ratio_floor_bytes: u64,
}

impl Limits {
    /// Default archive size cap: 512 MiB.
    pub const DEFAULT_MAX_ARCHIVE_BYTES: u64 = 512 << 20;
    /// Default entry cap: 25,000 (a full 100-job, 200-node export is 20,201).
    pub const DEFAULT_MAX_ENTRIES: usize = 25_000;
    /// Default per-entry cap: 16 MiB (a 4 MB script, escaped, with room).
    pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 16 << 20;
    /// Default total cap: 1 GiB, a hundred times what `DataArts` imports.
    pub const DEFAULT_MAX_TOTAL_BYTES: u64 = 1 << 30;
    /// Default ratio cap: 200:1 (DEFLATE tops out near 1032:1; JSON rarely passes 50:1).
    pub const DEFAULT_MAX_RATIO: u64 = 200;
    /// Default ratio floor: 1 MiB.
    pub const DEFAULT_RATIO_FLOOR_BYTES: u64 = 1 << 20;

    /// No limits, for input you trust (your own workspace, tests).
    pub const fn unlimited() -> Self {
        Self {
            max_archive_bytes: u64::MAX,
            max_entries: usize::MAX,
            max_entry_bytes: u64::MAX,
            max_total_bytes: u64::MAX,
            max_ratio: u64::MAX,
            ratio_floor_bytes: u64::MAX,
        }
    }

    /// Sets [`Limits::max_archive_bytes`].
    #[must_use]
    pub const fn max_archive_bytes(mut self, bytes: u64) -> Self {
        self.max_archive_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_entries`].
    #[must_use]
    pub const fn max_entries(mut self, entries: usize) -> Self {
        self.max_entries = entries;
        self
    }

    /// Sets [`Limits::max_entry_bytes`].
    #[must_use]
    pub const fn max_entry_bytes(mut self, bytes: u64) -> Self {
        self.max_entry_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_total_bytes`].
    #[must_use]
    pub const fn max_total_bytes(mut self, bytes: u64) -> Self {
        self.max_total_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_ratio`].
    #[must_use]
    pub const fn max_ratio(mut self, ratio: u64) -> Self {
        self.max_ratio = ratio;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_archive_bytes: Self::DEFAULT_MAX_ARCHIVE_BYTES,
            max_entries: Self::DEFAULT_MAX_ENTRIES,
            max_entry_bytes: Self::DEFAULT_MAX_ENTRY_BYTES,
            max_total_bytes: Self::DEFAULT_MAX_TOTAL_BYTES,
            max_ratio: Self::DEFAULT_MAX_RATIO,
            ratio_floor_bytes: Self::DEFAULT_RATIO_FLOOR_BYTES,
        }
    }
}

/// The running total of bytes read or inflated, shared by the threads that
/// read one input, checked against [`Limits::max_total_bytes`].
#[derive(Debug, Default)]
pub(crate) struct RunningTotal(std::sync::atomic::AtomicU64);

impl RunningTotal {
    /// Counts `size` more bytes; an error once the total passes the limit.
    pub(crate) fn add(&self, size: u64, limits: &Limits) -> crate::error::Result<()> {
        let before = self.0.fetch_add(size, std::sync::atomic::Ordering::Relaxed);
        if before.saturating_add(size) > limits.max_total_bytes {
            return Err(crate::error::Error::limit(
                crate::error::Limit::TotalBytes,
                limits.max_total_bytes,
                format!("the input passes the total limit of {} bytes", limits.max_total_bytes),
            ));
        }
        Ok(())
    }
}
