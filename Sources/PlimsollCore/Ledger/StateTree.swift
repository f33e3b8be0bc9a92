public import PlimsollCrypto

/// A sparse Merkle map from 32-byte record keys to leaf hashes: the structure behind the version 2
/// state commitment (Docs/log-format.md), updated per changed record and proving one record.
///
/// The tree is the binary trie of the keys' bits, with every subtree that holds a single leaf
/// collapsed into that leaf (as in the Jellyfish Merkle Tree of Diem/Aptos), so its depth is about
/// log2(n), not 256:
///
///     hash(empty)          = 32 zero bytes
///     hash(one leaf k, v)  = TaggedHash("plimsoll/state-leaf/v2", k || SHA256(v))
///     hash(two or more)    = TaggedHash("plimsoll/state-node/v2", hash(bit 0 side) || hash(bit 1 side))
///
/// The shape depends only on the set of keys, so every replay gives the same root. Nodes are
/// immutable values: an update returns a new tree and leaves the old one whole, so settlement can
/// build block n + 1's root and keep block n's until the commit is durable.
public struct StateTree: Sendable, Equatable {
    indirect enum Node: Sendable, Equatable {
        case empty
        case leaf(key: Hash32, valueHash: Hash32, hash: Hash32)
        case branch(Node, Node, hash: Hash32)

        var hash: Hash32 {
            switch self {
            case .empty: .zero
            case .leaf(_, _, let hash), .branch(_, _, let hash): hash
            }
        }
    }

    private(set) var top: Node = .empty

    public init() {}

    public var root: Hash32 { top.hash }

    public static func leafHash(key: Hash32, valueHash: Hash32) -> Hash32 {
        Hashing.tagged(Tags.stateLeaf, key, valueHash)
    }

    static func nodeHash(_ left: Hash32, _ right: Hash32) -> Hash32 {
        Hashing.tagged(Tags.stateNode, left, right)
    }

    static func bit(_ key: Hash32, _ depth: Int) -> Bool { key.bit(depth) }

    /// Sets (the SHA-256 of its value) or removes (nil) each key, in one pass that rehashes every
    /// changed node once: O(changes x log n) hashes.
    /// - Precondition: each key appears once.
    public func updating(_ changes: [(key: Hash32, valueHash: Hash32?)]) -> StateTree {
        guard !changes.isEmpty else { return self }
        let sorted = changes.sorted { $0.key < $1.key }
        for index in sorted.indices.dropFirst() {
            precondition(sorted[index - 1].key != sorted[index].key, "a key changes once")
        }
        var tree = self
        tree.top = Self.update(top, depth: 0, sorted[...])
        return tree
    }

    private static func update(
        _ node: Node, depth: Int, _ changes: ArraySlice<(key: Hash32, valueHash: Hash32?)>
    ) -> Node {
        guard !changes.isEmpty else { return node }
        switch node {
        case .empty where changes.count == 1:
            return leaf(changes.first!)
        case .leaf(let key, _, _) where changes.count == 1 && changes.first!.key == key:
            return leaf(changes.first!)
        case .empty, .leaf:
            // Split: push an existing leaf one level down beside the changes, then recurse.
            var left: Node = .empty
            var right: Node = .empty
            if case .leaf(let key, _, _) = node {
                if bit(key, depth) { right = node } else { left = node }
            }
            return branch(left, right, depth: depth, changes)
        case .branch(let left, let right, _):
            return branch(left, right, depth: depth, changes)
        }
    }

    private static func leaf(_ change: (key: Hash32, valueHash: Hash32?)) -> Node {
        guard let valueHash = change.valueHash else { return .empty }
        return .leaf(key: change.key, valueHash: valueHash, hash: leafHash(key: change.key, valueHash: valueHash))
    }

    private static func branch(
        _ left: Node, _ right: Node, depth: Int, _ changes: ArraySlice<(key: Hash32, valueHash: Hash32?)>
    ) -> Node {
        precondition(depth < 256, "two distinct keys differ within 256 bits")
        let split = changes.firstIndex { bit($0.key, depth) } ?? changes.endIndex
        let newLeft = update(left, depth: depth + 1, changes[changes.startIndex..<split])
        let newRight = update(right, depth: depth + 1, changes[split..<changes.endIndex])
        switch (newLeft, newRight) {
        case (.empty, .empty): return .empty
        case (.empty, .leaf), (.empty, .empty): return newRight
        case (.leaf, .empty): return newLeft
        default: return .branch(newLeft, newRight, hash: nodeHash(newLeft.hash, newRight.hash))
        }
    }

    /// The path to `key`: the siblings from the root down, and what the path ends at.
    public func proof(for key: Hash32) -> StateProof {
        var siblings: [Hash32] = []
        var node = top
        var depth = 0
        while true {
            switch node {
            case .empty: return StateProof(key: key, siblings: siblings, terminal: .empty)
            case .leaf(let other, let valueHash, _):
                return StateProof(
                    key: key, siblings: siblings,
                    terminal: other == key ? .found : .other(key: other, valueHash: valueHash))
            case .branch(let left, let right, _):
                if Self.bit(key, depth) {
                    siblings.append(left.hash)
                    node = right
                } else {
                    siblings.append(right.hash)
                    node = left
                }
                depth += 1
            }
        }
    }
}

/// A proof that a key holds a given value under a state root, or holds nothing.
public struct StateProof: Sendable, Equatable, Codable {
    public enum Terminal: Sendable, Equatable, Codable {
        /// The path ends at the key's own leaf: the record exists.
        case found
        /// The path ends in an empty subtree: no such record.
        case empty
        /// The path ends at another key's leaf (sharing the path so far): no such record. Its leaf
        /// hash is recomputed from its key and value hash, so no branch can pose as a leaf.
        case other(key: Hash32, valueHash: Hash32)
    }

    public let key: Hash32
    /// Sibling hashes from the root down.
    public let siblings: [Hash32]
    public let terminal: Terminal

    public init(key: Hash32, siblings: [Hash32], terminal: Terminal) {
        self.key = key
        self.siblings = siblings
        self.terminal = terminal
    }

    /// The root this proof gives when the record's value is `value` (nil: the record is absent);
    /// nil when the proof cannot show that.
    public func root(value: [UInt8]?) -> Hash32? {
        guard siblings.count < 256 else { return nil }
        var current: Hash32
        switch (terminal, value) {
        case (.found, let value?): current = StateTree.leafHash(key: key, valueHash: Hashing.sha256(value))
        case (.empty, nil): current = .zero
        case (.other(let other, let valueHash), nil):
            // The other leaf must sit where the key's would: same bits along the path, another key.
            guard other != key, (0..<siblings.count).allSatisfy({ StateTree.bit(other, $0) == StateTree.bit(key, $0) })
            else { return nil }
            current = StateTree.leafHash(key: other, valueHash: valueHash)
        default: return nil
        }
        for depth in stride(from: siblings.count - 1, through: 0, by: -1) {
            let sibling = siblings[depth]
            current =
                StateTree.bit(key, depth) ? StateTree.nodeHash(sibling, current) : StateTree.nodeHash(current, sibling)
        }
        return current
    }
}
