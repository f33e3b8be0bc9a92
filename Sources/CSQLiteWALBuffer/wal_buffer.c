// An SQLite VFS that wraps the default one and gathers a transaction's WAL frames into few writes.
//
// Why: SQLite writes each WAL frame as two calls, its 24-byte header and then its page, so a
// block of settlement that changes a hundred pages made two hundred write calls, each crossing
// the kernel and dirtying the page-cache pages it straddles. Measured here, 97 frames cost about
// 150 us of CPU as 194 calls and about 40 us as one (issue 13).
//
// What changes: only writes to WAL files. A write past everything the current write transaction
// wrote is new: it is copied into a buffer (1 MiB, allocated at the first write) when it
// continues the buffered run, else the run is written first. The run goes to the file in pieces
// of up to 64 KiB when the buffer is full and before anything else touches the file: a read, a
// sync, a size, a truncate, a file control. Everything else goes straight through, after the run,
// so the file sees SQLite's writes in SQLite's order: a write below that mark (a frame of the
// current transaction rewritten in place, a checksum fixed), and every write from a commit
// frame's header until the transaction ends (the commit frame's page, padding frames, a frame
// split at a sync point when the disk is not power-safe). Journals and temporary
// files are the default VFS's own files; main database files pass every call on, and this file
// only listens to their shared-memory locks (below).
//
// Why SQLite's guarantees hold:
// - The buffer never holds a finished commit: the commit frame's page is written before the call
//   returns, after everything before it. So by the time SQLite publishes the new WAL length to
//   readers (the wal-index header, after the frames), every frame of the commit has been handed
//   to the kernel, whatever the synchronous setting; with synchronous=FULL SQLite then syncs as
//   before. A crash loses only frames of a transaction that had not committed.
// - What SQLite was told is written stays in the buffer until it is: a failed write of the run is
//   tried again by the next call that needs the file, and that call fails with SQLITE_IOERR_WRITE
//   meanwhile (a disk-full code on a read would let SQLite undo only the statement and go on), so
//   nothing reads or commits past a frame that is not on the file.
// - When a write transaction ends (its WAL write lock released, heard through the main database
//   file; in exclusive locking mode, which takes no such lock, at the first shared-memory lock
//   after it), what is left belongs to a transaction rolled back: it is dropped, never written,
//   since another connection may write the WAL from then on.
#include "wal_buffer.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum { buffer_capacity = 1 << 20, write_piece_max = 1 << 16, frame_header_size = 24 };

// wal.c's WAL_WRITE_LOCK: the shared-memory lock a connection holds while it writes the WAL.
enum { wal_write_lock = 0 };

typedef struct db_file db_file;

typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
    // The main database this WAL belongs to; NULL: not found, and then nothing is buffered.
    db_file *db;
    unsigned char *buffer;
    sqlite3_int64 buffer_offset;
    int buffer_length;
    // The end of the furthest write of the current write transaction (reset when it ends and
    // when the WAL starts over at offset 0): a write below it rewrites one of its frames.
    sqlite3_int64 high_water;
    // A commit frame's header was written in the current write transaction: every write goes
    // straight through until it ends (the commit's page, padding frames, a frame split at a sync
    // point, checksums fixed).
    int in_commit;
    // This connection holds the WAL write lock (heard through its main database file). Not in
    // exclusive locking mode, where SQLite takes no shared-memory locks and no one else writes.
    int write_locked;
} wal_file;

struct db_file {
    sqlite3_file base;
    sqlite3_file *real;
    // The name SQLite opened it with: a WAL's name leads back to this very pointer
    // (sqlite3_filename_database), which links the two.
    sqlite3_filename name;
    wal_file *wal;
    db_file *next;
};

static sqlite3_vfs *default_wrapper;
static int install_result;
static pthread_once_t install_once = PTHREAD_ONCE_INIT;
// Open main databases, for their WALs to find; guarded by `open_files_lock`.
static db_file *open_databases;
static pthread_mutex_t open_files_lock = PTHREAD_MUTEX_INITIALIZER;

static size_t aligned(size_t size) { return (size + 15) & ~(size_t)15; }
static size_t wrapper_size(void) {
    return aligned(sizeof(wal_file)) > aligned(sizeof(db_file)) ? aligned(sizeof(wal_file)) : aligned(sizeof(db_file));
}

