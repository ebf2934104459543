import Benchmark
import SidetrackCore

/// `LinkRewriter` over a track object as Spotify returns it (~2.3 KiB: links to rewrite in `href`s,
/// and many `https://` URLs and `h`s that are not links to the API), in one chunk: what every
/// JSON answer from upstream goes through when link rewriting is on (the default).
func linkRewritingBenchmarks() {
    let artist = """
        {"external_urls":{"spotify":"https://open.spotify.com/artist/0TnOYISbd1XYRBk9myaseg"},\
        "href":"https://api.spotify.com/v1/artists/0TnOYISbd1XYRBk9myaseg","id":"0TnOYISbd1XYRBk9myaseg",\
        "name":"Pitbull","type":"artist","uri":"spotify:artist:0TnOYISbd1XYRBk9myaseg"}
        """
    let image = #"{"url":"https://i.scdn.co/image/ab67616d0000b273f5bde5a8b8e1ad5a8fbd9fdd","height":640,"width":640}"#
    let track = """
        {"album":{"album_type":"album","total_tracks":9,"available_markets":["CA","BR","IT"],\
        "external_urls":{"spotify":"https://open.spotify.com/album/2up3OPMp9Tb4dAKM2erWXQ"},\
        "href":"https://api.spotify.com/v1/albums/2up3OPMp9Tb4dAKM2erWXQ","id":"2up3OPMp9Tb4dAKM2erWXQ",\
        "images":[\(image),\(image),\(image)],"name":"Global Warming","release_date":"2012-11-16",\
        "release_date_precision":"day","type":"album","uri":"spotify:album:2up3OPMp9Tb4dAKM2erWXQ",\
        "artists":[\(artist)]},"artists":[\(artist),\(artist)],"available_markets":["CA","BR","IT","US"],\
        "disc_number":1,"duration_ms":229506,"explicit":false,"external_ids":{"isrc":"USRC11202213"},\
        "external_urls":{"spotify":"https://open.spotify.com/track/4iV5W9uYEdYUVa79Axb7Rh"},\
        "href":"https://api.spotify.com/v1/tracks/4iV5W9uYEdYUVa79Axb7Rh","id":"4iV5W9uYEdYUVa79Axb7Rh",\
        "is_playable":true,"name":"Feel This Moment (feat. Christina Aguilera)","popularity":82,\
        "preview_url":"https://p.scdn.co/mp3-preview/0c5f2b9f8fdd64f2a5b1e4b5c0e1f0b2a3c4d5e6",\
        "track_number":5,"type":"track","uri":"spotify:track:4iV5W9uYEdYUVa79Axb7Rh","is_local":false}
        """
    let body = Array(track.utf8)
    Benchmark("LinkRewriter track (\(body.count) bytes)") { benchmark in
        var out: [UInt8] = []
        out.reserveCapacity(body.count * 2)
        for _ in benchmark.scaledIterations {
            var rewriter = LinkRewriter(from: "https://api.spotify.com/v1/", to: "http://127.0.0.1:8080/v1/")
            rewriter.process(body, into: &out)
            rewriter.finish(into: &out)
            blackHole(out.count)
            out.removeAll(keepingCapacity: true)
        }
    }
}
