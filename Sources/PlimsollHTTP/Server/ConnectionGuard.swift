public import Hummingbird
public import HummingbirdCore
public import Logging
import NIOConcurrencyHelpers
public import NIOCore
public import NIOHTTPTypes
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// How long a connection may take at each stage, and how many may be open: no slow or idle
/// client can hold the server (DESIGN.md: everything bounded).
public struct ConnectionLimits: Sendable {
    /// From the first byte of a request until its head is complete.
    public var headTimeoutSeconds: Int64 = 10
    /// From a complete head until the end of its body.
    public var bodyTimeoutSeconds: Int64 = 30
    /// A connection with no request in progress: just opened, or kept alive after an answer.
    public var idleTimeoutSeconds: Int64 = 60
    /// From a complete request until its answer is written: the server's own work (a submitter
    /// waits for its block) and a client that reads its answer slowly are both bounded.
    public var answerTimeoutSeconds: Int64 = 120
    /// Connections open at once. At the cap a new connection closes the longest-idle one, or is
    /// itself closed when none is idle; `effectiveMaxConnections` keeps it below the process's
    /// file limit, so accepting never fails with EMFILE.
    public var maxConnections = 1024
    /// File descriptors kept free for the database, list files and logs.
    public static let descriptorsReserved = 64

    public init() {}

    /// `maxConnections`, lowered to the soft file limit minus the reserve when that is smaller.
    public var effectiveMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int32.max) else {
            return maxConnections
        }
        return max(1, min(maxConnections, Int(limit.rlim_cur) - Self.descriptorsReserved))
    }
}

/// The open connections of one server, shared by every event loop (guarded by its lock, taken when
/// a connection opens or closes; how long each has been idle is read from its clock).
final class ConnectionRegistry: Sendable {
    private struct Entry {
        let channel: any Channel
        let clock: ConnectionClock
    }

    private let entries = NIOLockedValueBox<[ObjectIdentifier: Entry]>([:])
    let cap: Int
    let logger: Logger

    init(cap: Int, logger: Logger) {
        self.cap = cap
        self.logger = logger
    }

    var count: Int { entries.withLockedValue { $0.count } }

    /// Admits a new connection, closing the longest-idle one at the cap; false when every open
    /// connection is busy (the new one is then closed by the caller).
    func admit(_ channel: any Channel, _ clock: ConnectionClock) -> Bool {
        let evicted: (any Channel)?
        let admitted: Bool
        (evicted, admitted) = entries.withLockedValue { entries in
            var victim: (any Channel)?
            if entries.count >= cap {
                var oldest: (key: ObjectIdentifier, since: NIODeadline)?
                for (key, entry) in entries {
                    guard let since = entry.clock.idleSince else { continue }
                    if oldest.map({ since < $0.since }) ?? true { oldest = (key, since) }
                }
                guard let oldest else { return (nil, false) }
                victim = entries.removeValue(forKey: oldest.key)?.channel
            }
            entries[ObjectIdentifier(channel)] = Entry(channel: channel, clock: clock)
            return (victim, true)
        }
        if let evicted {
            logger.notice(
                "connection cap \(cap) reached: closing the longest-idle connection from \(evicted.remoteAddress?.description ?? "?")"
            )
            evicted.close(promise: nil)
        }
        if !admitted {
            logger.warning(
                "connection cap \(cap) reached and none is idle: refusing \(channel.remoteAddress?.description ?? "?")")
        }
        return admitted
    }

    func remove(_ channel: any Channel) {
        _ = entries.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }
}

/// One connection's stage and deadline. It lives on the connection's event loop: both of its
/// handlers and its timer run there, so it needs no lock (hence `@unchecked Sendable`); only
/// `idleSince`, which the registry reads from any loop, is atomic.
///
/// A request moves a connection through four stages, each with its own deadline. Rescheduling a
/// timer at each (cancel, schedule, and a registry lock to mark it idle or busy) was 3.2 % of the
/// server's samples at 64 connections (Docs/benchmarks.md). The deadline is a field instead: one timer
/// stays armed, moved earlier only when a stage's deadline falls before it; when it fires early it
/// re-arms at the deadline then in force. Deadlines are as exact as before.
final class ConnectionClock: @unchecked Sendable {
    enum Stage: String {
        case idle, head, body, answering
    }

    private let limits: ConnectionLimits
    private let registry: ConnectionRegistry
    private let logger: Logger
    private var stage = Stage.idle
    /// Requests whose head arrived and whose answer is not fully written: a connection is idle
    /// only when none is open and no request is being read.
    private var openRequests = 0
    /// When the current stage runs out.
    private var deadline = NIODeadline.distantFuture
    private var timer: Scheduled<Void>?
    /// When `timer` fires; nil when none is armed.
    private var timerFires: NIODeadline?
    /// Which arming `timer` is. `arm` only cancels a timer that is not yet due, which NIO then never
    /// runs; should one run anyway, it finds an older arming and changes nothing.
    private var arming: UInt64 = 0
    private var channel: (any Channel)?
    /// Nanoseconds (`NIODeadline.uptimeNanoseconds`) since which the connection has been idle;
    /// 0 while a request is in progress.
    private let idleNanos = Atomic<UInt64>(0)