// Both wrappers begin with these two fields, so the calls they pass on unchanged are shared.
typedef struct {
    sqlite3_file base;
    sqlite3_file *real;
} wrapped_file;

_Static_assert(offsetof(wal_file, real) == offsetof(wrapped_file, real), "wal_file begins as wrapped_file");
_Static_assert(offsetof(db_file, real) == offsetof(wrapped_file, real), "db_file begins as wrapped_file");

static sqlite3_file *inner(sqlite3_file *file) { return ((wrapped_file *)file)->real; }
static int pass_read(sqlite3_file *f, void *out, int n, sqlite3_int64 o) { return inner(f)->pMethods->xRead(inner(f), out, n, o); }
static int pass_write(sqlite3_file *f, const void *data, int n, sqlite3_int64 o) {
    return inner(f)->pMethods->xWrite(inner(f), data, n, o);
}
static int pass_truncate(sqlite3_file *f, sqlite3_int64 size) { return inner(f)->pMethods->xTruncate(inner(f), size); }
static int pass_sync(sqlite3_file *f, int flags) { return inner(f)->pMethods->xSync(inner(f), flags); }
static int pass_file_size(sqlite3_file *f, sqlite3_int64 *size) { return inner(f)->pMethods->xFileSize(inner(f), size); }
static int pass_lock(sqlite3_file *f, int level) { return inner(f)->pMethods->xLock(inner(f), level); }
static int pass_unlock(sqlite3_file *f, int level) { return inner(f)->pMethods->xUnlock(inner(f), level); }
static int pass_check_reserved_lock(sqlite3_file *f, int *out) { return inner(f)->pMethods->xCheckReservedLock(inner(f), out); }
static int pass_file_control(sqlite3_file *f, int op, void *argument) {
    return inner(f)->pMethods->xFileControl(inner(f), op, argument);
}
static int pass_sector_size(sqlite3_file *f) { return inner(f)->pMethods->xSectorSize(inner(f)); }
static int pass_device_characteristics(sqlite3_file *f) { return inner(f)->pMethods->xDeviceCharacteristics(inner(f)); }
static int pass_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **out) {
    return inner(f)->pMethods->xShmMap(inner(f), region, size, extend, out);
}
static void pass_shm_barrier(sqlite3_file *f) { inner(f)->pMethods->xShmBarrier(inner(f)); }
static int pass_shm_unmap(sqlite3_file *f, int delete_flag) { return inner(f)->pMethods->xShmUnmap(inner(f), delete_flag); }
static int pass_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **out) { return inner(f)->pMethods->xFetch(inner(f), o, n, out); }
static int pass_unfetch(sqlite3_file *f, sqlite3_int64 o, void *pointer) { return inner(f)->pMethods->xUnfetch(inner(f), o, pointer); }

// ---- WAL files ----

// Writes the buffered run. On failure the run stays, whole, to be written again by the next call
// that needs the file (rewriting bytes already written is harmless): SQLite was told these
// writes succeeded, so nothing may read or commit past them until they are on the file. The
// error is SQLITE_IOERR_WRITE whatever the cause: a disk-full code on a read would let SQLite
// undo only the statement and go on with the transaction.
static int flush(wal_file *wal) {
    int length = wal->buffer_length;
    // The unix VFS keeps only the low 17 bits of a write's length (seekAndWriteFd: some systems
    // fail larger writes), so a longer write would be cut short: hand it pieces below that.
    for (int done = 0; done < length;) {
        int piece = length - done < write_piece_max ? length - done : write_piece_max;
        int rc = pass_write(&wal->base, wal->buffer + done, piece, wal->buffer_offset + done);
        if (rc != SQLITE_OK) return SQLITE_IOERR_WRITE;
        done += piece;
    }
    wal->buffer_length = 0;
    return SQLITE_OK;
}

// The write transaction ended (its lock released): a commit left nothing here, so whatever is
// left belongs to a transaction rolled back, frames no one will read. Dropped, never written:
// another connection may write the WAL from now on, at the same offsets.
static void transaction_ended(wal_file *wal) {
    wal->buffer_length = 0;
    wal->high_water = 0;
    wal->in_commit = 0;
}

