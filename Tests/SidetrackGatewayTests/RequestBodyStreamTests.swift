import NIOCore
import NIOPosix
import Testing
@testable import SidetrackGateway

/// The upstream connection's writer holds its call, whose request holds the stream: the stream
/// must let go of the writer when it is done, or every request with a body leaks (found by the
/// Zipf benchmark: ~77 KB per POST).
@Suite struct RequestBodyStreamTests {
    /// A writer that, like the upstream connection's, keeps the stream alive.
    private static func writer(holding stream: RequestBodyStream, on loop: any EventLoop) -> RequestBodyStream.Writer {
        { _ in
            _ = stream
            return loop.makeSucceededVoidFuture()
        }
    }

    @Test(arguments: [false, true])
    func aFinishedOrFailedStreamLetsGoOfItsWriter(fails: Bool) async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        weak var released: RequestBodyStream?
        let done: EventLoopFuture<Void> = try await loop.submit {
            let stream = RequestBodyStream(eventLoop: loop)
            released = stream
            let future = stream.start(writer: Self.writer(holding: stream, on: loop))
            stream.append(ByteBuffer(string: "abc"))
            if fails { stream.fail(ChannelError.ioOnClosedChannel) } else { stream.end() }
            return future
        }.get()
        _ = try? await done.get()
        // The writes complete on the loop; one more turn of it and the stream is gone.
        try await loop.submit {}.get()
        #expect(released == nil)
    }

    @Test func aCopyIsKeptForARetryOnlyWithinTheLimit() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let (small, large) = try await loop.submit {
            let small = RequestBodyStream(eventLoop: loop, keepsCopyForRetry: true)
            small.append(ByteBuffer(string: #"{"uris":["spotify:track:abc"]}"#))
            let beforeEnd = small.replayableBody
            small.end()
            let large = RequestBodyStream(eventLoop: loop, keepsCopyForRetry: true)
            large.append(ByteBuffer(repeating: 0x41, count: RequestBodyStream.replayLimit + 1))
            large.end()
            return (beforeEnd == nil ? small.replayableBody.map { String(buffer: $0) } : "early", large.replayableBody)
        }.get()
        #expect(small == #"{"uris":["spotify:track:abc"]}"#)
        #expect(large == nil)
    }
}
