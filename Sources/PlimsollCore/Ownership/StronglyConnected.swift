/// Tarjan's strongly connected components of a small directed graph, in topological order:
/// a group comes before every group it has an edge to, so a share can be passed on group by group.
struct StronglyConnected {
    let groups: [[PartyID]]

    /// - Parameters:
    ///   - nodes: every node, in a fixed order (the result is deterministic for a given order).
    ///   - successors: the edges out of a node, to nodes of `nodes` only.
    init(_ nodes: [PartyID], successors: (PartyID) -> [PartyID]) {
        var index: [PartyID: Int] = [:]
        var lowLink: [PartyID: Int] = [:]
        var onStack: Set<PartyID> = []
        var stack: [PartyID] = []
        var found: [[PartyID]] = []
        var counter = 0
        // Iterative, so a long chain of companies cannot exhaust the call stack.
        for root in nodes where index[root] == nil {
            var work: [(node: PartyID, next: [PartyID], position: Int)] = [(root, successors(root), 0)]
            index[root] = counter
            lowLink[root] = counter
            counter += 1
            stack.append(root)
            onStack.insert(root)
            while !work.isEmpty {
                let top = work.count - 1
                let node = work[top].node
                if work[top].position < work[top].next.count {
                    let successor = work[top].next[work[top].position]
                    work[top].position += 1
                    if index[successor] == nil {
                        index[successor] = counter
                        lowLink[successor] = counter
                        counter += 1
                        stack.append(successor)
                        onStack.insert(successor)
                        work.append((successor, successors(successor), 0))
                    } else if onStack.contains(successor) {
                        lowLink[node] = min(lowLink[node]!, index[successor]!)
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { lowLink[parent] = min(lowLink[parent]!, lowLink[node]!) }
                if lowLink[node] == index[node] {
                    var group: [PartyID] = []
                    while let member = stack.popLast() {
                        onStack.remove(member)
                        group.append(member)
                        if member == node { break }
                    }
                    found.append(group.sorted())
                }
            }
        }
        // Tarjan finds a group after every group it reaches: reversed, sources come first.
        groups = found.reversed()
    }
}
