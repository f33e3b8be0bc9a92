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

/// A receipt as the CLI prints it.
struct ReceiptView: Encodable {
    let id: String
    let status = "settled"
    let height: UInt64
    let leaf_index: UInt64
    let log_size: UInt64
}
