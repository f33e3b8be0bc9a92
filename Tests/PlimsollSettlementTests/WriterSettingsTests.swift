import Foundation
import PlimsollStore
import Testing

/// The writer connection's settings are part of the store's contract: a commit is durable before
/// it is acknowledged (WAL, `synchronous=FULL`), and a block's statement journals stay in memory
/// (`temp_store=MEMORY`) instead of going to a temporary file beside the WAL at every commit.
/// Both must hold each time a registry is opened.
@Suite struct WriterSettingsTests {
    @Test func writerIsDurableAndKeepsStatementJournalsInMemory() throws {
        let registry = try TempRegistry()
        for _ in 0..<2 {
            let store = try SQLiteStore.open(at: registry.url)
            let settings = try store.durabilitySettings()
            #expect(settings.journalMode == "wal")
            #expect(settings.synchronous == 2, "synchronous must be FULL")
            #expect(settings.tempStore == 2, "temp_store must be MEMORY")
        }
    }
}
