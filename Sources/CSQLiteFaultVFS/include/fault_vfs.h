#ifndef PLIMSOLL_FAULT_VFS_H
#define PLIMSOLL_FAULT_VFS_H

/// Tests only: an SQLite VFS over "unix" whose WAL writes (as a full disk would) and syncs can
/// be made to fail. Registers it under `name` (copied; not the default), once per process; returns SQLite's code.
int plimsoll_fault_vfs_register(const char *name);

/// From now on, `successes` more WAL writes succeed, then every one fails with SQLITE_FULL;
/// a negative count: none fails.
void plimsoll_fault_vfs_fail_wal_writes_after(long long successes);

/// The next `count` syncs of a WAL file fail with SQLITE_IOERR_FSYNC, everything written before
/// them staying in the file (as the kernel holds it): a COMMIT whose frames are all written and
/// whose sync fails. 0: none fails.
void plimsoll_fault_vfs_fail_wal_syncs(int count);

/// WAL write calls that reached the file (failed ones not counted) since the register.
unsigned long long plimsoll_fault_vfs_wal_writes(void);

/// The bytes those calls wrote.
unsigned long long plimsoll_fault_vfs_wal_bytes(void);

#endif
