import Foundation
import NIOCore
import NIOHTTP1

/// The emulator's own control surface under `/_emulator/` (faults and stats). Never faulted,
/// never counted.
struct ControlEndpoints {
    let state: EmulatorState

    func respond(_ request: EmulatorRequest, _ segments: ArraySlice<Substring>) -> EmulatorResponse {
        switch (request.method, Array(segments)) {
        case (.POST, ["faults"]):
            do throws(SpotifyAPIError) {
                let fault = try Self.parseFault(request.body)
                state.faults.set(fault)
                return .json(Self.describe(fault))
            } catch {
                return .error(error)
            }
        case (.DELETE, ["faults"]):
            state.faults.clear()
            return .noContent()
        case (.POST, ["faults", "release"]):
            return .json("{\"released\":\(state.faults.releaseHeld())}")
        case (.GET, ["faults"]):
            return .json(state.faults.fault.map(Self.describe) ?? "null")
        case (.GET, ["stats"]):
            return .json(state.stats.snapshot().json)
        case (.POST, ["stats", "reset"]):
            state.stats.reset()
            return .noContent()
        default:
            return .error(.serviceNotFound)
        }
    }

    /// The body of `POST /_emulator/faults`; every field optional.
    private struct FaultRequest: Decodable {
        var latency_ms: Double?
        var status: Int?
        var retry_after: Int?
        var quota_exceeded: Bool?
        var reset: Bool?
        var hold: Bool?
        var path_prefix: String?
        var count: Int?
    }

    /// Reads `{"latency_ms","status","retry_after","quota_exceeded","reset","hold","path_prefix","count"}`.
    static func parseFault(_ body: ByteBuffer) throws(SpotifyAPIError) -> Fault {
        let data = body.readableBytes == 0 ? Data("{}".utf8) : Data(body.readableBytesView)
        let request: FaultRequest
        do {
            request = try JSONDecoder().decode(FaultRequest.self, from: data)
        } catch {
            throw .badRequest("invalid fault: expected a JSON object with latency_ms, status, retry_after, quota_exceeded, reset, hold, path_prefix, count")
        }
        var fault = Fault()
        if let latency = request.latency_ms {
            guard latency >= 0, latency <= 600_000 else { throw .badRequest("invalid fault: latency_ms must be in 0...600000") }
            fault.latency = .milliseconds(latency)
        }
        if let status = request.status {
            guard (100...599).contains(status) else { throw .badRequest("invalid fault: status must be in 100...599") }
            fault.status = status
        }
        if let retryAfter = request.retry_after {
            guard retryAfter >= 0 else { throw .badRequest("invalid fault: retry_after must not be negative") }
            fault.retryAfterSeconds = retryAfter
        }
        if let count = request.count {
            guard count >= 1 else { throw .badRequest("invalid fault: count must be at least 1") }
            fault.remaining = count
        }
        fault.quotaExceeded = request.quota_exceeded ?? false
        fault.resetConnection = request.reset ?? false
        fault.held = request.hold ?? false
        fault.pathPrefix = request.path_prefix
        return fault
    }

    /// The fault as the JSON the control endpoint accepts.
    static func describe(_ fault: Fault) -> String {
        var fields: [String] = []
        if let latency = fault.latency {
            let (seconds, attoseconds) = latency.components
            fields.append("\"latency_ms\":\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)")
        }
        if let status = fault.status { fields.append("\"status\":\(status)") }
        if let retryAfter = fault.retryAfterSeconds { fields.append("\"retry_after\":\(retryAfter)") }
        fields.append("\"quota_exceeded\":\(fault.quotaExceeded)")
        fields.append("\"reset\":\(fault.resetConnection)")
        fields.append("\"hold\":\(fault.held)")
        if let prefix = fault.pathPrefix { fields.append("\"path_prefix\":\(JSONText.quote(prefix))") }
        if let remaining = fault.remaining { fields.append("\"count\":\(remaining)") }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