static int wal_close(sqlite3_file *file) {
    wal_file *wal = (wal_file *)file;
    pthread_mutex_lock(&open_files_lock);
    if (wal->db != NULL && wal->db->wal == wal) wal->db->wal = NULL;
    pthread_mutex_unlock(&open_files_lock);
    // Only frames of an unfinished transaction can be left (see transaction_ended).
    int closed = wal->real->pMethods->xClose(wal->real);
    free(wal->buffer);
    wal->buffer = NULL;
    return closed;
}

static int wal_read(sqlite3_file *file, void *out, int amount, sqlite3_int64 offset) {
    wal_file *wal = (wal_file *)file;
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return pass_read(file, out, amount, offset);
}

static int is_frame_header(int amount) { return amount == frame_header_size; }

static int is_commit_header(const void *data, int amount) {
    if (!is_frame_header(amount)) return 0;
    const unsigned char *bytes = data;
    return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

static int write_through(wal_file *wal, const void *data, int amount, sqlite3_int64 offset) {
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return pass_write(&wal->base, data, amount, offset);
}

// Adds a new write to the run, writing the run first when this write does not continue it or
// would not fit.
static int append(wal_file *wal, const void *data, int amount, sqlite3_int64 offset) {
    if (wal->buffer_length > 0
        && (offset != wal->buffer_offset + wal->buffer_length || wal->buffer_length + amount > buffer_capacity)) {
        int rc = flush(wal);
        if (rc != SQLITE_OK) return rc;
    }
    if (wal->buffer_length == 0) wal->buffer_offset = offset;
    memcpy(wal->buffer + wal->buffer_length, data, (size_t)amount);
    wal->buffer_length += amount;
    return SQLITE_OK;
}

static int wal_write(sqlite3_file *file, const void *data, int amount, sqlite3_int64 offset) {
    wal_file *wal = (wal_file *)file;
    if (offset == 0) {
        // The WAL starts over (its header, then frames from the start), in a new transaction.
        wal->high_water = 0;
        wal->in_commit = 0;
    }
    int commit = is_commit_header(data, amount);
    int rewrite = offset < wal->high_water;
    if (!rewrite && offset + amount > wal->high_water) wal->high_water = offset + amount;
    // Straight through, after the run: a commit's tail, a frame rewritten in place, a checksum
    // fixed (the file sees SQLite's writes in SQLite's order); also when no buffer can be had.
    int through = wal->db == NULL || wal->in_commit || rewrite || amount > write_piece_max;
    if (!through && wal->buffer == NULL) {
        wal->buffer = malloc(buffer_capacity);
        through = wal->buffer == NULL;
    }
    int rc = through ? write_through(wal, data, amount, offset) : append(wal, data, amount, offset);
    // From a commit frame's header on, the rest of the transaction goes straight through.
    if (rc == SQLITE_OK && commit) wal->in_commit = 1;
    return rc;
}

static int wal_truncate(sqlite3_file *file, sqlite3_int64 size) {
    wal_file *wal = (wal_file *)file;
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return pass_truncate(file, size);
}

static int wal_sync(sqlite3_file *file, int flags) {
    wal_file *wal = (wal_file *)file;
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return pass_sync(file, flags);
}

static int wal_file_size(sqlite3_file *file, sqlite3_int64 *size) {
    wal_file *wal = (wal_file *)file;
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return pass_file_size(file, size);
}

static int wal_file_control(sqlite3_file *file, int op, void *argument) {
    wal_file *wal = (wal_file *)file;
    int rc = flush(wal);
    if (rc != SQLITE_OK) return rc;
    return pass_file_control(file, op, argument);
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
    pass_lock,
    pass_unlock,
    pass_check_reserved_lock,
    wal_file_control,
    pass_sector_size,
    pass_device_characteristics,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
    NULL,
};

// ---- main database files: the default VFS's own, but for hearing the WAL write lock's release ----

static int db_close(sqlite3_file *file) {
    db_file *db = (db_file *)file;
    pthread_mutex_lock(&open_files_lock);
    for (db_file **link = &open_databases; *link != NULL; link = &(*link)->next) {
        if (*link == db) {
            *link = db->next;
            break;
        }
    }
    if (db->wal != NULL) db->wal->db = NULL;
    db->wal = NULL;
    pthread_mutex_unlock(&open_files_lock);
    return db->real->pMethods->xClose(db->real);
}

static int db_shm_lock(sqlite3_file *file, int offset, int count, int flags) {
    db_file *db = (db_file *)file;
    wal_file *wal = db->wal;
    if (wal != NULL) {
        if (offset == wal_write_lock && flags == (SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE)) {
            // Before the lock goes: once it is gone another connection may write the WAL.
            transaction_ended(wal);
            wal->write_locked = 0;
        } else if (!wal->write_locked) {
            // Shared-memory locks without the write lock: a connection that wrote in exclusive
            // locking mode (no locks) has left it, and others may write from now on.
            transaction_ended(wal);
        }
    }
    int rc = db->real->pMethods->xShmLock(db->real, offset, count, flags);
    if (rc == SQLITE_OK && wal != NULL && offset == wal_write_lock
        && flags == (SQLITE_SHM_LOCK | SQLITE_SHM_EXCLUSIVE)) {
        wal->write_locked = 1;
    }
    return rc;
}

static const sqlite3_io_methods db_methods_v3 = {
    3,
    db_close,
    pass_read,
    pass_write,
    pass_truncate,
    pass_sync,
    pass_file_size,
    pass_lock,
    pass_unlock,
    pass_check_reserved_lock,
    pass_file_control,
    pass_sector_size,
    pass_device_characteristics,
    pass_shm_map,
    db_shm_lock,
    pass_shm_barrier,
    pass_shm_unmap,
    pass_fetch,
    pass_unfetch,
};

// For a default VFS without memory-mapped reads: the same, version 2 (made at install).
static sqlite3_io_methods db_methods_v2;

// ---- the VFS ----

// The VFS a wrapper wraps.
static sqlite3_vfs *base(sqlite3_vfs *vfs) { return (sqlite3_vfs *)vfs->pAppData; }

static int wrapper_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags) {
    sqlite3_vfs *real_vfs = base(vfs);
    int wal = (flags & SQLITE_OPEN_WAL) != 0;
    int main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0 && name != NULL;
    if (!wal && !main_db) {
        // Journals, temporary files: the default VFS's own file, in the space SQLite gave.
        return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
    }
    sqlite3_file *real = (sqlite3_file *)((unsigned char *)file + wrapper_size());
    memset(file, 0, wrapper_size());
    int rc = real_vfs->xOpen(real_vfs, name, real, flags, out_flags);
    if (rc != SQLITE_OK || real->pMethods == NULL) {
        // SQLite calls xClose only when pMethods is set: leave it unset, as the real open did, and
        // close what the real open may have left open.
        if (real->pMethods != NULL) real->pMethods->xClose(real);
        file->pMethods = NULL;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    if (main_db) {
        db_file *db = (db_file *)file;
        if (real->pMethods->iVersion < 2) {
            // No shared memory, so no WAL to buffer: the default VFS's own file after all.
            real->pMethods->xClose(real);
            return real_vfs->xOpen(real_vfs, name, file, flags, out_flags);
        }
        db->real = real;
        db->name = name;
        pthread_mutex_lock(&open_files_lock);
        db->next = open_databases;
        open_databases = db;
        pthread_mutex_unlock(&open_files_lock);
        db->base.pMethods = real->pMethods->iVersion >= 3 ? &db_methods_v3 : &db_methods_v2;
        return SQLITE_OK;
    }
    wal_file *handle = (wal_file *)file;
    handle->real = real;
    sqlite3_filename database = sqlite3_filename_database(name);
    pthread_mutex_lock(&open_files_lock);
    for (db_file *db = open_databases; db != NULL; db = db->next) {
        if (db->name != NULL && db->name == database && db->wal == NULL) {
            db->wal = handle;
            handle->db = db;
            break;
        }
    }
    pthread_mutex_unlock(&open_files_lock);
    handle->base.pMethods = &wal_methods;
    return SQLITE_OK;
}
static int wrapper_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) {
    return base(vfs)->xDelete(base(vfs), name, sync_dir);
}