    /// Since when the connection has been idle, or nil when a request is in progress.
    var idleSince: NIODeadline? {
        let nanos = idleNanos.load(ordering: .relaxed)
        return nanos == 0 ? nil : .uptimeNanoseconds(nanos)
    }

    init(limits: ConnectionLimits, registry: ConnectionRegistry, logger: Logger) {
        self.limits = limits
        self.registry = registry
        self.logger = logger
    }

    func opened(_ channel: any Channel) -> Bool {
        self.channel = channel
        markIdle(true)
        guard registry.admit(channel, self) else { return false }
        enter(.idle)
        return true
    }

    func closed() {
        timer?.cancel()
        timer = nil
        timerFires = nil
        if let channel { registry.remove(channel) }
        channel = nil
    }

    /// Raw bytes arrived: a request has begun if none was in progress.
    func bytesArrived() { if stage == .idle { enter(.head) } }

    func headArrived() {
        openRequests += 1
        enter(.body)
    }

    /// The request's end: wait for its answer, or be idle if it was answered before its body ended.
    func requestEnded() { enter(openRequests > 0 ? .answering : .idle) }

    /// An answer is written. While a request's body is still being read, its deadline stands.
    func answerEnded() {
        openRequests = max(0, openRequests - 1)
        if stage == .answering && openRequests == 0 { enter(.idle) }
    }

    private func seconds(_ stage: Stage) -> Int64 {
        switch stage {
        case .idle: limits.idleTimeoutSeconds
        case .head: limits.headTimeoutSeconds
        case .body: limits.bodyTimeoutSeconds
        case .answering: limits.answerTimeoutSeconds
        }
    }

    /// The event loop's time (virtual in tests), or the process's before the channel is known.
    private var now: NIODeadline { channel?.eventLoop.now ?? .now() }

    private func markIdle(_ idle: Bool) {
        idleNanos.store(idle ? max(1, now.uptimeNanoseconds) : 0, ordering: .relaxed)
    }

    private func enter(_ next: Stage) {
        if (next == .idle) != (stage == .idle) { markIdle(next == .idle) }
        stage = next
        guard let channel else { return }
        channel.eventLoop.assertInEventLoop()
        deadline = now + .seconds(seconds(next))
        arm(channel)
    }

    /// Makes sure a timer fires no later than `deadline`.
    private func arm(_ channel: any Channel) {
        if let timerFires, timerFires <= deadline { return }
        timer?.cancel()
        arming &+= 1
        let current = arming
        timerFires = deadline
        timer = channel.eventLoop.scheduleTask(deadline: deadline) { [self] in fired(channel, current) }
    }

    private func fired(_ channel: any Channel, _ armed: UInt64) {
        guard armed == arming else { return }
        timer = nil
        timerFires = nil
        guard self.channel != nil else { return }
        guard now >= deadline else { return arm(channel) }
        let limit = seconds(stage)
        let why =
            switch stage {
            case .idle: "idle for \(limit) s"
            case .head: "request head not complete within \(limit) s"
            case .body: "request body not complete within \(limit) s"
            case .answering: "answer not written within \(limit) s"
            }
        logger.notice("closing connection from \(channel.remoteAddress?.description ?? "?"): \(why)")
        channel.close(promise: nil)
    }
}

/// First in the pipeline: sees raw bytes, so a request that has begun is told from an idle
/// connection, and admits or refuses the connection against the cap.
final class RawBytesWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let clock: ConnectionClock

    init(_ clock: ConnectionClock) { self.clock = clock }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { activate(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context)
        context.fireChannelActive()
    }

    private var active = false
    private func activate(_ context: ChannelHandlerContext) {
        guard !active else { return }
        active = true
        if !clock.opened(context.channel) { context.close(promise: nil) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if unwrapInboundIn(data).readableBytes > 0 { clock.bytesArrived() }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.closed()
        context.fireChannelInactive()
    }
}

/// After the HTTP codec: sees where a request's head and end fall, and where its answer ends.
final class RequestPartsWatcher: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart
    private let clock: ConnectionClock

    init(_ clock: ConnectionClock) { self.clock = clock }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: clock.headArrived()
        case .end: clock.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { clock.answerEnded() }
        context.write(data, promise: promise)
    }
}

/// Hummingbird's HTTP/1.1 child channel with the connection limits in front of it.
struct GuardedHTTP1Channel: HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>
    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let registry: ConnectionRegistry

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let clock = ConnectionClock(limits: limits, registry: registry, logger: logger)
        let inner = HTTP1Channel(
            responder: responder, configuration: .init(additionalChannelHandlers: [RequestPartsWatcher(clock)]))
        do {
            try channel.pipeline.syncOperations.addHandler(RawBytesWatcher(clock), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with Plimsoll's connection limits: head, body and idle timeouts and a cap.
    public static func guardedHTTP1(_ limits: ConnectionLimits, logger: Logger) -> HTTPServerBuilder {
        let registry = ConnectionRegistry(cap: limits.effectiveMaxConnections, logger: logger)
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, limits: limits, registry: registry)
        }
    }
}
