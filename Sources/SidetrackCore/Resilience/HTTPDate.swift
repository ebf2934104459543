/// Parses the three HTTP-date forms (RFC 9110 §5.6.7) to epoch milliseconds, without Foundation.
///
/// Senders must use IMF-fixdate; recipients must also accept the obsolete RFC 850 and asctime
/// forms, so all three are read. Day names are checked for spelling only (not against the date);
/// field ranges are checked, so `31 Feb` or `25:00:00` are garbage.
enum HTTPDate {
    /// Epoch milliseconds, or nil when `bytes` is not an HTTP-date. `now` (epoch ms) decides the
    /// century of an RFC 850 two-digit year.
    static func epochMillis(_ bytes: ArraySlice<UInt8>, now: Int64) -> Int64? {
        let text = Array(bytes)
        if let comma = text.firstIndex(of: UInt8(ascii: ",")) {
            let name = text[..<comma]
            if comma == 3, index(of: name, in: shortDays) != nil {
                return imfFixdate(text)
            }
            if index(of: name, in: longDays) != nil {
                return rfc850(Array(text[(comma + 1)...]), now: now)
            }
            return nil
        }
        return asctime(text)
    }

    /// `Sun, 06 Nov 1994 08:49:37 GMT`
    private static func imfFixdate(_ t: [UInt8]) -> Int64? {
        guard t.count == 29, t[4] == space, t[7] == space, t[11] == space, t[16] == space, t[25] == space,
              t[26...] == gmt[...],
              let day = number(t, 5, 2),
              let month = index(of: t[8..<11], in: months),
              let year = number(t, 12, 4)
        else { return nil }
        return millis(year: year, month: month + 1, day: day, time: t, at: 17)
    }

    /// ` 06-Nov-94 08:49:37 GMT` (the part after `Sunday,`)
    private static func rfc850(_ t: [UInt8], now: Int64) -> Int64? {
        guard t.count == 23, t[0] == space, t[3] == dash, t[7] == dash, t[10] == space, t[19] == space,
              t[20...] == gmt[...],
              let day = number(t, 1, 2),
              let month = index(of: t[4..<7], in: months),
              let twoDigitYear = number(t, 8, 2)
        else { return nil }
        // RFC 9110: a two-digit year more than 50 years ahead means the most recent such year past.
        let currentYear = 1970 + Int(now / 31_556_952_000)
        var year = currentYear / 100 * 100 + twoDigitYear
        if year > currentYear + 50 { year -= 100 }
        return millis(year: year, month: month + 1, day: day, time: t, at: 11)
    }

    /// `Sun Nov  6 08:49:37 1994`
    private static func asctime(_ t: [UInt8]) -> Int64? {
        guard t.count == 24, t[3] == space, t[7] == space, t[10] == space, t[19] == space,
              index(of: t[0..<3], in: shortDays) != nil,
              let month = index(of: t[4..<7], in: months),
              let year = number(t, 20, 4)
        else { return nil }
        let day: Int
        if t[8] == space, let units = number(t, 9, 1) {
            day = units
        } else if let twoDigits = number(t, 8, 2) {
            day = twoDigits
        } else {
            return nil
        }
        return millis(year: year, month: month + 1, day: day, time: t, at: 11)
    }

    /// Validates the date and the `HH:MM:SS` at `t[at...]`, then converts to epoch ms.
    private static func millis(year: Int, month: Int, day: Int, time t: [UInt8], at i: Int) -> Int64? {
        guard t[i + 2] == colon, t[i + 5] == colon,
              let hour = number(t, i, 2), let minute = number(t, i + 3, 2), let second = number(t, i + 6, 2),
              hour < 24, minute < 60, second <= 60,
              day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        return seconds * 1000
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = Int64(month > 2 ? month - 3 : month + 9)
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func number(_ t: [UInt8], _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for byte in t[start..<(start + count)] {
            guard RetryAfter.isDigit(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    private static func index(of word: ArraySlice<UInt8>, in names: [[UInt8]]) -> Int? {
        names.firstIndex { $0[...] == word }
    }

    private static let space = UInt8(ascii: " ")
    private static let dash = UInt8(ascii: "-")
    private static let colon = UInt8(ascii: ":")
    private static let gmt = Array("GMT".utf8)
    private static let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ].map { Array($0.utf8) }
    private static let shortDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Array($0.utf8) }
    private static let longDays = [
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    ].map { Array($0.utf8) }
}
