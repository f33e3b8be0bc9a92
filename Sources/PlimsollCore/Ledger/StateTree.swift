import CPrefetch
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
/// The shape depends only on the set of keys, so every replay gives the same root. A tree is a
/// value: an update leaves every other copy whole (so settlement can build block n + 1's root and
/// keep block n's until the commit is durable), and changes the branches no copy shares in place.
public struct StateTree: Sendable, Equatable {
    /// A subtree and its hash. The hash is held by whoever holds the subtree (the branch above it,
    /// or the tree for its top), not by the subtree's own object: rehashing a branch reads both
    /// children's hashes from the branch itself, so the side an update did not descend into is not
    /// touched. Read from the child, that side was a cache miss at every level once a registry
    /// of a million holders no longer fits in the cache (issue 13: 1,000,000 against 10,000).
    struct Node {
        var hash: Hash32
        var body: Body

        static let empty = Node(hash: .zero, body: .empty)
    }

    /// Nothing, one leaf, or a branch of two or more.
    enum Body {
        case empty
        case leaf(Leaf)
        case branch(Branch)

        /// The object's address, and whether it is a branch, read without retaining it: a retain
        /// is an atomic write to the object itself, the very miss `warm` prefetches to hide, and
        /// atomic writes do not overlap. Valid while the tree holding the object is not changed.
        var unretained: (address: UnsafeMutableRawPointer, isBranch: Bool)? {
            switch self {
            case .empty: nil
            case .leaf(let leaf): (Unmanaged.passUnretained(leaf).toOpaque(), false)
            case .branch(let branch): (Unmanaged.passUnretained(branch).toOpaque(), true)
            }
        }
    }

    /// One record. A reference, like a branch, so a node is its hash and one word.
    final class Leaf: Sendable {
        let key: Hash32
        let valueHash: Hash32

        init(key: Hash32, valueHash: Hash32) {
            self.key = key
            self.valueHash = valueHash
        }
    }

    /// A branch of two or more leaves, changed in place while only one tree holds it.
    ///
    /// Copy on write, as the standard library's collections do it: an update copies a branch
    /// that another tree still shares (so a tree kept aside, such as a durable head's, never
    /// changes) and changes an unshared one where it lies. A persistent tree that copied every
    /// branch on the path allocated, retained and freed about nine nodes per changed record at
    /// two million records, each a cache miss; in place, an update only reads the path.
    ///
    /// `@unchecked Sendable`: a branch is written only while uniquely referenced, so no other
    /// thread can be reading it. Exclusivity of `left` and `right` is not checked at run time:
    /// the update holds `&branch.left` and `&branch.right` one after the other, never at once,
    /// and the dynamic check (`swift_beginAccess`) was a large share of an update's own time.
    final class Branch: @unchecked Sendable {
        @exclusivity(unchecked) var left: Node
        @exclusivity(unchecked) var right: Node

        init(_ left: Node, _ right: Node) {
            self.left = left
            self.right = right
        }
    }

    private(set) var top: Node = .empty

    public init() {}

    public var root: Hash32 { top.hash }

    /// Two trees are equal when their roots are: the root commits to the whole map.
    public static func == (lhs: StateTree, rhs: StateTree) -> Bool { lhs.root == rhs.root }

    public static func leafHash(key: Hash32, valueHash: Hash32) -> Hash32 {
        Hashing.tagged(Tags.stateLeaf, key, valueHash)
    }

    static func nodeHash(_ left: Hash32, _ right: Hash32) -> Hash32 {
        Hashing.tagged(Tags.stateNode, left, right)
    }

    static func bit(_ key: Hash32, _ depth: Int) -> Bool { key.bit(depth) }

    /// The tree with each key set (the SHA-256 of its value) or removed (nil); this tree is
    /// left as it was.
    /// - Precondition: each key appears once.
    public func updating(_ changes: [(key: Hash32, valueHash: Hash32?)]) -> StateTree {
        var tree = self
        tree.update(changes)
        return tree
    }

    /// Sets (the SHA-256 of its value) or removes (nil) each key, in one pass that rehashes every
    /// changed node once: O(changes x log n) hashes. Branches no other tree shares change in
    /// place; shared ones are copied first.
    /// - Precondition: each key appears once.
    public mutating func update(_ changes: [(key: Hash32, valueHash: Hash32?)]) {
        guard !changes.isEmpty else { return }
        let sorted = changes.sorted { $0.key < $1.key }
        for index in sorted.indices.dropFirst() {
            precondition(sorted[index - 1].key != sorted[index].key, "a key changes once")
        }
        // In runs of neighbouring keys, each run's paths warmed first: the result is the same
        // (the shape depends only on the keys), and the top levels the runs share are rehashed
        // once a run, a few hundred hashes a block more.
        for start in stride(from: 0, to: sorted.count, by: Self.warmedRun) {
            let run = sorted[start..<min(sorted.count, start + Self.warmedRun)]
            if run.count >= Self.warmedRunMinimum { Self.warm(top, run) }
            Self.update(&top, depth: 0, run)
        }
    }

    /// Keys updated after one warming: their paths' cold nodes (about a dozen each, two cache
    /// lines a node, at two million records) fit in a core's 1 MiB L2 beside the hashing.
    static let warmedRun = 256
    /// Below this many keys the paths' lowest nodes are too few to overlap their misses.
    static let warmedRunMinimum = 16

