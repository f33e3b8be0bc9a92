// An SQLite VFS that wraps the default one and gathers a transaction's WAL frames into few writes.
//
// Why: SQLite writes each WAL frame as two calls, its 24-byte header and then its page, so a
// block of settlement that changes a hundred pages made two hundred write calls, each crossing
// the kernel and dirtying the page-cache pages it straddles. Measured here, 97 frames cost about
// 150 us of CPU as 194 calls and about 40 us as one (issue 13).
//
// What changes: only writes to WAL files. A write that goes past everything written since the WAL
// last started over is new: it is copied into a buffer (1 MiB, allocated at the first write) when
// it continues the buffered run, else the run is written first. A write below that mark rewrites
// a frame of the current transaction (a page changed again after SQLite spilled it, a checksum
// fixed): the run is written first, then this write at once, so the file sees SQLite's order.
// The run is also written before anything else touches the file: a read, a sync, a size, a
// truncate, a file control, a close. Main databases, journals and temporary files are the default
// VFS's own files, untouched.
//
// Why SQLite's guarantees hold: the buffer never holds a finished commit. A frame header with a
// non-zero "database size" field marks a commit frame; once the page that follows it is in the
// buffer, the buffer is written before the call returns. So by the time SQLite publishes the new
// WAL length to readers (the wal-index header, written after the frames), every frame of the
// commit has been handed to the kernel, whatever the synchronous setting; with synchronous=FULL
// SQLite then syncs the file as before. A checksum SQLite fixes after the commit frame is written
// at once (it is below the mark). A write error is returned by the call that flushed, which fails
// the transaction as a failed write would have. A crash loses only frames of a transaction that
// had not committed, which SQLite's recovery ignores anyway.
#include "wal_buffer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { buffer_capacity = 1 << 20, write_piece_max = 1 << 16, frame_header_size = 24 };

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
    unsigned char *buffer;
    sqlite3_int64 buffer_offset;
    int buffer_length;
    // The offset of the page that completes a commit frame whose header is buffered; -1: none.
    sqlite3_int64 commit_page_offset;
    // The end of the furthest write since the WAL last started over (a write at offset 0, its
    // header): a write below it rewrites what SQLite wrote earlier in the same transaction.
    sqlite3_int64 high_water;
} wal_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs wrapper_vfs;
static int install_result;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
static _Atomic unsigned long long requested_writes;
static _Atomic unsigned long long issued_writes;

static wal_file *as_wal(sqlite3_file *file) { return (wal_file *)file; }

static int flush(wal_file *wal) {
    if (wal->buffer_length == 0) return SQLITE_OK;
    int length = wal->buffer_length;
    wal->buffer_length = 0;
    // The unix VFS keeps only the low 17 bits of a write's length (seekAndWriteFd: some systems
    // fail larger writes), so a longer write would be cut short: hand it pieces below that.
    for (int done = 0; done < length;) {
        int piece = length - done < write_piece_max ? length - done : write_piece_max;
        atomic_fetch_add_explicit(&issued_writes, 1, memory_order_relaxed);
        int rc = wal->real->pMethods->xWrite(wal->real, wal->buffer + done, piece, wal->buffer_offset + done);
        if (rc != SQLITE_OK) return rc;
        done += piece;
    }
    return SQLITE_OK;
}

static int wal_close(sqlite3_file *file) {
    wal_file *wal = as_wal(file);
    int flushed = flush(wal);
    int closed = wal->real->pMethods->xClose(wal->real);
    free(wal->buffer);
    wal->buffer = NULL;
    return flushed != SQLITE_OK ? flushed : closed;
}

static int wal_read(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset) {
    wal_file *wal = as_wal(file);
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return wal->real->pMethods->xRead(wal->real, out, amount, offset);
}

