import Foundation
import SidetrackCore
import Testing

@testable import SidetrackObservability

@Suite("AccessLogRecord")
struct AccessLogRecordTests {
    static func record(upstream: Bool = true) -> AccessLogRecord {
        AccessLogRecord(
            ts: LogTimestamp(millisecondsSinceEpoch: 1_795_587_373_123),
            requestID: "req-1",
            traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
            spanID: "00f067aa0ba902b7",
            method: "GET",
            route: "/v1/albums/{id}",
            path: "/v1/albums/4aawyAB9vmqN3uQ7FjRGTy?market=SE&token=abc",
            status: 200,
            durationMs: 12.3456,
            cache: .miss,
            upstreamStatus: upstream ? 200 : nil,
            upstreamMs: upstream ? 10.5 : nil,
            retries: 1,
            breaker: "closed",
            client: "tok:9f86d081",
            bytesOut: 2048
        )
    }

    @Test("the line parses as JSON with every DESIGN §4 field")
    func fields() throws {
        let object = try parseJSONObject(Self.record().encoded())
        #expect(object["ts"] as? String == "2026-11-25T06:16:13.123Z")
        #expect(object["level"] as? String == "info")
        #expect(object["msg"] as? String == "request")
        #expect(object["request_id"] as? String == "req-1")
        #expect(object["trace_id"] as? String == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(object["span_id"] as? String == "00f067aa0ba902b7")
        #expect(object["method"] as? String == "GET")
        #expect(object["route"] as? String == "/v1/albums/{id}")
        #expect(object["path"] as? String == "/v1/albums/4aawyAB9vmqN3uQ7FjRGTy")
        #expect(object["status"] as? Int == 200)
        #expect(object["duration_ms"] as? Double == 12.346)
        #expect(object["cache"] as? String == "miss")
        #expect(object["upstream_status"] as? Int == 200)
        #expect(object["upstream_ms"] as? Double == 10.5)
        #expect(object["retries"] as? Int == 1)
        #expect(object["breaker"] as? String == "closed")
        #expect(object["client"] as? String == "tok:9f86d081")
        #expect(object["bytes_out"] as? Int == 2048)
        #expect(object.count == 20)
    }

    @Test("the worst line (every string all control characters, extreme numbers) fits its room")
    func worstCaseFitsTheBound() throws {
        let controls = String(decoding: (0..<32).map { UInt8($0) } + Array(#""\"#.utf8), as: UTF8.self)
        var record = Self.record()
        record.requestID = CorrelationID(offered: controls)
        record.traceID = controls
        record.spanID = controls
        record.method = controls
        record.route = controls
        record.path = Substring(controls)
        record.breaker = controls
        record.rateLimit = controls
        record.error = controls
        record.client = controls
        record.status = Int.min
        record.retries = Int.max
        record.bytesOut = Int.min
        record.upstreamStatus = Int.max
        record.durationMs = -8.9e15
        record.upstreamMs = 8.9e15
        let line = record.encoded()
        #expect(line.count > AccessLogRecord.stackRoomBytes, "the second, worst-case room is what this exercises")
        #expect(line.count <= record.maxEncodedBytes)
        let object = try parseJSONObject(line)
        #expect(object["client"] as? String == controls)
        #expect(object["status"] as? Int == Int.min)
        // A line appended after others lands after them, unchanged.
        var out = Array("prefix ".utf8)
        record.encode(into: &out)
        #expect(out == Array("prefix ".utf8) + line)
    }

    @Test("exact bytes, including nulls when there was no upstream call")
    func goldenLine() {
        var record = Self.record(upstream: false)
        record.traceID = nil
        record.spanID = nil
        record.durationMs = 0.0004
        let expected =
            #"{"ts":"2026-11-25T06:16:13.123Z","level":"info","msg":"request","request_id":"req-1","trace_id":null,"#
            + #""span_id":null,"method":"GET","route":"/v1/albums/{id}","path":"/v1/albums/4aawyAB9vmqN3uQ7FjRGTy","#
            + #""status":200,"duration_ms":0.000,"cache":"miss","upstream_status":null,"upstream_ms":null,"retries":1,"#
            + #""breaker":"closed","rate_limit":null,"error":null,"client":"tok:9f86d081","bytes_out":2048}"#
        #expect(String(decoding: record.encoded(), as: UTF8.self) == expected)
    }

    @Test("hostile strings are escaped and the buffer is reusable")
    func escapingAndReuse() throws {
        var record = Self.record()
        record.requestID = "a\"b\\c\nd\u{01}é🎧"
        var buffer = [UInt8]()
        record.encode(into: &buffer)
        buffer.removeAll(keepingCapacity: true)
        record.encode(into: &buffer)
        let object = try parseJSONObject(buffer)
        #expect(object["request_id"] as? String == "a\"b\\c\nd\u{01}é🎧")
    }

    @Test("durations print with three decimals", arguments: [(0.0, "0.000"), (1.0005, "1.001"), (999.9999, "1000.000"), (3.14159, "3.142"), (Double.nan, "0.000")])
    func fixedThreeDecimals(value: Double, expected: String) {
        var out = [UInt8]()
        JSONBytes.appendFixed3(value, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }
}
