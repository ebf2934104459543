import Foundation

@testable import SidetrackObservability

/// Collects what a ``LogSink`` writes, for assertions.
final class CollectedOutput: @unchecked Sendable {
    // @unchecked: guarded by `lock`.
    private let lock = NSLock()
    private var bytes: [UInt8] = []

    func append(_ batch: [UInt8]) {
        self.lock.lock()
        self.bytes.append(contentsOf: batch)
        self.lock.unlock()
    }

    var lines: [String] {
        self.lock.lock()
        defer { self.lock.unlock() }
        return String(decoding: self.bytes, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

/// Parses one JSON object line.
func parseJSONObject(_ line: [UInt8]) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line), options: [])
    guard let dictionary = object as? [String: Any] else { throw JSONShapeError() }
    return dictionary
}

struct JSONShapeError: Error {}
