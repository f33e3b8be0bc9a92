import CSQLiteWALBuffer

/// The VFS that gathers a transaction's WAL frames into few writes (`CSQLiteWALBuffer`), installed
/// as the process's default before the store opens its first connection.
///
/// SQLite writes a frame as two calls, header then page: a block of a hundred changed pages made
/// two hundred calls into the kernel, the largest cost of the writer's thread after SQLite itself
/// (issue 13). The buffer never holds a finished commit (the C file says how), so what SQLite
/// promises readers and a crash is what it promised before.
enum WALWriteBuffer {
    /// Installs it once for the process; later calls return the first call's result.
    /// - Throws: `StoreError(.io)` when SQLite refuses the VFS (it then stays as it was).
    static func install() throws(StoreError) {
        let code = plimsoll_wal_buffer_install()
        guard code == 0 else { throw StoreError(.io, "SQLite refused the WAL write buffer (code \(code))") }
    }
}
