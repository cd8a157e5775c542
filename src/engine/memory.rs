//! Giving freed heap back to the system. glibc's allocator keeps what a
//! pass freed in its arenas (one per thread that allocated, up to eight
//! per core), so a process that once compared 50,000 objects would hold
//! that peak for good. Elsewhere this is a no-op.

/// Returns the free pages of every arena to the system; called after a
/// status pass, once its temporaries and the previous snapshot are gone.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks glibc's own arenas under their
    // locks; it reads and writes no memory of ours.
    unsafe {
        libc::malloc_trim(0);
    }
}