static int is_commit_header(const void *data, int amount) {
    if (amount != frame_header_size) return 0;
    const unsigned char *bytes = data;
    return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

static int write_through(wal_file *wal, const void *data, int amount, sqlite3_int64 offset) {
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    atomic_fetch_add_explicit(&issued_writes, 1, memory_order_relaxed);
    return wal->real->pMethods->xWrite(wal->real, data, amount, offset);
}

static int wal_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    wal_file *wal = as_wal(file);
    atomic_fetch_add_explicit(&requested_writes, 1, memory_order_relaxed);
    if (offset == 0) wal->high_water = 0;
    int completes_commit = offset == wal->commit_page_offset;
    if (completes_commit) wal->commit_page_offset = -1;
    if (offset < wal->high_water || amount > write_piece_max) {
        // A frame rewritten in place, or a checksum fixed, in the current transaction: the
        // buffer first, then this write as asked, so the file sees SQLite's order.
        return write_through(wal, data, amount, offset);
    }
    wal->high_water = offset + amount;
    if (wal->buffer_length > 0
        && (offset != wal->buffer_offset + wal->buffer_length || wal->buffer_length + amount > buffer_capacity)) {
        int rc = flush(wal);
        if (rc != SQLITE_OK) return rc;
    }
    if (wal->buffer == NULL) {
        wal->buffer = malloc(buffer_capacity);
        if (wal->buffer == NULL) return write_through(wal, data, amount, offset);
    }
    if (wal->buffer_length == 0) wal->buffer_offset = offset;
    memcpy(wal->buffer + wal->buffer_length, data, (size_t)amount);
    wal->buffer_length += amount;
    if (completes_commit) return flush(wal);
    if (is_commit_header(data, amount)) wal->commit_page_offset = offset + amount;
    return SQLITE_OK;
}

static int wal_truncate(sqlite3_file *file, sqlite3_int64 size) {
    wal_file *wal = as_wal(file);
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return wal->real->pMethods->xTruncate(wal->real, size);
}

static int wal_sync(sqlite3_file *file, int flags) {
    wal_file *wal = as_wal(file);
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return wal->real->pMethods->xSync(wal->real, flags);
}

static int wal_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    wal_file *wal = as_wal(file);
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return wal->real->pMethods->xFileSize(wal->real, size);
}

static int wal_lock(sqlite3_file *file, int level) {
    wal_file *wal = as_wal(file);
    return wal->real->pMethods->xLock(wal->real, level);
}

static int wal_unlock(sqlite3_file *file, int level) {
    wal_file *wal = as_wal(file);
    return wal->real->pMethods->xUnlock(wal->real, level);
}

static int wal_check_reserved_lock(sqlite3_file *file, int *out) {
    wal_file *wal = as_wal(file);
    return wal->real->pMethods->xCheckReservedLock(wal->real, out);
}

static int wal_file_control(sqlite3_file *file, int op, void *argument) {
    wal_file *wal = as_wal(file);
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return wal->real->pMethods->xFileControl(wal->real, op, argument);
}

static int wal_sector_size(sqlite3_file *file) {
    wal_file *wal = as_wal(file);
    return wal->real->pMethods->xSectorSize(wal->real);
}

static int wal_device_characteristics(sqlite3_file *file) {
    wal_file *wal = as_wal(file);
    return wal->real->pMethods->xDeviceCharacteristics(wal->real);
}

// Version 1 methods only: SQLite maps and locks shared memory through the main database file,
// never through its WAL, and never memory-maps a WAL.
static const sqlite3_io_methods wal_methods = {
    1,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    wal_lock,
    wal_unlock,
    wal_check_reserved_lock,
    wal_file_control,
    wal_sector_size,
    wal_device_characteristics,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

static size_t wal_header_size(void) { return (sizeof(wal_file) + 15) & ~(size_t)15; }

static int wrapper_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
    (void)vfs;
    if ((flags & SQLITE_OPEN_WAL) == 0) {
        // Not a WAL: the default VFS's own file, in the space SQLite gave (it is larger).
        return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
    }
    wal_file *wal = as_wal(file);
    memset(wal, 0, sizeof(wal_file));
    wal->real = (sqlite3_file *)((unsigned char *)file + wal_header_size());
    wal->commit_page_offset = -1;
    wal->high_water = 0;
    int rc = real_vfs->xOpen(real_vfs, name, wal->real, flags, out_flags);
    if (rc != SQLITE_OK || wal->real->pMethods == NULL) {
        // SQLite calls xClose only when pMethods is set: leave it unset, as the real open did.
        wal->base.pMethods = NULL;
        return rc;
    }
    wal->base.pMethods = &wal_methods;
    return SQLITE_OK;
}

