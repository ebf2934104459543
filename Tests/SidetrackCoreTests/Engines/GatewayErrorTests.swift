import Foundation
import Testing
@testable import SidetrackCore

@Suite struct GatewayErrorTests {
    static let all: [GatewayError] = [
        .badRequest("x"), .notAllowed("y"), .noRoute, .headersTooLarge, .bodyTooLarge, .upstreamTimeout,
        .upstreamUnreachable, .upstreamProtocol, .draining, .circuitOpen, .rateLimited, .upstreamCooldown, .bulkheadFull,
    ]

    @Test(arguments: all)
    func bodyIsSpotifyShaped(_ error: GatewayError) throws {
        let object = try JSONSerialization.jsonObject(with: Data(error.spotifyBody)) as? [String: Any]
        let inner = try #require(object?["error"] as? [String: Any])
        #expect(inner["status"] as? Int == error.status)
        #expect(inner["message"] as? String == error.message)
        #expect((400..<600).contains(error.status))
    }

    @Test func labelsAreBoundedAndDistinct() {
        let labels = Self.all.map(\.label)
        #expect(Set(labels).count == labels.count)
        for label in labels {
            #expect(label.allSatisfy { $0.isLowercase || $0 == "_" })
        }
    }

    @Test func statusesMatchTheDesign() {
        #expect(GatewayError.headersTooLarge.status == 431)
        #expect(GatewayError.bodyTooLarge.status == 413)
        #expect(GatewayError.upstreamTimeout.status == 504)
        #expect(GatewayError.upstreamUnreachable.status == 502)
        #expect(GatewayError.circuitOpen.status == 503)
        #expect(GatewayError.upstreamCooldown.status == 429)
        #expect(GatewayError.notAllowed("x").label == "not_allowed")
        #expect(!GatewayError.badRequest("x").isRetryable)
        #expect(GatewayError.upstreamTimeout.isRetryable)
    }

    @Test func messagesAreEscaped() throws {
        let error = GatewayError.badRequest("a \"quoted\"\nline")
        let object = try JSONSerialization.jsonObject(with: Data(error.spotifyBody)) as? [String: Any]
        #expect((object?["error"] as? [String: Any])?["message"] as? String == "a \"quoted\"\nline")
    }
}
