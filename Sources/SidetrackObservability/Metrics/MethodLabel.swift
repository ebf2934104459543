/// The `method` label vocabulary. Methods outside it are reported as `_OTHER`
/// (the OpenTelemetry convention), so a client cannot mint label values.
enum MethodLabel {
    static let known: [String] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
    static let other = "_OTHER"
    /// Size of the dense method index space (`known` plus `_OTHER`).
    static let count = known.count + 1

    /// Dense index of `method`; comparisons of short strings are cheap (small-string form).
    @inline(__always)
    static func index(of method: String) -> Int {
        switch method {
        case "GET": 0
        case "POST": 1
        case "PUT": 2
        case "DELETE": 3
        case "PATCH": 4
        case "HEAD": 5
        case "OPTIONS": 6
        default: 7
        }
    }

    static func label(at index: Int) -> String {
        index < known.count ? known[index] : other
    }
}