static int wrapper_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    (void)vfs;
    return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int wrapper_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
    (void)vfs;
    return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int wrapper_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
    (void)vfs;
    return real_vfs->xFullPathname(real_vfs, name, size, out);
}

static void *wrapper_dl_open(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xDlOpen(real_vfs, name);
}

static void wrapper_dl_error(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    real_vfs->xDlError(real_vfs, size, out);
}

static void (*wrapper_dl_sym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) {
    (void)vfs;
    return real_vfs->xDlSym(real_vfs, handle, symbol);
}

static void wrapper_dl_close(sqlite3_vfs *vfs, void *handle) {
    (void)vfs;
    real_vfs->xDlClose(real_vfs, handle);
}

static int wrapper_randomness(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return real_vfs->xRandomness(real_vfs, size, out);
}

static int wrapper_sleep(sqlite3_vfs *vfs, int microseconds) {
    (void)vfs;
    return real_vfs->xSleep(real_vfs, microseconds);
}

static int wrapper_current_time(sqlite3_vfs *vfs, double *out) {
    (void)vfs;
    return real_vfs->xCurrentTime(real_vfs, out);
}

static int wrapper_get_last_error(sqlite3_vfs *vfs, int size, char *out) {
    (void)vfs;
    return real_vfs->xGetLastError(real_vfs, size, out);
}

static int wrapper_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
    (void)vfs;
    return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static int wrapper_set_system_call(sqlite3_vfs *vfs, const char *name, sqlite3_syscall_ptr call) {
    (void)vfs;
    return real_vfs->xSetSystemCall(real_vfs, name, call);
}

static sqlite3_syscall_ptr wrapper_get_system_call(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xGetSystemCall(real_vfs, name);
}

static const char *wrapper_next_system_call(sqlite3_vfs *vfs, const char *name) {
    (void)vfs;
    return real_vfs->xNextSystemCall(real_vfs, name);
}

static void install(void) {
    install_result = sqlite3_initialize();
    if (install_result != SQLITE_OK) return;
    real_vfs = sqlite3_vfs_find(NULL);
    if (real_vfs == NULL || real_vfs->iVersion < 3) {
        install_result = SQLITE_ERROR;
        return;
    }
    wrapper_vfs = (sqlite3_vfs){
        .iVersion = 3,
        .szOsFile = (int)(wal_header_size() + (size_t)real_vfs->szOsFile),
        .mxPathname = real_vfs->mxPathname,
        .zName = "plimsoll-walbuffer",
        .pAppData = NULL,
        .xOpen = wrapper_open,
        .xDelete = wrapper_delete,
        .xAccess = wrapper_access,
        .xFullPathname = wrapper_full_pathname,
        .xDlOpen = real_vfs->xDlOpen ? wrapper_dl_open : NULL,
        .xDlError = real_vfs->xDlError ? wrapper_dl_error : NULL,
        .xDlSym = real_vfs->xDlSym ? wrapper_dl_sym : NULL,
        .xDlClose = real_vfs->xDlClose ? wrapper_dl_close : NULL,
        .xRandomness = wrapper_randomness,
        .xSleep = wrapper_sleep,
        .xCurrentTime = wrapper_current_time,
        .xGetLastError = wrapper_get_last_error,
        .xCurrentTimeInt64 = wrapper_current_time_int64,
        .xSetSystemCall = real_vfs->xSetSystemCall ? wrapper_set_system_call : NULL,
        .xGetSystemCall = real_vfs->xGetSystemCall ? wrapper_get_system_call : NULL,
        .xNextSystemCall = real_vfs->xNextSystemCall ? wrapper_next_system_call : NULL,
    };
    install_result = sqlite3_vfs_register(&wrapper_vfs, 1);
}

int plimsoll_wal_buffer_install(void) {
    pthread_once(&install_once, install);
    return install_result;
}

plimsoll_wal_buffer_counts plimsoll_wal_buffer_read_counts(void) {
    return (plimsoll_wal_buffer_counts){
        .requested = atomic_load_explicit(&requested_writes, memory_order_relaxed),
        .issued = atomic_load_explicit(&issued_writes, memory_order_relaxed),
    };
}
