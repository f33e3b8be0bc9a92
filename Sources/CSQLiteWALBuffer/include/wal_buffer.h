#ifndef PLIMSOLL_WAL_BUFFER_H
#define PLIMSOLL_WAL_BUFFER_H

/// Registers the "plimsoll-walbuffer" SQLite VFS as the process's default, once; later calls do
/// nothing. Returns SQLITE_OK (0) or SQLite's error code. See wal_buffer.c for what it changes.
int plimsoll_wal_buffer_install(void);

/// Counts since the install, for tests: frames-carrying writes SQLite asked for on WAL files, and
/// the write calls made to the operating system for them.
typedef struct {
    unsigned long long requested;
    unsigned long long issued;
} plimsoll_wal_buffer_counts;

plimsoll_wal_buffer_counts plimsoll_wal_buffer_read_counts(void);

#endif
