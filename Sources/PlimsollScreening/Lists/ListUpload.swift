public import Foundation
public import PlimsollCrypto

/// A list sent to a running server (`PUT /v1/registrar/lists/{content_hash}`): its files, checked
/// and stored where adoption and screening find them (`lists/<content hash>/<file or folder>`),
/// so a list update needs no access to the server's disk and no downtime.
///
/// Nothing is stored unless the files parse as a list and hash to the content hash the registrar
/// signed for: a partial or altered upload leaves the folder as it was.
public struct ListUpload: Sendable {
    /// The folder of an OFAC list (its CSV files), or nil for a one-file list.
    public let folder: String?
    public let files: [(name: String, bytes: [UInt8])]
    /// The registrar allows an edition that shrinks beyond the bound (signed with the body).
    public let allowShrink: Bool

    /// Files in one list at most (OFAC ships four to six CSV files).
    public static let filesMax = 16
    /// Bytes of one upload at most: every file of a list, before any encoding.
    public static let bytesMax = 96 << 20

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// `MALFORMED`, `LIST_UNPARSABLE` or `LIST_HASH_MISMATCH`.
        public let code: String
        public let description: String
    }

    /// - Throws: `Refusal` `MALFORMED` for a name that is not a plain file name, no file or too
    ///   many, a one-file list with several, a file over `ListLoader.fileBytesMax` or a total over
    ///   `bytesMax`.
    public init(folder: String?, files: [(name: String, bytes: [UInt8])], allowShrink: Bool = false) throws(Refusal) {
        for name in [folder].compactMap({ $0 }) + files.map(\.name) where !Self.isPlainName(name) {
            throw Refusal(code: "MALFORMED", description: "\"\(name.prefix(80))\" is not a plain file name")
        }
        guard (1...(folder == nil ? 1 : Self.filesMax)).contains(files.count) else {
            throw Refusal(
                code: "MALFORMED",
                description: folder == nil
                    ? "a one-file list has one file" : "a list folder has 1 to \(Self.filesMax) files")
        }
        guard Set(files.map(\.name)).count == files.count else {
            throw Refusal(code: "MALFORMED", description: "a file name appears twice")
        }
        guard files.allSatisfy({ $0.bytes.count <= ListLoader.fileBytesMax }),
            files.reduce(0, { $0 + $1.bytes.count }) <= Self.bytesMax
        else {
            throw Refusal(
                code: "MALFORMED",
                description: "files are limited to \(ListLoader.fileBytesMax) bytes, a list to \(Self.bytesMax)")
        }
        self.folder = folder
        self.files = files
        self.allowShrink = allowShrink
    }

    /// 1 to 64 letters, digits, `.`, `_` or `-`, not starting with a dot: no path, no hidden file.
    static func isPlainName(_ name: String) -> Bool {
        let utf8 = Array(name.utf8)
        guard (1...64).contains(utf8.count), utf8[0] != UInt8(ascii: ".") else { return false }
        return utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// Writes the files into a staging folder beside the adopted lists, parses them as a list,
    /// checks their content hash against `expected` and passes the version to `check` (the
    /// edition policy), and only then moves them into place. A list already stored under
    /// `expected` is parsed from its place, checked, and left as it is.
    /// - Returns: the list's version (its source, format, hash and entry count).
    /// - Throws: `Refusal` `LIST_UNPARSABLE` or `LIST_HASH_MISMATCH`; what `check` throws; file
    ///   system errors. Nothing is stored when anything throws.
    public func store(
        in registry: URL, expected: Hash32, check: (ListVersion) throws -> Void = { _ in }
    ) throws -> ListVersion {
        let lists = AdoptedLists.listsFolder(registry)
        let target = lists.appendingPathComponent(expected.hex)
        if let stored = AdoptedLists.storedList(registry, expected) {
            let version: ListVersion
            do { version = try ListLoader.load(stored).0 } catch {
                throw Refusal(code: "LIST_UNPARSABLE", description: error.description)
            }
            try check(version)
            return version
        }
        let staging = lists.appendingPathComponent(".upload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        let top = staging.appendingPathComponent(folder ?? files[0].name)
        let directory = folder == nil ? staging : top
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for file in files {
            try Data(file.bytes).write(to: directory.appendingPathComponent(file.name), options: .atomic)
        }
        let version: ListVersion
        do { version = try ListLoader.load(top).0 } catch {
            throw Refusal(code: "LIST_UNPARSABLE", description: error.description)
        }
        guard version.contentHash == expected else {
            throw Refusal(
                code: "LIST_HASH_MISMATCH",
                description:
                    "the files hash to \(version.contentHash.hex), not \(expected.hex): nothing stored")
        }
        try check(version)
        do { try FileManager.default.moveItem(at: staging, to: target) } catch {
            // Another upload of the same list won the race: what it stored is this list.
            guard AdoptedLists.storedList(registry, expected) != nil else { throw error }
        }
        return version
    }
}

extension AdoptedLists {
    /// The list stored under `contentHash` (its file or folder) when its files still hash to it.
    public static func storedList(_ registry: URL, _ contentHash: Hash32) -> URL? {
        let folder = listsFolder(registry).appendingPathComponent(contentHash.hex)
        guard let name = try? FileManager.default.contentsOfDirectory(atPath: folder.path).first else { return nil }
        let stored = folder.appendingPathComponent(name)
        guard (try? ListLoader.contentHash(ListLoader.files(stored))) == contentHash else { return nil }
        return stored
    }
}
