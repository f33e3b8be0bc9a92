import Foundation
import PlimsollScreening

/// The repository's own copy of the sanctions lists (data/sanctions), found from this file's
/// place in the source tree, so a fresh clone needs nothing beside it.
enum SanctionsData {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("data/sanctions")
    }

    static let ofac: [ListEntity] = try! OFACParser.parse(folder: root.appendingPathComponent("ofac_sdn"))
    static let un: [ListEntity] = try! UNParser.parse(file: root.appendingPathComponent("un/consolidated.xml"))
    static let index = MatchIndex(entities: ofac + un)
}
