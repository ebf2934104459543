/// Writes Prometheus text-format families that do not live in the registry (values computed at
/// scrape time). Each family gets HELP and TYPE lines, as the registry's families do.
struct ExpositionWriter {
    var buffer: [UInt8]

    mutating func family(_ name: String, type: String, help: String) {
        self.buffer.append(contentsOf: "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n".utf8)
    }

    mutating func sample(_ name: String, _ value: Double) {
        // Whole numbers print without a fraction so byte counts stay exact and readable.
        if value.rounded() == value, abs(value) < 9.0e15 {
            self.buffer.append(contentsOf: "\(name) \(Int64(value))\n".utf8)
        } else {
            self.buffer.append(contentsOf: "\(name) \(value)\n".utf8)
        }
    }

    /// A single-sample family, the common case for process metrics.
    mutating func single(_ name: String, type: String, help: String, value: Double) {
        self.family(name, type: type, help: help)
        self.sample(name, value)
    }
}
