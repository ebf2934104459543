import Synchronization

/// Lets concurrent misses for one key share one upstream call (DESIGN §2 stage 5).
///
/// The first request for a key becomes the leader and goes upstream; requests for the same key
/// that arrive while it is in flight become followers and wait. When the leader finishes, every
/// follower is handed to the caller to be answered with the leader's result (or, if the leader
/// failed, sent upstream on their own). A follower whose bounded wait runs out leaves the queue
/// and goes upstream itself.
///
/// `Waiter` is whatever the caller needs to resume a follower (a callback bound to its event
/// loop); the coalescer only stores and returns it. Every method is O(1) or O(followers).
public final class Coalescer<Waiter: Sendable>: Sendable {
    public enum Role: Sendable {
        /// Go upstream and call `finish` when done.
        case leader
        /// Wait; `ticket` identifies this follower to `abandon`.
        case follower(ticket: UInt64)
    }

    private struct Flight {
        var followers: [(ticket: UInt64, waiter: Waiter)] = []
    }

    private struct State {
        var flights: [String: Flight] = [:]
        var nextTicket: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Joins the flight for `key`: leader if none is in flight, else a follower holding `waiter`.
    public func join(_ key: String, waiter: @autoclosure () -> Waiter) -> Role {
        state.withLock { state in
            guard state.flights[key] != nil else {
                state.flights[key] = Flight()
                return .leader
            }
            state.nextTicket &+= 1
            let ticket = state.nextTicket
            state.flights[key]!.followers.append((ticket, waiter()))
            return .follower(ticket: ticket)
        }
    }

    /// Becomes leader only if nobody is in flight (background refreshes: one per key).
    public func tryLead(_ key: String) -> Bool {
        state.withLock { state in
            guard state.flights[key] == nil else { return false }
            state.flights[key] = Flight()
            return true
        }
    }

    /// The leader is done: ends the flight and returns its followers to be answered.
    public func finish(_ key: String) -> [Waiter] {
        state.withLock { state in
            state.flights.removeValue(forKey: key)?.followers.map(\.waiter) ?? []
        }
    }

    /// A follower stops waiting. True if it was still queued (so it must go upstream itself);
    /// false if the leader already took it (its answer is on the way).
    public func abandon(_ key: String, ticket: UInt64) -> Bool {
        state.withLock { state in
            guard let position = state.flights[key]?.followers.firstIndex(where: { $0.ticket == ticket }) else {
                return false
            }
            state.flights[key]!.followers.remove(at: position)
            return true
        }
    }

    /// Keys with a leader in flight.
    public var inFlight: Int { state.withLock { $0.flights.count } }
}
