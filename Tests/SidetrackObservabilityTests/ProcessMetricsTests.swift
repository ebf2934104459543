import Testing

@testable import SidetrackObservability

#if canImport(Glibc)
import Glibc
#endif

@Suite("Process metrics")
struct ProcessMetricsTests {
    @Test("process metrics are present and plausible", .enabled(if: isLinux))
    func presentAndPlausible() throws {
        let exposition = Exposition(GatewayMetricsTests.makeMetrics().render())
        let resident = try #require(exposition.value("process_resident_memory_bytes"))
        let virtual = try #require(exposition.value("process_virtual_memory_bytes"))
        let cpu = try #require(exposition.value("process_cpu_seconds_total"))
        let openFDs = try #require(exposition.value("process_open_fds"))
        let maxFDs = try #require(exposition.value("process_max_fds"))
        let start = try #require(exposition.value("process_start_time_seconds"))
        #expect(resident > 1_000_000 && resident < 64_000_000_000)
        #expect(virtual >= resident)
        #expect(cpu > 0 && cpu < 100_000)
        #expect(openFDs >= 3 && openFDs <= maxFDs)
        let now = Double(LogTimestamp.now().millisecondsSinceEpoch) / 1000
        #expect(start > now - 86_400 && start <= now + 1)
        for name in ["process_resident_memory_bytes", "process_cpu_seconds_total", "process_start_time_seconds"] {
            #expect(exposition.helpFamilies.contains(name))
        }
        #expect(exposition.has("# TYPE process_cpu_seconds_total counter"))
    }

    @Test("a stat line whose command name holds spaces and parentheses parses")
    func parsesStatLine() throws {
        let line = "4242 (my (odd) name) S 1 2 3 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1000 123456789 2048 18446744073709551615"
        let stat = try #require(
            ProcStat.parse(stat: Array(line.utf8), ticksPerSecond: 100, pageSize: 4096, bootTime: 1_700_000_000)
        )
        #expect(stat.cpuSeconds == 3.0)
        #expect(stat.virtualMemoryBytes == 123_456_789)
        #expect(stat.residentMemoryBytes == 2048 * 4096)
        #expect(stat.startTimeSeconds == 1_700_000_010)
    }

    @Test("malformed stat input yields nil, not a crash", arguments: ["", "no paren here", "1 (x) S 1 2", "1 (x) S a b c d e f g h i j k l m n o p q r s t u"])
    func malformedStat(input: String) {
        #expect(ProcStat.parse(stat: Array(input.utf8), ticksPerSecond: 100, pageSize: 4096, bootTime: nil) == nil)
    }

    @Test("btime is read from /proc/stat text")
    func bootTime() {
        let text = "cpu  1 2 3\nintr 5\nbtime 1732500000\nprocesses 9\n"
        #expect(ProcStat.bootTime(fromProcStat: Array(text.utf8)) == 1_732_500_000)
        #expect(ProcStat.bootTime(fromProcStat: Array("cpu 1\n".utf8)) == nil)
    }
}

#if os(Linux)
let isLinux = true
#else
let isLinux = false
#endif
