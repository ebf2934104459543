import NIOCore
import SidetrackCore
import SidetrackObservability
import Synchronization

/// Admission control at the front of the request path (issue 7, overload): per event loop, load
/// shedding while the loop runs late (`LoopAdmission`), and a cap on open client connections.
///
/// Refusals are `503 overloaded` with `Retry-After`, far cheaper than the work they spare: a
/// starved gateway answers every request quickly, rather than letting some wait in the accept
/// backlog or a socket buffer until the client gives up.
final class AdmissionControl: Sendable {
    /// How often each loop's lag is probed: five probes per default interval, and few wake-ups when
    /// idle (every 20 ms cost ~0.8 % of a core on an idle gateway, every 100 ms ~0.1 %).
    static let probePeriod: TimeAmount = .milliseconds(100)

    private let loops: [ObjectIdentifier: LoopAdmission]
    private let maxConnections: Int
    private let open = Atomic(0)
    private let metrics: OverloadMetrics

    init(group: any EventLoopGroup, settings: GatewaySettings, metrics: OverloadMetrics) {
        let configuration = LoadShedder.Configuration(
            targetNanos: settings.shedLagTarget.nanoseconds, intervalNanos: settings.shedInterval.nanoseconds)
        var loops: [ObjectIdentifier: LoopAdmission] = [:]
        for (index, loop) in group.makeIterator().enumerated() {
            loops[ObjectIdentifier(loop)] = LoopAdmission(
                loop: loop, index: index, configuration: configuration, period: Self.probePeriod, metrics: metrics)
        }
        self.loops = loops
        self.maxConnections = settings.maxConnections
        self.metrics = metrics
    }

    static func loopCount(_ group: any EventLoopGroup) -> Int {
        group.makeIterator().reduce(0) { count, _ in count + 1 }
    }

    /// Every loop's admission.
    var all: [LoopAdmission] { Array(loops.values) }

    func start() { loops.values.forEach { $0.start() } }

    func stop() { loops.values.forEach { $0.stop() } }

    /// The admission of the loop a connection runs on; nil for a loop of another group (no shedding).
    func admission(for loop: any EventLoop) -> LoopAdmission? {
        loops[ObjectIdentifier(loop)]
    }

    /// A client connection opened; false when it is over the cap (its requests are then refused).
    func connectionOpened() -> Bool {
        let count = open.add(1, ordering: .relaxed).newValue
        metrics.setOpenConnections(count)
        return count <= maxConnections
    }

    func connectionClosed() {
        metrics.setOpenConnections(open.subtract(1, ordering: .relaxed).newValue)
    }

    func recordConnectionCapRefusal() {
        metrics.recordShed(.maxConnections)
    }
}
