import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The upstream connections of one event loop, by origin.
///
/// Event-loop confined: every client connection's calls go out on connections of its own loop, so
/// the pool needs no lock and no call hops between loops. Each origin keeps at most `limit`
/// connections open (connected or connecting); calls beyond that wait in order for one to come free.
/// Idle connections are reused newest first and closed after `idleTimeout`.
final class UpstreamConnectionPool: @unchecked Sendable {
    let loop: any EventLoop
    fileprivate let limit: Int
    fileprivate let idleTimeout: TimeAmount
    fileprivate let tls: NIOSSLContext?
    private var endpoints: [UpstreamEndpoint: Endpoint] = [:]
    fileprivate var isShutDown = false
    /// The deadlines of the calls made on this loop.
    let deadlines: CallDeadlines

    init(loop: any EventLoop, limit: Int, idleTimeout: TimeAmount, tls: NIOSSLContext?) {
        self.loop = loop
        self.deadlines = CallDeadlines(loop: loop)
        self.limit = limit
        self.idleTimeout = idleTimeout
        self.tls = tls
    }

    func execute(_ call: UpstreamCall) {
        guard !isShutDown else { return call.fail(UpstreamClientError.shutDown) }
        let origin = call.request.endpoint
        let endpoint: Endpoint
        if let existing = endpoints[origin] {
            endpoint = existing
        } else {
            endpoint = Endpoint(origin: origin, pool: self)
            endpoints[origin] = endpoint
        }
        endpoint.acquire(call)
    }

    /// Fails the waiting calls and closes every connection (running calls fail as theirs close).
    func shutDown() {
        isShutDown = true
        for endpoint in endpoints.values { endpoint.shutDown() }
    }

    /// One origin's connections and queue.
    final class Endpoint: @unchecked Sendable {
        let origin: UpstreamEndpoint
        /// `Host` header value: the host, with the port when it is not the scheme's default.
        let hostHeader: String
        private unowned let pool: UpstreamConnectionPool
        /// Parked connections, oldest first; reused newest first (the oldest idle out).
        private var idle: [UpstreamConnection] = []
        /// One timer per origin closes connections idle past `idleTimeout` (a timer per parked
        /// connection cost a scheduled task per request).
        private var sweep: Scheduled<Void>?
        private var open = 0
        private var waiters = CircularBuffer<UpstreamCall>()
        private var connections: [ObjectIdentifier: UpstreamConnection] = [:]

        var loop: any EventLoop { pool.loop }

        fileprivate init(origin: UpstreamEndpoint, pool: UpstreamConnectionPool) {
            self.origin = origin
            self.pool = pool
            let defaultPort = origin.scheme == "https" ? 443 : 80
            let host = origin.host.contains(":") ? "[\(origin.host)]" : origin.host
            hostHeader = origin.port == defaultPort ? host : "\(host):\(origin.port)"
        }

        /// An idle connection for `call`, else a new one if the origin is under its limit; the call
        /// waits for whichever connection comes free first.
        func acquire(_ call: UpstreamCall) {
            guard !pool.isShutDown else { return call.fail(UpstreamClientError.shutDown) }
            while let connection = idle.popLast() {
                if connection.isUsable {
                    connection.run(call)
                    return
                }
            }
            call.waitingIn = self
            waiters.append(call)
            if open < pool.limit { connect(for: call) }
        }

        func remove(_ call: UpstreamCall) {
            if let index = waiters.firstIndex(where: { $0 === call }) { waiters.remove(at: index) }
        }

        /// A connection finished an exchange and can carry another.
        func release(_ connection: UpstreamConnection) {
            if let call = nextWaiter() {
                connection.run(call)
            } else {
                park(connection)
            }
        }

        func connectionClosed(_ connection: UpstreamConnection) {
            guard connections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
            open -= 1
            idle.removeAll { $0 === connection }
            if let call = waiters.first, open < pool.limit, !pool.isShutDown { connect(for: call) }
        }

        fileprivate func shutDown() {
            while let call = waiters.popFirst() {
                call.waitingIn = nil
                call.fail(UpstreamClientError.shutDown)
            }
            sweep?.cancel()
            sweep = nil
            for connection in connections.values { connection.close() }
        }

        private func nextWaiter() -> UpstreamCall? {
            guard let call = waiters.popFirst() else { return nil }
            call.waitingIn = nil
            return call
        }

        private func park(_ connection: UpstreamConnection) {
            connection.idleSince = .now()
            idle.append(connection)
            if sweep == nil { scheduleSweep(at: connection.idleSince + pool.idleTimeout) }
        }

        private func scheduleSweep(at deadline: NIODeadline) {
            let endpoint = NIOLoopBound(self, eventLoop: loop)
            sweep = loop.scheduleTask(deadline: deadline) { endpoint.value.closeExpired() }
        }

        private func closeExpired() {
            sweep = nil
            let now = NIODeadline.now()
            while let oldest = idle.first, oldest.idleSince + pool.idleTimeout <= now {
                idle.removeFirst()
                oldest.close()
            }
            if let oldest = idle.first { scheduleSweep(at: oldest.idleSince + pool.idleTimeout) }
        }

        /// Opens a connection with `call`'s connect timeout; it serves whoever waits when it is ready.
        private func connect(for call: UpstreamCall) {
            open += 1
            let connection = UpstreamConnection(endpoint: self)
            let tls = origin.scheme == "https" ? pool.tls : nil
            let serverName = Self.isIPAddress(origin.host) ? nil : origin.host
            let endpoint = NIOLoopBound(self, eventLoop: loop)
            ClientBootstrap(group: loop)
                .connectTimeout(call.connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        // Sidetrack's request encoder, then its response decoder (told each
                        // request's method, to know which answers have no body); the connection
                        // on top talks to both directly.
                        try channel.pipeline.syncOperations.addHandler(connection.encoder)
                        try channel.pipeline.syncOperations.addHandler(connection.decoder)
                        try channel.pipeline.syncOperations.addHandler(connection)
                    }
                }
                .connect(host: origin.host, port: origin.port)
                .whenComplete { result in
                    switch result {
                    case .success: endpoint.value.connected(connection)
                    case .failure(let error): endpoint.value.connectFailed(error, for: call)
                    }
                }
        }

        private func connected(_ connection: UpstreamConnection) {
            guard connection.isUsable else {
                // Closed already (its `channelInactive` came first and found it unregistered).
                open -= 1
                return
            }
            connections[ObjectIdentifier(connection)] = connection
            if pool.isShutDown {
                connection.close()
            } else if let call = nextWaiter() {
                connection.run(call)
            } else {
                park(connection)
            }
        }

        private func connectFailed(_ error: any Error, for call: UpstreamCall) {
            open -= 1
            if call.waitingIn === self {
                call.fail(error)
            } else if let next = waiters.first, open < pool.limit, !pool.isShutDown {
                connect(for: next)
            }
        }

        private static func isIPAddress(_ host: String) -> Bool {
            (try? SocketAddress(ipAddress: host, port: 0)) != nil
        }
    }
}
