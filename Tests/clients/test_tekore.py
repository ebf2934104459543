"""tekore, unmodified, pointed at Sidetrack. Plain SyncSender only: tekore's retrying and
caching senders have known bugs and would hide what the gateway did."""

from __future__ import annotations

import pytest
import tekore
import tekore._client.base as tekore_base

from conftest import path_of


def test_tekore_track_lookup(proxy_url, access_log, unique_id, monkeypatch):
    # tekore has no public base-URL option; its module-level prefix is the one switch.
    monkeypatch.setattr(tekore_base, "prefix", f"{proxy_url}/v1/")
    sender = tekore.SyncSender()
    try:
        track = tekore.Spotify("test-token", sender=sender).track(unique_id)
    finally:
        sender.client.close()
    assert track.id == unique_id and track.name
    assert track.href.startswith(f"{proxy_url}/v1/")
    assert access_log.wait_for(lambda e: path_of(e) == f"/v1/tracks/{unique_id}" and e.get("status") == 200)