static int wrapper_access(sqlite3_vfs *vfs, const char *name, int flags, int *out) {
    return base(vfs)->xAccess(base(vfs), name, flags, out);
}

static int wrapper_full_pathname(sqlite3_vfs *vfs, const char *name, int size, char *out) {
    return base(vfs)->xFullPathname(base(vfs), name, size, out);
}

static void *wrapper_dl_open(sqlite3_vfs *vfs, const char *name) {
    return base(vfs)->xDlOpen(base(vfs), name);
}

static void wrapper_dl_error(sqlite3_vfs *vfs, int size, char *out) {
    base(vfs)->xDlError(base(vfs), size, out);
}

static void (*wrapper_dl_sym(sqlite3_vfs *vfs, void *handle, const char *symbol))(void) {
    return base(vfs)->xDlSym(base(vfs), handle, symbol);
}

static void wrapper_dl_close(sqlite3_vfs *vfs, void *handle) {
    base(vfs)->xDlClose(base(vfs), handle);
}

static int wrapper_randomness(sqlite3_vfs *vfs, int size, char *out) {
    return base(vfs)->xRandomness(base(vfs), size, out);
}

static int wrapper_sleep(sqlite3_vfs *vfs, int microseconds) {
    return base(vfs)->xSleep(base(vfs), microseconds);
}

