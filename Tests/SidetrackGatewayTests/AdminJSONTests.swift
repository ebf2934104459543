import Foundation
import Testing

@testable import SidetrackGateway

/// The admin documents' writer: stable key order, and the same JSON values `JSONSerialization` gave.
@Suite struct AdminJSONTests {
    @Test func sortsKeysAtEveryLevel() {
        let document: [String: Any] = [
            "tiers": ["memory": ["entries": 2, "bytes": 10] as [String: Any]] as [String: Any],
            "hits": 3, "hit_ratio": 0.75, "bypass": 0,
        ]
        let text = String(decoding: AdminJSON.encode(document), as: UTF8.self)
        #expect(text == #"{"bypass":0,"hit_ratio":0.75,"hits":3,"tiers":{"memory":{"bytes":10,"entries":2}}}"#)
    }

    @Test func writesEachValueKind() {
        let document: [String: Any] = [
            "string": "a \"quoted\"\nline", "true": true, "false": false, "int64": Int64(-5), "uint64": UInt64(7),
            "whole": 2.0, "fraction": 0.125, "nan": Double.nan, "strings": ["x", "y"], "empty": [Any](),
            "objects": [["n": 1]],
        ]
        let text = String(decoding: AdminJSON.encode(document), as: UTF8.self)
        #expect(
            text
                == #"{"empty":[],"false":false,"fraction":0.125,"int64":-5,"nan":null,"objects":[{"n":1}],"#
                + #""string":"a \"quoted\"\nline","strings":["x","y"],"true":true,"uint64":7,"whole":2}"#)
    }

    @Test func parsesBackToTheSameDocument() throws {
        let document: [String: Any] = [
            "status": "healthy", "uptime_seconds": 12.345,
            "checks": ["cache": ["memory_entries": 13_188, "disk": "disabled"] as [String: Any]] as [String: Any],
        ]
        let parsed = try #require(
            try JSONSerialization.jsonObject(with: Data(AdminJSON.encode(document))) as? [String: Any])
        #expect(parsed["status"] as? String == "healthy")
        #expect(parsed["uptime_seconds"] as? Double == 12.345)
        let cache = (parsed["checks"] as? [String: Any])?["cache"] as? [String: Any]
        #expect(cache?["memory_entries"] as? Int == 13_188)
        #expect(cache?["disk"] as? String == "disabled")
    }
}
