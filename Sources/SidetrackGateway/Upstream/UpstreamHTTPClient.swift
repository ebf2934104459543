import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOSSL

/// Sidetrack's HTTP/1.1 client for upstream calls: a connection pool per event loop, and every call
/// runs on its caller's loop.
///
/// It replaced AsyncHTTPClient on the data plane (issue 7): there, a pass-through request went
/// through a shared, locked pool, request state machines and hops between loops, ~45 % of the
/// gateway's CPU per request. Here a call is a pooled connection of the caller's own loop, the
/// request head written once, and the answer handed over part by part with back-pressure.
/// HTTP/1.1 only (Spotify serves it; a pooled HTTP/1.1 connection per concurrent request is what
/// nginx's upstream keep-alive does too).
final class UpstreamHTTPClient: Sendable {
    private let pools: [ObjectIdentifier: UpstreamConnectionPool]
    /// Pools of loops outside the group (tests that call from their own loop), made on first use.
    private let otherPools = NIOLockedValueBox<[ObjectIdentifier: UpstreamConnectionPool]>([:])
    private let limit: Int
    private let idleTimeout: TimeAmount
    private let tls: NIOSSLContext

    /// - Parameter maxConnectionsPerHost: split evenly over the group's loops (at least one each).
    init(group: any EventLoopGroup, tlsConfiguration: TLSConfiguration, idleTimeout: TimeAmount, maxConnectionsPerHost: Int) throws {
        var configuration = tlsConfiguration
        configuration.applicationProtocols = ["http/1.1"]
        tls = try NIOSSLContext(configuration: configuration)
        let loops = Array(group.makeIterator())
        let limit = max(1, (maxConnectionsPerHost + loops.count - 1) / max(1, loops.count))
        self.limit = limit
        self.idleTimeout = idleTimeout
        var pools: [ObjectIdentifier: UpstreamConnectionPool] = [:]
        for loop in loops {
            pools[ObjectIdentifier(loop)] = UpstreamConnectionPool(loop: loop, limit: limit, idleTimeout: idleTimeout, tls: tls)
        }
        self.pools = pools
    }

    /// Starts a call from `loop` (the caller must be on it); the delegate hears of it on that loop.
    @discardableResult
    func execute(
        _ request: UpstreamRequest, delegate: any UpstreamResponseDelegate, on loop: any EventLoop,
        connectTimeout: TimeAmount, deadline: NIODeadline
    ) -> UpstreamCall {
        loop.preconditionInEventLoop()
        let call = UpstreamCall(request: request, connectTimeout: connectTimeout, delegate: delegate)
        let pool = pool(for: loop)
        call.startDeadline(deadline, in: pool.deadlines)
        pool.execute(call)
        return call
    }

    private func pool(for loop: any EventLoop) -> UpstreamConnectionPool {
        let id = ObjectIdentifier(loop)
        if let pool = pools[id] { return pool }
        return otherPools.withLockedValue { others in
            if let pool = others[id] { return pool }
            let pool = UpstreamConnectionPool(loop: loop, limit: limit, idleTimeout: idleTimeout, tls: tls)
            others[id] = pool
            return pool
        }
    }

    /// Fails waiting calls and closes every pooled connection.
    func shutdown() async {
        let all = Array(pools.values) + otherPools.withLockedValue { Array($0.values) }
        for pool in all {
            try? await pool.loop.submit { pool.shutDown() }.get()
        }
    }
}
