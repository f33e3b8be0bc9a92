/// A strict reader of RFC 4180-style CSV: quoted fields, doubled quotes, CRLF or LF line ends.
/// It reports the line where a record breaks (an unterminated quote, a stray quote).
struct CSVReader {
    struct Failure: Error {
        let line: Int
        let message: String
    }

    /// Parses `text` into records; each record comes with the line it started on.
    static func records(_ text: String) throws(Failure) -> [(line: Int, fields: [String])] {
        var records: [(Int, [String])] = []
        var fields: [String] = []
        var field = [UInt8]()
        var inQuotes = false
        var quotedField = false
        var line = 1
        var recordLine = 1
        let bytes = Array(text.utf8)
        var index = 0
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            quotedField = false
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""):
                    guard field.isEmpty, !quotedField else {
                        throw Failure(line: line, message: "stray quote inside a field")
                    }
                    inQuotes = true
                    quotedField = true
                case UInt8(ascii: ","):
                    endField()
                case UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "\n"):
                    endField()
                    if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
                    fields.removeAll()
                    line += 1
                    recordLine = line
                case 0x1A:
                    break  // DOS end-of-file marker at the end of OFAC files.
                default:
                    guard !quotedField else { throw Failure(line: line, message: "text after a closing quote") }
                    field.append(byte)
                }
            }
            index += 1
        }
        guard !inQuotes else { throw Failure(line: recordLine, message: "unterminated quoted field (file truncated?)") }
        endField()
        if !(fields.count == 1 && fields[0].isEmpty) { records.append((recordLine, fields)) }
        return records
    }
}
