import Foundation
import Logging
import Testing

@testable import SidetrackObservability

@Suite("JSONLogHandler")
struct JSONLogHandlerTests {
    static let fixedTime = LogTimestamp(millisecondsSinceEpoch: 1_795_587_373_123)

    static func handler(metadata: Logger.Metadata = [:], provider: Logger.MetadataProvider? = nil) -> JSONLogHandler {
        var handler = JSONLogHandler(sink: LogSink(capacityBytes: 1024) { _ in }, level: .debug, metadataProvider: provider) {
            fixedTime
        }
        handler.metadata = metadata
        return handler
    }

    static func event(_ message: Logger.Message, _ metadata: Logger.Metadata? = nil, level: Logger.Level = .info) -> LogEvent {
        LogEvent(level: level, message: message, metadata: metadata, source: "Test", file: #fileID, function: #function, line: #line)
    }

    @Test("a line has ts, level, msg and flattened metadata, and nothing else")
    func fieldsAndFlattening() throws {
        let handler = Self.handler(metadata: ["service": "sidetrack"])
        let line = handler.encode(
            event: Self.event("upstream.call.failed", ["upstream": ["status": "503", "host": ["name": "api"]], "attempt": .stringConvertible(2)], level: .warning),
            at: Self.fixedTime
        )
        let object = try parseJSONObject(line)
        #expect(object["ts"] as? String == "2026-11-25T06:16:13.123Z")
        #expect(object["level"] as? String == "warning")
        #expect(object["msg"] as? String == "upstream.call.failed")
        #expect(object["upstream.status"] as? String == "503")
        #expect(object["upstream.host.name"] as? String == "api")
        #expect(object["attempt"] as? String == "2")
        #expect(object["service"] as? String == "sidetrack")
        #expect(Set(object.keys) == ["ts", "level", "msg", "upstream.status", "upstream.host.name", "attempt", "service"])
        #expect(String(decoding: line, as: UTF8.self).hasPrefix(#"{"ts":"2026-11-25T06:16:13.123Z","level":"warning","msg":"#))
    }

    @Test("call metadata overrides provider and handler metadata; reserved keys are renamed")
    func precedenceAndReservedKeys() throws {
        let provider = Logger.MetadataProvider { ["request.id": "from-provider", "trace.id": "t1"] }
        let handler = Self.handler(metadata: ["request.id": "from-handler"], provider: provider)
        let object = try parseJSONObject(handler.encode(event: Self.event("m", ["request.id": "explicit", "msg": "sneaky"]), at: Self.fixedTime))
        #expect(object["request.id"] as? String == "explicit")
        #expect(object["trace.id"] as? String == "t1")
        #expect(object["msg"] as? String == "m")
        #expect(object["meta.msg"] as? String == "sneaky")
    }

    @Test("arrays stay arrays")
    func arrays() throws {
        let object = try parseJSONObject(Self.handler().encode(event: Self.event("m", ["ids": ["a", "b"]]), at: Self.fixedTime))
        #expect(object["ids"] as? [String] == ["a", "b"])
    }

    @Test(
        "escaping of quotes, backslashes, control characters and unicode round-trips",
        arguments: ["plain", "quote \" and backslash \\", "new\nline\ttab\r", "bell\u{07} nul\u{00} esc\u{1B} del\u{7F}", "ünïcödé ☃ 🎧 \u{2028}", "/v1/search?q=\"x\""]
    )
    func escaping(text: String) throws {
        let line = Self.handler().encode(event: Self.event("\(text)", ["key \"q\"": "\(text)"]), at: Self.fixedTime)
        #expect(!line.contains(UInt8(ascii: "\n")))
        #expect(line.allSatisfy { $0 >= 0x20 })
        let object = try parseJSONObject(line)
        #expect(object["msg"] as? String == text)
        #expect(object["key \"q\""] as? String == text)
    }

    @Test(
        "secret keys are redacted in any case and at any depth",
        arguments: ["authorization", "Authorization", "TOKEN", "access_token", "Client_Secret", "refresh_token", "request.authorization"]
    )
    func redaction(key: String) throws {
        let secret = "Bearer BQDsecretvalue"
        let line = Self.handler().encode(
            event: Self.event("m", [key: "\(secret)", "headers": ["Authorization": "\(secret)"], "list": [["token": "\(secret)"]]]),
            at: Self.fixedTime
        )
        #expect(!String(decoding: line, as: UTF8.self).contains("BQDsecret"))
        let object = try parseJSONObject(line)
        #expect(object[key] as? String == "<redacted>")
        #expect(object["headers.Authorization"] as? String == "<redacted>")
    }

    @Test("non-secret keys that merely contain a secret word are kept")
    func notOverRedacted() throws {
        let object = try parseJSONObject(Self.handler().encode(event: Self.event("m", ["token_identity": "abc", "tokens.count": "3"]), at: Self.fixedTime))
        #expect(object["token_identity"] as? String == "abc")
        #expect(object["tokens.count"] as? String == "3")
    }

    @Test("errors are written as their type only")
    func errorType() throws {
        struct LeakyError: Error, CustomStringConvertible { var description: String { "token=BQDsecret" } }
        var event = Self.event("m")
        event.error = LeakyError()
        let line = Self.handler().encode(event: event, at: Self.fixedTime)
        #expect(!String(decoding: line, as: UTF8.self).contains("BQDsecret"))
        #expect((try parseJSONObject(line)["error.type"] as? String)?.hasSuffix("LeakyError") == true)
    }

    @Test("a Logger using the handler writes one JSON line per call through the sink")
    func throughLogger() throws {
        let output = CollectedOutput()
        let sink = LogSink(capacityBytes: 4096) { output.append($0) }
        var logger = Logger(label: "test") { _ in JSONLogHandler(sink: sink, level: .info) }
        logger[metadataKey: "component"] = "gateway"
        logger.debug("dropped.below.level")
        logger.info("gateway.started", metadata: ["listen.address": "127.0.0.1:8080"])
        logger.error("gateway.failed")
        #expect(sink.flush())
        let lines = output.lines
        #expect(lines.count == 2)
        let first = try parseJSONObject(Array(lines[0].utf8))
        #expect(first["msg"] as? String == "gateway.started")
        #expect(first["component"] as? String == "gateway")
        #expect(first["listen.address"] as? String == "127.0.0.1:8080")
        #expect((first["ts"] as? String)?.count == 24)
        #expect(try parseJSONObject(Array(lines[1].utf8))["level"] as? String == "error")
    }
}
