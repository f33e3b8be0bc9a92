/// The right edge of an append-only RFC 6962 tree: the roots of its perfect subtrees.
///
/// Memory is O(log n) and append and root are O(log n), so a streaming verifier or the block
/// builder can follow a log of any length without holding its leaves.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64 = 0
    /// Perfect subtree roots, largest (leftmost) first; one per set bit of `size`.
    public private(set) var nodes: [Hash32] = []

    public init() {}

    public mutating func append(leafHash: Hash32) {
        var node = leafHash
        var remaining = size
        while remaining & 1 == 1 {
            node = Merkle.nodeHash(nodes.removeLast(), node)
            remaining >>= 1
        }
        nodes.append(node)
        size += 1
        assert(nodes.count == size.nonzeroBitCount)
    }

    /// MTH over every leaf appended so far.
    public var root: Hash32 {
        guard var result = nodes.last else { return Merkle.emptyRoot }
        for node in nodes.dropLast().reversed() { result = Merkle.nodeHash(node, result) }
        return result
    }
}

extension MerkleFrontier {
    /// Restores a stored frontier; `nil` when the node count does not match the size.
    public init?(size: UInt64, nodes: [Hash32]) {
        guard nodes.count == size.nonzeroBitCount else { return nil }
        self.size = size
        self.nodes = nodes
    }
}
