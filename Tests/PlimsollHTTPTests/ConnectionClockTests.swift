import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import PlimsollHTTP

/// The connection guard's clock on virtual time: each stage's deadline holds to the tenth of a
/// second, whether the one armed timer had to move earlier for it or fired early and re-armed, and
/// a healthy connection is never closed before its deadline. `SlowClientTests` checks the same
/// against a real server with real clients, at one-second granularity.
struct ConnectionClockTests {
    /// head 10 s, body 30 s, idle 60 s, answer 120 s.
    static let limits: ConnectionLimits = {
        var limits = ConnectionLimits()
        limits.headTimeoutSeconds = 10
        limits.bodyTimeoutSeconds = 30
        limits.idleTimeoutSeconds = 60
        limits.answerTimeoutSeconds = 120
        return limits
    }()

    /// One connection: an embedded channel with the guard's first handler in its pipeline, so the
    /// clock opens with the channel and closes with it.
    struct Connection {
        let channel: EmbeddedChannel
        let clock: ConnectionClock

        init(_ loop: EmbeddedEventLoop, _ registry: ConnectionRegistry) throws {
            channel = EmbeddedChannel(loop: loop)
            clock = ConnectionClock(
                limits: ConnectionClockTests.limits, registry: registry, logger: Logger(label: "test"))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
            try channel.pipeline.syncOperations.addHandler(RawBytesWatcher(clock))
        }

        var open: Bool { channel.isActive }

        func bytes() throws { try channel.writeInbound(ByteBuffer(string: "G")) }
    }

    final class Scene {
        let loop = EmbeddedEventLoop()
        let registry: ConnectionRegistry
        private var elapsed: Int64 = 0

        init(cap: Int = 16) { registry = ConnectionRegistry(cap: cap, logger: Logger(label: "test")) }

        func connection() throws -> Connection { try Connection(loop, registry) }

        /// Moves virtual time to `tenths` of a second after the scene began.
        func at(_ tenths: Int64) {
            precondition(tenths >= elapsed)
            loop.advanceTime(by: .milliseconds((tenths - elapsed) * 100))
            elapsed = tenths
        }

        /// Open a tenth of a second before `deadline` (in tenths), closed a tenth after.
        func expectClosed(
            _ connection: Connection, at deadline: Int64, _ why: Comment,
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            at(deadline - 1)
            #expect(connection.open, "open before: \(why)", sourceLocation: sourceLocation)
            at(deadline + 1)
            #expect(!connection.open, why, sourceLocation: sourceLocation)
        }
    }

    @Test func aKeptAliveConnectionLivesThroughEveryStageUntilItsIdleDeadline() throws {
        let scene = Scene()
        let connection = try scene.connection()  // idle: deadline 60 s
        scene.at(590)
        #expect(connection.open)
        try connection.bytes()  // head at 59 s: deadline 69 s; the timer armed for 60 s fires early
        scene.at(689)
        #expect(connection.open, "the timer fired at 60 s, before the head's deadline, and re-armed")
        connection.clock.headArrived()  // body: deadline 98.9 s
        connection.clock.requestEnded()  // answering: deadline 188.9 s
        scene.at(1500)
        #expect(connection.open, "a submitter waiting for its block is not cut off by the body's deadline")
        connection.clock.answerEnded()  // idle again at 150 s: deadline 210 s
        scene.expectClosed(connection, at: 2100, "closed by the idle deadline")
    }

    @Test func anEarlierDeadlineMovesTheArmedTimer() throws {
        let scene = Scene()
        // Idle (timer at 60 s), then a head at 1 s: its deadline, 11 s, comes first.
        let slowHead = try scene.connection()
        scene.at(10)
        try slowHead.bytes()
        scene.expectClosed(slowHead, at: 110, "closed by the head deadline, not the idle one")

        // Answering (timer re-armed at 132 s), then idle at 30 s: its deadline, 90 s, comes first.
        let answered = try scene.connection()
        try answered.bytes()  // head at 11.1 s: deadline 21.1 s
        answered.clock.headArrived()
        answered.clock.requestEnded()  // answering at 11.1 s: deadline 131.1 s
        scene.at(300)  // the head's timer fired at 21.1 s and re-armed at 131.1 s
        #expect(answered.open)
        answered.clock.answerEnded()  // idle at 30 s: deadline 90 s
        scene.expectClosed(answered, at: 900, "closed by the idle deadline, not the answer one")
    }

    @Test func bodyAndAnswerDeadlinesCloseTheirConnections() throws {
        let scene = Scene()
        let slowBody = try scene.connection()
        try slowBody.bytes()
        slowBody.clock.headArrived()  // body at 0 s: deadline 30 s
        let unanswered = try scene.connection()
        try unanswered.bytes()
        unanswered.clock.headArrived()
        unanswered.clock.requestEnded()  // answering at 0 s: deadline 120 s
        scene.expectClosed(slowBody, at: 300, "closed by the body deadline")
        scene.expectClosed(unanswered, at: 1200, "closed by the answer deadline")
    }

    @Test func theCapClosesTheLongestIdleConnectionAndRefusesWhenNoneIsIdle() throws {
        let scene = Scene(cap: 3)
        let idleLongest = try scene.connection()  // idle since 0 s
        scene.at(1)
        let idleLater = try scene.connection()  // idle since 0.1 s
        scene.at(2)
        let busy = try scene.connection()
        try busy.bytes()  // busy since 0.2 s: head deadline 10.2 s
        scene.at(3)
        let fourth = try scene.connection()
        #expect(!idleLongest.open, "the longest-idle connection made room")
        #expect(idleLater.open && busy.open && fourth.open)
        try idleLater.bytes()  // head deadline 10.3 s
        try fourth.bytes()  // head deadline 10.3 s
        let refused = try scene.connection()
        #expect(!refused.open, "every open connection is busy: the new one is closed")
        #expect(idleLater.open && busy.open && fourth.open)
        #expect(scene.registry.count == 3)
        scene.at(101)
        #expect(busy.open, "its head deadline is 10.2 s")
        scene.at(102)
        #expect(!busy.open && idleLater.open && fourth.open)
        scene.at(104)
        #expect(!idleLater.open && !fourth.open)
        #expect(scene.registry.count == 0, "a closed connection leaves the registry")
    }
}
