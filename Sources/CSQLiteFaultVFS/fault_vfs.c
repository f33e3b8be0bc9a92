// Tests only: a VFS over "unix" that fails WAL writes and syncs on demand, so the WAL write
// buffer (CSQLiteWALBuffer) can be run over a disk that fills up mid-transaction, and a commit
// whose sync fails after all its frames were written can be made.
#include "fault_vfs.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
    int wal;
} fault_file;

static sqlite3_vfs *unix_vfs;
static sqlite3_vfs fault_vfs;
static sqlite3_io_methods fault_methods_v3;
static sqlite3_io_methods fault_methods_v2;
static _Atomic long long successes_left = -1;
static _Atomic unsigned long long wal_writes;
static _Atomic unsigned long long wal_bytes;
static _Atomic int wal_syncs_to_fail;

static size_t header_size(void) { return (sizeof(fault_file) + 15) & ~(size_t)15; }
static sqlite3_file *real(sqlite3_file *file) { return ((fault_file *)file)->real; }

static int f_close(sqlite3_file *f) { return real(f)->pMethods->xClose(real(f)); }
static int f_read(sqlite3_file *f, void *d, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), d, n, o); }
static int f_write(sqlite3_file *f, const void *d, int n, sqlite3_int64 o) {
    if (((fault_file *)f)->wal) {
        long long left = atomic_load(&successes_left);
        if (left == 0) return SQLITE_FULL;
        if (left > 0) atomic_fetch_sub(&successes_left, 1);
        atomic_fetch_add(&wal_writes, 1);
        atomic_fetch_add(&wal_bytes, (unsigned long long)n);
    }
    return real(f)->pMethods->xWrite(real(f), d, n, o);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 s) { return real(f)->pMethods->xTruncate(real(f), s); }
static int f_sync(sqlite3_file *f, int flags) {
    if (((fault_file *)f)->wal) {
        int left = atomic_load(&wal_syncs_to_fail);
        if (left > 0 && atomic_compare_exchange_strong(&wal_syncs_to_fail, &left, left - 1)) return SQLITE_IOERR_FSYNC;
    }
    return real(f)->pMethods->xSync(real(f), flags);
}
static int f_size(sqlite3_file *f, sqlite3_int64 *s) { return real(f)->pMethods->xFileSize(real(f), s); }
static int f_lock(sqlite3_file *f, int l) { return real(f)->pMethods->xLock(real(f), l); }
static int f_unlock(sqlite3_file *f, int l) { return real(f)->pMethods->xUnlock(real(f), l); }
static int f_reserved(sqlite3_file *f, int *out) { return real(f)->pMethods->xCheckReservedLock(real(f), out); }
static int f_control(sqlite3_file *f, int op, void *a) { return real(f)->pMethods->xFileControl(real(f), op, a); }
static int f_sector(sqlite3_file *f) { return real(f)->pMethods->xSectorSize(real(f)); }
static int f_device(sqlite3_file *f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
static int f_shm_map(sqlite3_file *f, int i, int s, int e, void volatile **p) {
    return real(f)->pMethods->xShmMap(real(f), i, s, e, p);
}
static int f_shm_lock(sqlite3_file *f, int o, int n, int flags) { return real(f)->pMethods->xShmLock(real(f), o, n, flags); }
static void f_shm_barrier(sqlite3_file *f) { real(f)->pMethods->xShmBarrier(real(f)); }
static int f_shm_unmap(sqlite3_file *f, int d) { return real(f)->pMethods->xShmUnmap(real(f), d); }
static int f_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p) { return real(f)->pMethods->xFetch(real(f), o, n, p); }
static int f_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return real(f)->pMethods->xUnfetch(real(f), o, p); }

static int f_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out) {
    (void)vfs;
    fault_file *ff = (fault_file *)file;
    memset(ff, 0, header_size());
    ff->real = (sqlite3_file *)((unsigned char *)file + header_size());
    ff->wal = (flags & SQLITE_OPEN_WAL) != 0;
    int rc = unix_vfs->xOpen(unix_vfs, name, ff->real, flags, out);
    if (rc != SQLITE_OK || ff->real->pMethods == NULL) {
        file->pMethods = NULL;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    file->pMethods = ff->real->pMethods->iVersion >= 3 ? &fault_methods_v3 : &fault_methods_v2;
    return SQLITE_OK;
}

int plimsoll_fault_vfs_register(const char *name) {
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK) return rc;
    unix_vfs = sqlite3_vfs_find("unix");
    if (unix_vfs == NULL) return SQLITE_ERROR;
    fault_methods_v3 = (sqlite3_io_methods){
        3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock, f_reserved, f_control, f_sector,
        f_device, f_shm_map, f_shm_lock, f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch,
    };
    fault_methods_v2 = fault_methods_v3;
    fault_methods_v2.iVersion = 2;
    fault_methods_v2.xFetch = NULL;
    fault_methods_v2.xUnfetch = NULL;
    size_t length = strlen(name) + 1;
    char *kept = malloc(length);
    if (kept == NULL) return SQLITE_NOMEM;
    memcpy(kept, name, length);
    fault_vfs = *unix_vfs;
    fault_vfs.zName = kept;
    fault_vfs.szOsFile = (int)(header_size() + (size_t)unix_vfs->szOsFile);
    fault_vfs.xOpen = f_open;
    fault_vfs.pNext = NULL;
    return sqlite3_vfs_register(&fault_vfs, 0);
}

void plimsoll_fault_vfs_fail_wal_writes_after(long long successes) { atomic_store(&successes_left, successes < 0 ? -1 : successes); }

void plimsoll_fault_vfs_fail_wal_syncs(int count) { atomic_store(&wal_syncs_to_fail, count < 0 ? 0 : count); }

unsigned long long plimsoll_fault_vfs_wal_writes(void) { return atomic_load(&wal_writes); }

unsigned long long plimsoll_fault_vfs_wal_bytes(void) { return atomic_load(&wal_bytes); }
