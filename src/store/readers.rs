//! The reads every signed-in request makes, on SQLite, run in place.
//!
//! sqlx's SQLite driver runs each connection on a thread of its own and hands
//! every query to it over a channel and back. Profiled under load, those
//! hand-offs (a futex wake and a context switch each way) were 68% of the CPU
//! of a `current_user` request; SQLite itself was under 1%. So the two reads on
//! that path (the session row joined to its user) run on plain
//! connections to the same file, called directly on the request's thread.
//!
//! Why that is safe to do on an async worker: the database is in WAL mode, so
//! a read never waits for a writer; these are point look-ups on primary keys
//! that take microseconds with the pages in memory. Nothing is cached: every
//! call reads the file, so a session ended by another process is refused at
//! once. Writes stay on sqlx.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::StoreError;

/// Idle connections kept; more than the cores gains nothing.
const KEEP_IDLE: usize = 8;

/// How much of the file the readers map (address space, not memory).
const MMAP_BYTES: i64 = 1 << 30;

/// Each reader's page cache, in KiB: taken only as pages are read.
const CACHE_KIB: i64 = 32 * 1024;

/// A small pool of synchronous, query-only connections to one SQLite file.
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers").field("path", &self.path).finish()
    }
}

impl Readers {
    pub(crate) fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `read` on an idle connection (or a new one), then keeps it. A
    /// connection whose read failed is dropped rather than kept.
    pub(crate) fn with<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> Result<T, StoreError> {
        let idle = self.idle.lock().ok().and_then(|mut idle| idle.pop());
        let connection = match idle {
            Some(connection) => connection,
            None => self.open()?,
        };
        let answer = read(&connection)?;
        if let Ok(mut idle) = self.idle.lock() {
            if idle.len() < KEEP_IDLE {
                idle.push(connection);
            }
        }
        Ok(answer)
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        // Opened for writing (as WAL readers need the shared-memory index)
        // but refusing every write itself. It never creates the file.
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.pragma_update(None, "query_only", true)?;
        // Pages are read straight from the OS page cache, shared by every
        // connection, instead of copied into each connection's own small cache:
        // with a million sessions the look-ups touch more pages than that holds.
        connection.pragma_update(None, "mmap_size", MMAP_BYTES)?;
        // Parsed pages kept between look-ups (SQLite's default is 2 MiB).
        connection.pragma_update(None, "cache_size", -CACHE_KIB)?;
        // A reader waits only while the WAL index is rebuilt after a crash.
        connection.busy_timeout(Duration::from_secs(5))?;
        Ok(connection)
    }
}

/// Whether a failed read is a passing condition (busy, locked, unreadable,
/// gone) rather than a bug.
pub(crate) fn is_unavailable(error: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        error.sqlite_error_code(),
        Some(DatabaseBusy | DatabaseLocked | SystemIoFailure | CannotOpen | DiskFull | ReadOnly)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_busy_database_is_unavailable_and_a_missing_table_is_a_bug() {
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(super::is_unavailable(&busy));
        let connection = rusqlite::Connection::open_in_memory().unwrap();
        let missing = connection.prepare("SELECT * FROM nowhere").unwrap_err();
        assert!(!super::is_unavailable(&missing));
    }
}
