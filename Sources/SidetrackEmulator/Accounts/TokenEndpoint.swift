import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// `POST /api/token` of the accounts service: the client-credentials grant.
struct TokenEndpoint {
    private static let counter = NIOLockedValueBox<UInt64>(0)

    func respond(_ request: EmulatorRequest) -> EmulatorResponse {
        let form = QueryParameters(Substring(request.body.getString(at: request.body.readerIndex, length: request.body.readableBytes) ?? ""))
        guard let clientID = Self.clientID(request, form: form) else {
            return Self.oauthError("invalid_client", "Invalid client")
        }
        guard let grant = form["grant_type"] else {
            return Self.oauthError("unsupported_grant_type", "grant_type parameter is missing")
        }
        guard grant == "client_credentials" else {
            return Self.oauthError("unsupported_grant_type", "Unsupported grant type")
        }
        let serial = Self.counter.withLockedValue { value in
            value += 1
            return value
        }
        let token = "BQ" + SpotifyID.derive("token:\(clientID):\(serial)") + SpotifyID.derive("token2:\(clientID):\(serial)")
            + SpotifyID.derive("token3:\(clientID):\(serial)")
        return Self.json("{\"access_token\":\"\(token)\",\"token_type\":\"Bearer\",\"expires_in\":3600}", status: .ok)
    }

    /// The client id from HTTP Basic credentials (or, as Spotify also allows, the form body),
    /// nil when absent or malformed.
    static func clientID(_ request: EmulatorRequest, form: QueryParameters) -> String? {
        if let header = request.headers.first(name: "authorization") {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                let data = Data(base64Encoded: String(parts[1].trimmingSpaces)),
                let decoded = String(data: data, encoding: .utf8)
            else { return nil }
            let pair = decoded.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, !pair[0].isEmpty, !pair[1].isEmpty else { return nil }
            return String(pair[0])
        }
        guard let id = form["client_id"], !id.isEmpty, let secret = form["client_secret"], !secret.isEmpty else { return nil }
        return id
    }

    private static func oauthError(_ error: String, _ description: String) -> EmulatorResponse {
        json(JSONText.oauthError(error, description: description), status: .badRequest)
    }

    private static func json(_ text: String, status: HTTPResponseStatus) -> EmulatorResponse {
        var response = EmulatorResponse.json(text, status: status)
        response.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        return response
    }
}


