"""spotipy, unmodified, pointed at Sidetrack: the gateway must be invisible to it."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
import spotipy

from conftest import emulator_get, path_of


def client(proxy_url: str, token: str = "test-token") -> spotipy.Spotify:
    # retries=0: spotipy retries 429/5xx itself; a test must see the gateway's first answer.
    sp = spotipy.Spotify(auth=token, retries=0, requests_timeout=5)
    sp.prefix = f"{proxy_url}/v1/"
    return sp


def test_track_lookup_returns_the_emulators_track(proxy_url, emulator_url, access_log, unique_id):
    track = client(proxy_url).track(unique_id)

    carried = access_log.wait_for(lambda e: path_of(e) == f"/v1/tracks/{unique_id}")
    assert [e.get("status") for e in carried] == [200], "gateway access log has no 200 line for the lookup"
    # The emulator counts requests per "METHOD path": ours must be there, and only the gateway
    # can have sent it (the id is fresh and we have not asked the emulator directly yet).
    stats = json.dumps(emulator_get(emulator_url, "/_emulator/stats"))
    assert f"/v1/tracks/{unique_id}" in stats, "emulator stats do not show the proxied request"

    direct = emulator_get(emulator_url, f"/v1/tracks/{unique_id}")
    assert track["id"] == direct["id"] == unique_id
    assert track["name"] == direct["name"] and track["name"]


def test_album_paging_collects_all_tracks_through_the_gateway(proxy_url, access_log, unique_id):
    sp = client(proxy_url)
    page = sp.album_tracks(unique_id, limit=20)
    items, next_urls = list(page["items"]), []
    for _ in range(10):  # 45 tracks / 20 per page = 3 pages; bounded in case `next` never ends
        if page["next"] is None:
            break
        next_urls.append(page["next"])
        page = sp.next(page)
        items.extend(page["items"])
    else:
        pytest.fail("paging did not end within 10 pages")

    assert len(items) == 45
    assert len({t["id"] for t in items}) == 45, "paging returned duplicate tracks"
    assert len(next_urls) == 2
    for url in next_urls:
        assert url.startswith(f"{proxy_url}/v1/"), f"next link bypasses the gateway: {url}"
        assert "api.spotify.com" not in url
    carried = access_log.wait_for(lambda e: path_of(e) == f"/v1/albums/{unique_id}/tracks", count=3)
    assert len(carried) == 3, f"expected 3 page requests in the gateway log, saw {len(carried)}"


def test_missing_track_raises_spotify_404(proxy_url, access_log):
    with pytest.raises(spotipy.SpotifyException) as raised:
        client(proxy_url).track("missing0tracksidetrack")
    assert raised.value.http_status == 404
    assert "Resource not found" in raised.value.msg
    carried = access_log.wait_for(lambda e: path_of(e) == "/v1/tracks/missing0tracksidetrack")
    assert carried and all(e.get("status") == 404 for e in carried)


def test_current_user_depends_on_the_token(proxy_url):
    alice = client(proxy_url, "token-alice").current_user()
    bob = client(proxy_url, "token-bob").current_user()
    alice_again = client(proxy_url, "token-alice").current_user()
    assert alice["id"] and bob["id"]
    assert alice["id"] != bob["id"], "two tokens got the same user: token leaked across callers?"
    assert alice_again["id"] == alice["id"]


def test_current_user_without_token_is_401(proxy_url):
    sp = spotipy.Spotify(retries=0, requests_timeout=5)  # no auth at all: no Authorization header
    sp.prefix = f"{proxy_url}/v1/"
    with pytest.raises(spotipy.SpotifyException) as raised:
        sp.current_user()
    assert raised.value.http_status == 401


def test_search_returns_tracks_with_gateway_links(proxy_url, access_log):
    result = client(proxy_url).search(q="sidetrack", type="track", limit=5)
    tracks = result["tracks"]
    assert isinstance(tracks["items"], list) and tracks["items"]
    for link in (tracks.get("href"), tracks.get("next")):
        if link:
            assert link.startswith(f"{proxy_url}/v1/"), f"search link bypasses the gateway: {link}"
    assert access_log.wait_for(lambda e: path_of(e) == "/v1/search" and e.get("status") == 200)


def test_a_spotify_429_cools_the_whole_gateway_down(proxy_url, emulator_url, unique_id):
    """Spotify's rate limit is per app: after one 429 no call reaches Spotify until Retry-After has
    passed, whatever route or token asks; spotipy sees an ordinary 429 with Retry-After."""
    body = json.dumps({"retry_after": 1, "count": 1, "path_prefix": f"/v1/tracks/{unique_id}"}).encode()
    request = urllib.request.Request(f"{emulator_url}/_emulator/faults", data=body, method="POST")
    urllib.request.urlopen(request, timeout=5).read()
    sp = client(proxy_url)
    try:
        with pytest.raises(spotipy.SpotifyException) as spotify_said:
            sp.track(unique_id)
        assert spotify_said.value.http_status == 429
        calls_before = emulator_get(emulator_url, "/_emulator/stats")["total"]

        with pytest.raises(spotipy.SpotifyException) as cooling:
            client(proxy_url, token="another-token").album(unique_id)
        assert cooling.value.http_status == 429
        # spotipy (urllib3) turns any 429 with Retry-After into "Max Retries" and drops the
        # headers, so read them with a plain request.
        raw = urllib.request.Request(f"{proxy_url}/v1/artists/{unique_id}", headers={"Authorization": "Bearer third"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(raw, timeout=5)
        assert refused.value.code == 429
        assert refused.value.headers.get("Sidetrack-Error") == "upstream_cooldown"
        assert refused.value.headers.get("Retry-After") == "1"
        assert emulator_get(emulator_url, "/_emulator/stats")["total"] == calls_before, "a call reached Spotify"
    finally:
        # Bounded: the cooldown is 1 s; wait until Sidetrack lets calls through again, so the
        # tests after this one (same gateway) are not refused.
        deadline = time.monotonic() + 10
        while True:
            try:
                assert sp.track(unique_id)["id"] == unique_id
                break
            except spotipy.SpotifyException as error:
                if error.http_status != 429 or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
