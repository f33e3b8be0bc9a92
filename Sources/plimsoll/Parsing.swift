public import ArgumentParser
import Foundation
public import PlimsollCore
public import PlimsollCrypto
import PlimsollSettlement

/// Argument types parsed once, at the edge, into the core's typed values.
struct KeyArgument: ExpressibleByArgument {
    let key: XOnlyPublicKey
    init?(argument: String) {
        guard let key = try? XOnlyPublicKey(hex: argument) else { return nil }
        self.key = key
    }
    static var defaultCompletionKind: CompletionKind { .default }
}

struct AssetArgument: ExpressibleByArgument {
    let asset: AssetID

    init?(argument: String) {
        guard let parsed = try? Self.parse(argument) else { return nil }
        self = parsed
    }

    private init(asset: AssetID) { self.asset = asset }

    /// An IMO number in any common form: `IMO9176187`, `9176187`, `IMO 9176187`, `imo9176187`,
    /// `IMO-9176187`, `IMO No. 9176187`, `IMO number 9176187`. The error names BAD_IMO and says
    /// which rule failed (seven digits, or the check digit).
    static func parse(_ argument: String) throws -> AssetArgument {
        var rest = Substring(argument.trimmingCharacters(in: .whitespaces).uppercased())
        if rest.hasPrefix("IMO") {
            rest = rest.dropFirst(3)
            let separators: Set<Character> = [" ", "-", ":", ".", "#"]
            rest = rest.drop { separators.contains($0) }
            for word in ["NUMBER", "NO"] where rest.hasPrefix(word) {
                rest = rest.dropFirst(word.count).drop { separators.contains($0) }
                break
            }
        }
        let asset: AssetID
        do { asset = try AssetID(imoNumber: rest) } catch {
            throw CLIError(
                "\(error.code.rawValue): \(error.message) (\"\(argument.prefix(40))\")", code: error.code.rawValue)
        }
        // IMO0000000 passes the check-digit rule (a weighted sum of zeros) but names no ship.
        guard asset.text != "IMO0000000" else {
            throw CLIError("BAD_IMO: IMO 0000000 names no ship", code: "BAD_IMO")
        }
        return AssetArgument(asset: asset)
    }
}

struct PartyArgument: ExpressibleByArgument {
    let id: PartyID
    init?(argument: String) {
        guard let raw = try? Edge.whole(argument, "party", Edge.ids) else { return nil }
        id = PartyID(raw)
    }
}

struct CountryArgument: ExpressibleByArgument {
    let country: Country
    init?(argument: String) {
        guard ISO3166.codes.contains(argument.uppercased()), let country = try? Country(argument.uppercased()) else {
            return nil
        }
        self.country = country
    }
}

/// A role on a vessel amendment: a party id, or `none` to clear it.
struct RoleArgument: ExpressibleByArgument {
    let change: VesselAmendment.RoleChange
    init?(argument: String) {
        if argument == "none" {
            change = .clear
        } else if let party = PartyArgument(argument: argument) {
            change = .set(party.id)
        } else {
            return nil
        }
    }
}

extension Party.Kind: ExpressibleByArgument {}
extension OwnershipLink.Kind: ExpressibleByArgument {}

extension Receipt {
    var view: ReceiptView { ReceiptView(id: id.hex, height: height, leaf_index: leafIndex, log_size: logSize) }
    var line: String { "settled \(id.hex) height \(height) leaf \(leafIndex) log_size \(logSize)" }
}

struct Hash32Argument: ExpressibleByArgument {
    let hash: Hash32
    init?(argument: String) {
        guard let hash = try? Hash32(hex: argument) else { return nil }
        self.hash = hash
    }

    init(file: String) throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        hash = Hashing.sha256(Array(data))
    }
}
