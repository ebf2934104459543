import NIOCore
import SidetrackCore
import SidetrackObservability

/// One event loop's admission control: a repeated probe task measures how late the loop runs and
/// feeds the loop's `LoadShedder`; the connection handlers on the same loop ask it whether to shed.
///
/// Confined to `loop` (the probe runs there and handlers call from there), so no lock: reading the
/// decision is a few loads on the hot path.
final class LoopAdmission: @unchecked Sendable {
    let loop: any EventLoop
    let index: Int
    private var shedder: LoadShedder
    private let metrics: OverloadMetrics
    private let period: TimeAmount
    private var probe: RepeatedTask?
    /// When the probe in flight is due.
    private var due = NIODeadline.now()

    init(loop: any EventLoop, index: Int, configuration: LoadShedder.Configuration, period: TimeAmount, metrics: OverloadMetrics) {
        self.loop = loop
        self.index = index
        self.shedder = LoadShedder(configuration: configuration)
        self.metrics = metrics
        self.period = period
    }

    /// Starts probing (a no-op when shedding is off). Callable from any thread.
    func start() {
        guard shedder.configuration.isEnabled else { return }
        loop.execute { self.beginProbing() }
    }

    /// Callable from any thread.
    func stop() {
        loop.execute {
            self.probe?.cancel()
            self.probe = nil
        }
    }

    private func beginProbing() {
        due = .now() + period
        // `delay`: the next run is due one period after this one returns.
        probe = loop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in self.probed() }
    }

    private func probed() {
        let now = NIODeadline.now()
        recordLag(max(0, (now - due).nanoseconds), now: Int64(now.uptimeNanoseconds))
        due = now + period
    }

    /// One probe's lag (call on `loop`); tests feed it directly.
    func recordLag(_ lagNanos: Int64, now: Int64) {
        shedder.recordLag(lagNanos, now: now)
        metrics.recordProbe(loop: index, lagSeconds: Double(lagNanos) / 1e9, shedFraction: shedder.shedFraction)
    }

    /// Whether to refuse the upstream-bound request in hand (call on `loop`).
    func shouldShed() -> Bool {
        loop.preconditionInEventLoop()
        guard shedder.shouldShed(now: Int64(NIODeadline.now().uptimeNanoseconds)) else { return false }
        metrics.recordShed(.eventLoopLag)
        return true
    }
}