    /// Asks the CPU for every branch and leaf on the paths of `changes`, a level at a time, so
    /// their cache misses overlap before the update walks the paths one after the other.
    ///
    /// The update descends depth first and each node's address comes from the node above it, so
    /// in a registry larger than the cache every level below the shared top was a miss the update
    /// waited for in turn: at 1,000,000 holders the first touch of a branch (its reference count,
    /// read by `isKnownUniquelyReferenced`) was 2.5 % of the settle phase against 0.1 % at 10,000
    /// (issue 13). Here a level's nodes are prefetched together and read only on the next level's
    /// pass, when they have arrived. Reads only: nothing is retained, copied or changed, so the
    /// result of the update does not depend on it.
    private static func warm(_ top: Node, _ changes: ArraySlice<(key: Hash32, valueHash: Hash32?)>) {
        guard let root = top.body.unretained, root.isBranch else { return }
        var level: [(branch: UnsafeMutableRawPointer, changes: Range<Int>)] = [(root.address, changes.indices)]
        var next: [(branch: UnsafeMutableRawPointer, changes: Range<Int>)] = []
        level.reserveCapacity(changes.count)
        next.reserveCapacity(changes.count)
        var depth = 0
        while !level.isEmpty, depth < 256 {
            for (address, range) in level {
                let split = changes[range].firstIndex { bit($0.key, depth) } ?? range.upperBound
                // Both children read first, with nothing called in between, so the reads borrow
                // the branch's fields instead of copying (and retaining) them.
                let (left, right) = Unmanaged<Branch>.fromOpaque(address)._withUnsafeGuaranteedRef { branch in
                    (
                        split > range.lowerBound ? branch.left.body.unretained : nil,
                        split < range.upperBound ? branch.right.body.unretained : nil
                    )
                }
                if let left {
                    prefetch(left)
                    if left.isBranch { next.append((left.address, range.lowerBound..<split)) }
                }
                if let right {
                    prefetch(right)
                    if right.isBranch { next.append((right.address, split..<range.upperBound)) }
                }
            }
            swap(&level, &next)
            next.removeAll(keepingCapacity: true)
            depth += 1
        }
    }

    /// An object's size: the runtime's two-word header, then its stored properties.
    private static let branchBytes = 16 + 2 * MemoryLayout<Node>.stride
    private static let leafBytes = 16 + 2 * MemoryLayout<Hash32>.stride

    /// Every cache line of a branch or leaf (it may straddle one more line than its size needs:
    /// the allocator aligns it to 16 bytes, not 64).
    @inline(__always)
    private static func prefetch(_ object: (address: UnsafeMutableRawPointer, isBranch: Bool)) {
        let bytes = object.isBranch ? branchBytes : leafBytes
        var offset = 0
        while offset < bytes {
            plimsoll_prefetch(object.address + offset)
            offset += 64
        }
        plimsoll_prefetch(object.address + (bytes - 1))
    }

    private static func update(
        _ node: inout Node, depth: Int, _ changes: ArraySlice<(key: Hash32, valueHash: Hash32?)>
    ) {
        guard !changes.isEmpty else { return }
        let hash = node.hash
        let body = node.body
        // The node lets go of its subtree first, so a branch only this tree holds is uniquely
        // referenced below and changes in place.
        node = .empty
        switch consume body {
        case .empty where changes.count == 1:
            node = leaf(changes.first!)
        case .leaf(let existing) where changes.count == 1 && changes.first!.key == existing.key:
            node = leaf(changes.first!)
        case .empty:
            node = branch(Branch(.empty, .empty), depth: depth, changes)
        case .leaf(let existing):
            // Split: push the existing leaf one level down beside the changes, then recurse.
            let pushed = Node(hash: hash, body: .leaf(existing))
            let split = bit(existing.key, depth) ? Branch(.empty, pushed) : Branch(pushed, .empty)
            node = branch(split, depth: depth, changes)
        case .branch(var shared):
            // `body` is consumed, so `shared` is the branch's only holder unless another tree
            // keeps it.
            if !isKnownUniquelyReferenced(&shared) {
                shared = Branch(shared.left, shared.right)
            }
            node = branch(shared, depth: depth, changes)
        }
    }

    private static func leaf(_ change: (key: Hash32, valueHash: Hash32?)) -> Node {
        guard let valueHash = change.valueHash else { return .empty }
        return Node(
            hash: leafHash(key: change.key, valueHash: valueHash),
            body: .leaf(Leaf(key: change.key, valueHash: valueHash)))
    }

    /// Applies the changes below an unshared branch and says what it became: still a branch
    /// (rehashed), a single leaf that moves up, or nothing.
    private static func branch(
        _ branch: Branch, depth: Int, _ changes: ArraySlice<(key: Hash32, valueHash: Hash32?)>
    ) -> Node {
        precondition(depth < 256, "two distinct keys differ within 256 bits")
        let split = changes.firstIndex { bit($0.key, depth) } ?? changes.endIndex
        update(&branch.left, depth: depth + 1, changes[changes.startIndex..<split])
        update(&branch.right, depth: depth + 1, changes[split..<changes.endIndex])
        switch (branch.left.body, branch.right.body) {
        case (.empty, .empty): return .empty
        case (.empty, .leaf): return branch.right
        case (.leaf, .empty): return branch.left
        default: return Node(hash: nodeHash(branch.left.hash, branch.right.hash), body: .branch(branch))
        }
    }

    /// The path to `key`: the siblings from the root down, and what the path ends at.
    public func proof(for key: Hash32) -> StateProof {
        var siblings: [Hash32] = []
        var node = top
        var depth = 0
        while true {
            switch node.body {
            case .empty: return StateProof(key: key, siblings: siblings, terminal: .empty)
            case .leaf(let leaf):
                return StateProof(
                    key: key, siblings: siblings,
                    terminal: leaf.key == key ? .found : .other(key: leaf.key, valueHash: leaf.valueHash))
            case .branch(let branch):
                if Self.bit(key, depth) {
                    siblings.append(branch.left.hash)
                    node = branch.right
                } else {
                    siblings.append(branch.right.hash)
                    node = branch.left
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
