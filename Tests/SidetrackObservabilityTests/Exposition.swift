/// A minimal reader of Prometheus text exposition for assertions.
struct Exposition {
    let text: String
    let lines: [String]

    init(_ bytes: [UInt8]) {
        self.text = String(decoding: bytes, as: UTF8.self)
        self.lines = self.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Sample lines (not comments, not blank).
    var samples: [String] {
        self.lines.filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// Sample identity (name + labels) of each sample line.
    var seriesKeys: [String] {
        self.samples.compactMap { line in line.lastIndex(of: " ").map { String(line[..<$0]) } }
    }

    /// The value of the sample whose name+labels is exactly `series`.
    func value(_ series: String) -> Double? {
        for line in self.samples where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    func has(_ line: String) -> Bool {
        self.lines.contains(line)
    }

    /// Family names that have a `# HELP` line / a `# TYPE` line.
    var helpFamilies: [String] { self.commentFamilies("# HELP ") }
    var typeFamilies: [String] { self.commentFamilies("# TYPE ") }

    private func commentFamilies(_ prefix: String) -> [String] {
        self.lines.filter { $0.hasPrefix(prefix) }.map { line in
            String(line.dropFirst(prefix.count).prefix { $0 != " " })
        }
    }

    /// Family name of a sample (strips histogram suffixes).
    static func family(ofSeries series: String) -> String {
        let name = String(series.prefix { $0 != "{" && $0 != " " })
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if base.hasSuffix("_seconds") { return base }
        }
        return name
    }
}
