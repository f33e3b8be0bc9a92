import Foundation

/// Prints either JSON (`--json`) or text, one place for the choice.
enum Output {
    static func emit(_ json: Bool, _ object: some Encodable, text: @autoclosure () -> String) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try! encoder.encode(object), as: UTF8.self))
        } else {
            print(text())
        }
    }
}

/// A registrar command's answer with what the re-screen after it found, for `--json`: the
/// command's own fields, then `screening` (what the re-screen recorded, froze or holds for
/// review; null when no list is adopted) and `screening_status` (the subject's recorded status).
struct Screened<View: Encodable>: Encodable {
    let view: View
    let screening: ScreeningFiles.SyncReport?
    let status: String?

    enum Key: String, CodingKey {
        case screening
        case screeningStatus = "screening_status"
    }

    func encode(to encoder: any Encoder) throws {
        try view.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(screening, forKey: .screening)
        try container.encodeIfPresent(status, forKey: .screeningStatus)
    }
}

/// A receipt as the CLI prints it.
struct ReceiptView: Encodable {
    let id: String
    let status = "settled"
    let height: UInt64
    let leaf_index: UInt64
    let log_size: UInt64
}
