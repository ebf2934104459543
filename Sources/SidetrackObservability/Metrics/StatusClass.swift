/// The `status_class` label: an HTTP status reduced to its hundred (`2xx`, …).
enum StatusClass: Int, CaseIterable {
    case informational = 0, success, redirection, clientError, serverError

    /// Out-of-range codes fold into the nearest class so the label stays bounded.
    @inline(__always)
    init(status: Int) {
        switch status {
        case ..<200: self = .informational
        case 200..<300: self = .success
        case 300..<400: self = .redirection
        case 400..<500: self = .clientError
        default: self = .serverError
        }
    }

    var label: String {
        switch self {
        case .informational: "1xx"
        case .success: "2xx"
        case .redirection: "3xx"
        case .clientError: "4xx"
        case .serverError: "5xx"
        }
    }
}
