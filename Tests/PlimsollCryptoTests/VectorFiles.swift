import Foundation
import Testing

/// The repository's own byte-identical copy of ../shared/vectors, loaded at test time.
///
/// A missing file is a test failure (`Issue.record` + throw), never a skip.
enum VectorFiles {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static var root: URL {
        get throws {
            guard let url = Bundle.module.url(forResource: "vectors", withExtension: nil) else {
                throw Missing(description: "the vectors folder is not in the test bundle")
            }
            return url
        }
    }

    static func data(_ path: String) throws -> Data {
        let url = try root.appendingPathComponent(path)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Missing(description: "vector file \(path) is missing")
        }
        return data
    }

    static func json<T: Decodable>(_ type: T.Type, _ path: String) throws -> T {
        try JSONDecoder().decode(type, from: data(path))
    }

    /// Every `.json` file under `folder`, recursively, sorted by path.
    static func jsonFiles(under folder: String) throws -> [URL] {
        let base = try root.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            throw Missing(description: "vector folder \(folder) is missing")
        }
        let files = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
        return files.sorted { $0.path < $1.path }
    }
}
