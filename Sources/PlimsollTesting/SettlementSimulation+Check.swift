import PlimsollCore
import PlimsollCrypto
import PlimsollSettlement
import PlimsollStore

extension SettlementSimulation {
    /// Every invariant the simulation holds the system to; empty when all hold.
    public mutating func check() async -> [String] {
        var problems: [String] = incidents
        incidents = []
        // A reader that must see the durable state asks readiness first: it reads the state back
        // if an earlier read failed after a failed commit.
        _ = await settlement.readiness()
        let live = await settlement.state
        let stored = store.state
        if await settlement.durableLists != stored.counters.lists {
            problems.append("the lists /v1/screen would use are not the durable ones")
        }
        if live != stored { problems.append("the live state differs from the stored state") }
        for asset in Self.assets where live.unitsAccountedFor(asset) != Self.units {
            problems.append("units of \(asset) not conserved: \(live.unitsAccountedFor(asset))")
        }
        let blocks = store.blocks
        var entries: [UInt64: (height: Height, id: Hash32, logSize: UInt64)] = [:]
        for block in blocks {
            let header = block.header.header
            for (offset, entry) in block.entries.enumerated() {
                entries[block.firstLeafIndex + UInt64(offset)] = (header.height, entry.id, header.logSize)
            }
        }
        for (leaf, receipt) in acknowledged {
            guard let held = entries[leaf] else {
                problems.append("acknowledged entry at leaf \(leaf) is lost")
                continue
            }
            if held.id != receipt.id || held.height != receipt.height || held.logSize != receipt.logSize {
                problems.append("the receipt for leaf \(leaf) names another entry or block")
            }
        }
        do {
            var replayer = try LogReplayer(genesisBlock: blocks[0].header, genesisEntry: blocks[0].entries[0])
            for block in blocks.dropFirst() { try replayer.apply(block: block.header, entries: block.entries) }
            if replayer.ledger.state.digest != live.digest {
                problems.append("a replay of the log does not give the live state digest")
            }
            if replayer.lastHeader != (await settlement.latestHeader.header) {
                problems.append("the replayed tip is not the live tip")
            }
        } catch {
            problems.append("the log does not replay: \(error)")
        }
        // The signed tip commits to the live state, and every holding proves against it.
        let tip = await settlement.latestHeader
        if tip.header.stateDigest != StateCommitment(state: live).root {
            problems.append("the tip's state_digest is not the live state's commitment")
        }
        for asset in Self.assets {
            for holder in holders {
                guard let proof = await settlement.holdingProof(asset: asset, key: holder.publicKey) else {
                    problems.append("no holding proof at a version 2 tip")
                    continue
                }
                do { try proof.verify(signer: registrar.publicKey, chainID: live.chainID) } catch {
                    problems.append("a holding proof fails: \(error.message)")
                }
                if proof.units != live.balance(asset, holder.publicKey) {
                    problems.append("a holding proof names other units")
                }
            }
        }
        // Each key's own record (party, last nonce, freezes) proves against the same tip, and a
        // stranger's key proves absent.
        for key in holders.map(\.publicKey) + strangers.suffix(3).map(\.publicKey) {
            guard let keyProof = await settlement.keyProof(key: key) else {
                problems.append("no key proof at a version 2 tip")
                continue
            }
            do { try keyProof.verify(signer: registrar.publicKey, chainID: live.chainID) } catch {
                problems.append("a key proof fails: \(error.message)")
            }
            if keyProof.record != live.keys[key] {
                problems.append("a key proof names another record")
            }
        }
        // Every holder is bound, so a bad signature or an unknown key is a stranger's: never stored.
        let unattributable: [ReasonCode] = [.badSignature, .unknownKey]
        if store.rejections.contains(where: { $0.kind == "transfer" && unattributable.contains($0.rejection.code) }) {
            problems.append("an unattributable rejection was stored")
        }
        return problems
    }
}
