public import Logging
public import PlimsollCore
public import PlimsollCrypto
public import PlimsollSettlement

/// The life of a node that may sequence (issue 17): it waits for the sequencer lease and, while
/// it holds it, settles what every node hands over (`HandOffRelay`), on a `Settlement` loaded from
/// the committed tip. A start that fails gives the lease back, and a lease lost (fenced) is waited
/// for again, so the last node standing always sequences. `plimsoll serve --database`
/// (`ClusterNode`) and the failover test's node process share it.
public enum SequencingLoop {
    /// Runs until `keepGoing` answers false (checked between relay passes, so the pass in flight
    /// finishes with its decisions recorded) or the task is cancelled (a standby waiting for the
    /// lease stops at once); the lease is given back at the end.
    /// - Parameters:
    ///   - started: called with the settlement once this node sequences.
    ///   - stopped: called when it stops sequencing, before its settlement drains.
    public static func run(
        store: PostgresStore, sequencerKeys: [SigningKey], registrarKey: SigningKey?,
        rescreen: Settlement.Rescreen? = nil, nextSequencerKey: (@Sendable (XOnlyPublicKey) -> SigningKey?)? = nil,
        config: SettlementConfig = SettlementConfig(), pollEvery: Duration = .milliseconds(200), logger: Logger,
        while keepGoing: @escaping @Sendable () -> Bool,
        started: @Sendable (Settlement) async -> Void = { _ in }, stopped: @Sendable () -> Void = {}
    ) async {
        while keepGoing() {
            do {
                try await store.awaitSequencer(pollEvery: pollEvery)
                let settlement = try Settlement(
                    store: store, sequencerKeys: sequencerKeys, registrarKey: registrarKey,
                    nextSequencerKey: nextSequencerKey, config: config, clock: Settlement.wallClockMs)
                await settlement.setRescreen(rescreen)
                await started(settlement)
                await HandOffRelay(store: store, settlement: settlement, logger: logger).run(while: keepGoing)
                stopped()
                await settlement.waitUntilIdle()
            } catch is CancellationError {
                break
            } catch {
                stopped()
                logger.error("cannot sequence: \(error)")
                try? await Task.sleep(for: pollEvery)
            }
            await store.releaseSequencer()
        }
        await store.releaseSequencer()
    }
}
