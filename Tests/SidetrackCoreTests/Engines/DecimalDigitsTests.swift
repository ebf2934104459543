import Testing
@testable import SidetrackCore

/// The one decimal-digit writer the access line and the response head share.
@Suite struct DecimalDigitsTests {
    private func text(_ value: UInt64, _ minimumDigits: Int = 1) -> String {
        DecimalDigits.withDigits(of: value, minimumDigits: minimumDigits) { String(decoding: $0, as: UTF8.self) }
    }

    @Test func digitsArePaddedToTheMinimumAndNeverCut() {
        #expect(text(0) == "0")
        #expect(text(2403) == "2403")
        #expect(text(7, 3) == "007")
        #expect(text(12345, 3) == "12345")
        #expect(text(UInt64.max) == "18446744073709551615")
        #expect(text(5, 25) == "00000000000000000005")  // at most 20 digits
    }
}
