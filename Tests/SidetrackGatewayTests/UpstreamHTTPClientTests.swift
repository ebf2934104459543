import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Testing
@testable import SidetrackGateway

/// The upstream client against a scripted loopback server (`ScriptedHTTPServer`): pooling and
/// reuse, `Connection: close`, the one resend after a server closed an idle connection, deadlines,
/// cancelling, the per-origin limit, back-pressure and an unreachable origin.
@Suite struct UpstreamHTTPClientTests {
    /// What one call's delegate saw.
    struct Outcome {
        var status: HTTPResponseStatus?
        var body = ""
        var error: (any Error)?
        /// A body part or the end came while the previous part's future was still pending.
        var overlapped = false
        /// `upstreamPartsDelivered` calls.
        var deliveries = 0
    }

    final class Recorder: UpstreamResponseDelegate, @unchecked Sendable {
        private let loop: any EventLoop
        private let holdsParts: Bool
        let done: EventLoopPromise<Void>
        var outcome = Outcome()
        private var outstanding = false

        init(loop: any EventLoop, holdsParts: Bool) {
            self.loop = loop
            self.holdsParts = holdsParts
            done = loop.makePromise()
        }

        func upstreamReceivedHead(_ head: HTTPResponseHead) -> EventLoopFuture<Void>? {
            outcome.status = head.status
            return nil
        }

        func upstreamReceivedBodyPart(_ buffer: ByteBuffer) -> EventLoopFuture<Void>? {
            if outstanding { outcome.overlapped = true }
            outcome.body += String(buffer: buffer)
            guard holdsParts else { return nil }
            // Like a slow client socket: the part is taken a little later.
            outstanding = true
            let promise = loop.makePromise(of: Void.self)
            let recorder = NIOLoopBound(self, eventLoop: loop)
            loop.scheduleTask(in: .milliseconds(2)) {
                recorder.value.outstanding = false
                promise.succeed(())
            }
            return promise.futureResult
        }

        func upstreamPartsDelivered() {
            outcome.deliveries += 1
        }

        func upstreamFinished() {
            if outstanding { outcome.overlapped = true }
            done.succeed(())
        }

        func upstreamFailed(_ error: any Error) {
            outcome.error = error
            done.succeed(())
        }
    }

    private static func request(_ path: String, port: Int, method: HTTPMethod = .GET) -> UpstreamRequest {
        UpstreamRequest(
            endpoint: UpstreamEndpoint(scheme: "http", host: "127.0.0.1", port: port), method: method, target: path,
            headers: [:], body: nil)
    }

    private static func client(_ group: any EventLoopGroup, maxConnections: Int = 8) throws -> UpstreamHTTPClient {
        try UpstreamHTTPClient(
            group: group, tlsConfiguration: .makeClientConfiguration(), idleTimeout: .seconds(30),
            maxConnectionsPerHost: maxConnections)
    }

    /// Starts a call on `loop`; returns its recorder and the call.
    private static func start(
        _ client: UpstreamHTTPClient, _ path: String, port: Int, on loop: any EventLoop,
        deadline: TimeAmount = .seconds(5), holdsParts: Bool = false, method: HTTPMethod = .GET
    ) async throws -> (Recorder, UpstreamCall) {
        try await loop.submit {
            let recorder = Recorder(loop: loop, holdsParts: holdsParts)
            let call = client.execute(
                request(path, port: port, method: method), delegate: recorder, on: loop, connectTimeout: .seconds(1),
                deadline: .now() + deadline)
            return (recorder, call)
        }.get()
    }

    private static func outcome(of recorder: Recorder, on loop: any EventLoop) async throws -> Outcome {
        try await recorder.done.futureResult.get()
        return try await loop.submit { recorder.outcome }.get()
    }

    private static func call(
        _ client: UpstreamHTTPClient, _ path: String, port: Int, on loop: any EventLoop,
        deadline: TimeAmount = .seconds(5), holdsParts: Bool = false, method: HTTPMethod = .GET
    ) async throws -> Outcome {
        let (recorder, _) = try await start(
            client, path, port: port, on: loop, deadline: deadline, holdsParts: holdsParts, method: method)
        return try await outcome(of: recorder, on: loop)
    }

    /// Runs `body` with a one-loop group, a scripted server and a client, and shuts them down.
    private static func withSetup(
        maxConnections: Int = 8,
        _ body: (UpstreamHTTPClient, ScriptedHTTPServer, any EventLoop) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ScriptedHTTPServer.start(group: group)
        let client = try client(group, maxConnections: maxConnections)
        do {
            try await body(client, server, group.next())
        } catch {
            await client.shutdown()
            await server.stop()
            try await group.shutdownGracefully()
            throw error
        }
        await client.shutdown()
        await server.stop()
        try await group.shutdownGracefully()
    }

