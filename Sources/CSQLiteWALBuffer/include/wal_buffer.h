#ifndef PLIMSOLL_WAL_BUFFER_H
#define PLIMSOLL_WAL_BUFFER_H

/// Registers the "plimsoll-walbuffer" SQLite VFS as the process's default, once; later calls do
/// nothing. Returns SQLITE_OK (0) or SQLite's error code. See wal_buffer.c for what it changes.
int plimsoll_wal_buffer_install(void);

/// Registers one more wrapper, named `name`, over the VFS named `base_name`, not as the default:
/// for tests that put a VFS of their own under it. Both names are copied or must stay valid.
int plimsoll_wal_buffer_register(const char *base_name, const char *name);

#endif