static int wrapper_current_time(sqlite3_vfs *vfs, double *out) {
    return base(vfs)->xCurrentTime(base(vfs), out);
}

static int wrapper_get_last_error(sqlite3_vfs *vfs, int size, char *out) {
    return base(vfs)->xGetLastError(base(vfs), size, out);
}

static int wrapper_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out) {
    return base(vfs)->xCurrentTimeInt64(base(vfs), out);
}

static int wrapper_set_system_call(sqlite3_vfs *vfs, const char *name, sqlite3_syscall_ptr call) {
    return base(vfs)->xSetSystemCall(base(vfs), name, call);
}

static sqlite3_syscall_ptr wrapper_get_system_call(sqlite3_vfs *vfs, const char *name) {
    return base(vfs)->xGetSystemCall(base(vfs), name);
}

static const char *wrapper_next_system_call(sqlite3_vfs *vfs, const char *name) {
    return base(vfs)->xNextSystemCall(base(vfs), name);
}

static sqlite3_vfs *make_wrapper(sqlite3_vfs *real_vfs, const char *name) {
    if (real_vfs == NULL || real_vfs->iVersion < 3) return NULL;
    sqlite3_vfs *wrapper = malloc(sizeof(sqlite3_vfs));
    if (wrapper == NULL) return NULL;
    *wrapper = (sqlite3_vfs){
        .iVersion = 3,
        .szOsFile = (int)(wrapper_size() + (size_t)real_vfs->szOsFile),
        .mxPathname = real_vfs->mxPathname,
        .zName = name,
        .pAppData = real_vfs,
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
    return wrapper;
}

static pthread_once_t methods_once = PTHREAD_ONCE_INIT;

static void make_methods(void) {
    db_methods_v2 = db_methods_v3;
    db_methods_v2.iVersion = 2;
    db_methods_v2.xFetch = NULL;
    db_methods_v2.xUnfetch = NULL;
}

static void install(void) {
    pthread_once(&methods_once, make_methods);
    install_result = sqlite3_initialize();
    if (install_result != SQLITE_OK) return;
    // A registered VFS must outlive every connection: this one is never freed.
    default_wrapper = make_wrapper(sqlite3_vfs_find(NULL), "plimsoll-walbuffer");
    install_result = default_wrapper == NULL ? SQLITE_ERROR : sqlite3_vfs_register(default_wrapper, 1);
}

int plimsoll_wal_buffer_install(void) {
    pthread_once(&install_once, install);
    return install_result;
}

int plimsoll_wal_buffer_register(const char *base_name, const char *name) {
    pthread_once(&methods_once, make_methods);
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK) return rc;
    size_t length = strlen(name) + 1;
    char *kept = malloc(length);
    if (kept == NULL) return SQLITE_NOMEM;
    memcpy(kept, name, length);
    sqlite3_vfs *wrapper = make_wrapper(sqlite3_vfs_find(base_name), kept);
    if (wrapper == NULL) {
        free(kept);
        return SQLITE_ERROR;
    }
    rc = sqlite3_vfs_register(wrapper, 0);
    if (rc != SQLITE_OK) {
        free(wrapper);
        free(kept);
    }
    return rc;
}