    /// The response decoder still learns each request's method from the encoder's writes: an answer
    /// to HEAD with a `Content-Length` has no body, and the connection serves the next call.
    @Test func anAnswerToHEADEndsAtItsHeadAndTheConnectionIsReused() async throws {
        try await Self.withSetup { client, server, loop in
            let head = try await Self.call(client, "/ok", port: server.port, on: loop, deadline: .seconds(2), method: .HEAD)
            #expect(head.error == nil)
            #expect(head.status == .ok)
            #expect(head.body == "")
            let get = try await Self.call(client, "/ok", port: server.port, on: loop)
            #expect(get.body == "hello")
            #expect(server.connectionsAccepted == 1)
        }
    }

    @Test func sequentialCallsReuseOneConnection() async throws {
        try await Self.withSetup { client, server, loop in
            for _ in 0..<3 {
                let outcome = try await Self.call(client, "/ok", port: server.port, on: loop)
                #expect(outcome.status == .ok)
                #expect(outcome.body == "hello")
                #expect(outcome.error == nil)
            }
            #expect(server.connectionsAccepted == 1)
        }
    }

    @Test func anAnswerWithConnectionCloseIsNotReused() async throws {
        try await Self.withSetup { client, server, loop in
            let first = try await Self.call(client, "/close", port: server.port, on: loop)
            let second = try await Self.call(client, "/ok", port: server.port, on: loop)
            #expect(first.status == .ok && first.body == "hello")
            #expect(second.status == .ok && second.body == "hello")
            #expect(server.connectionsAccepted == 2)
        }
    }

    @Test func aReusedConnectionTheServerClosedIsResentOnAFreshOne() async throws {
        try await Self.withSetup { client, server, loop in
            let first = try await Self.call(client, "/flaky", port: server.port, on: loop)
            // The server closes the pooled connection on this request without answering: the
            // client sends it again on a new connection, and the caller never sees the failure.
            let second = try await Self.call(client, "/flaky", port: server.port, on: loop)
            #expect(first.status == .ok)
            #expect(second.status == .ok && second.body == "hello")
            #expect(second.error == nil)
            #expect(server.connectionsAccepted == 2)
        }
    }

    @Test func theDeadlineEndsACallWithNoAnswerAndTheConnectionIsNotReused() async throws {
        try await Self.withSetup { client, server, loop in
            let silent = try await Self.call(client, "/never", port: server.port, on: loop, deadline: .milliseconds(100))
            #expect(silent.error as? UpstreamClientError == .deadlineExceeded)
            #expect(silent.status == nil)
            #expect(UpstreamErrorClassifier.classify(silent.error!).1 == .timeout)
            let next = try await Self.call(client, "/ok", port: server.port, on: loop)
            #expect(next.status == .ok)
            #expect(server.connectionsAccepted == 2)
        }
    }

    @Test func cancellingACallTellsItsDelegateAtOnce() async throws {
        try await Self.withSetup { client, server, loop in
            // A deadline no busy test run reaches before the cancel.
            let (recorder, call) = try await Self.start(client, "/never", port: server.port, on: loop, deadline: .seconds(120))
            try await loop.submit { call.cancel() }.get()
            let outcome = try await Self.outcome(of: recorder, on: loop)
            #expect(outcome.error as? UpstreamClientError == .cancelled)
            let next = try await Self.call(client, "/ok", port: server.port, on: loop)
            #expect(next.status == .ok)
        }
    }

    @Test func callsBeyondTheLimitWaitForAConnection() async throws {
        try await Self.withSetup(maxConnections: 1) { client, server, loop in
            var recorders: [Recorder] = []
            for _ in 0..<5 {
                recorders.append(try await Self.start(client, "/slow", port: server.port, on: loop).0)
            }
            for recorder in recorders {
                let outcome = try await Self.outcome(of: recorder, on: loop)
                #expect(outcome.status == .ok && outcome.body == "hello")
            }
            #expect(server.connectionsAccepted == 1)
        }
    }

    @Test func bodyPartsWaitUntilTheDelegateTookThePreviousOne() async throws {
        try await Self.withSetup { client, server, loop in
            let outcome = try await Self.call(client, "/chunks", port: server.port, on: loop, holdsParts: true)
            #expect(outcome.status == .ok)
            #expect(outcome.body == "part0part1part2part3part4")
            #expect(!outcome.overlapped)
            // Parts held back are followed by a flush point of their own.
            #expect(outcome.deliveries >= 1)
        }
    }

    @Test func anUnreachableOriginFailsTheCall() async throws {
        try await Self.withSetup { client, _, loop in
            let refusing = try ReservedPort()
            let outcome = try await Self.call(client, "/ok", port: refusing.port, on: loop)
            #expect(outcome.status == nil)
            let error = try #require(outcome.error)
            #expect(UpstreamErrorClassifier.classify(error).1 == .unreachable)
            withExtendedLifetime(refusing) {}
        }
    }
}
