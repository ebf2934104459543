#!/usr/bin/env python3
"""Generate Sidetrack's Spotify route table from ../shared/spotify/routes.tsv.

Usage (from the repository root):
    python3 scripts/generate-routes.py            # (re)write the generated Swift file
    python3 scripts/generate-routes.py --check    # exit 1 if the committed file is stale

Python 3 standard library only. The output is deterministic (no timestamps) so that `--check`
can compare it byte for byte with the committed file.

Policy derivation (DESIGN §3). Rules are tried in order; the first that matches wins, and a
route no rule covers stops the script (a new Spotify route must be classified on purpose).

TTL class:
  never          every mutation (POST/PUT/DELETE) and the token endpoint
  library        any path ending in /contains (per-user "is it saved/followed" checks)
  search         /v1/search, /v1/recommendations (results computed from query parameters)
  audioFeatures  /v1/audio-features…, /v1/audio-analysis…
  topItems       /v1/me/top/…
  devices        /v1/me/player/devices
  queue          /v1/me/player/queue
  playbackState  every other /v1/me/player… read (state, currently playing, recently played)
  profile        /v1/me, /v1/users/{user_id}
  playlist       any path with a `playlists` or `…-playlists` segment
                 (/v1/me/playlists, /v1/users/{id}/playlists, featured and category playlists)
  library        /v1/me/{tracks,albums,shows,episodes,audiobooks,following,library}…
  catalog        first segment one of tracks, albums, artists, shows, episodes, audiobooks,
                 chapters, browse (categories, new releases), markets, recommendations (genres)

Route group (bulkhead / breaker label):
  accounts   the token endpoint
  search     /v1/search, /v1/recommendations
  player     /v1/me/player…
  playlists  any path with a `playlists` or `…-playlists` segment
  library    /v1/me/{tracks,albums,shows,episodes,audiobooks,following,library}…
  catalog    catalog first segments (as above) plus audio-features and audio-analysis
  other      everything else (/v1/me, /v1/me/top/…, /v1/users/{user_id})
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TSV = REPO_ROOT.parent / "shared" / "spotify" / "routes.tsv"
DEFAULT_OUT = REPO_ROOT / "Sources" / "SidetrackCore" / "Routes" / "SpotifyRoutes.generated.swift"
COMMAND = "python3 scripts/generate-routes.py"

EXPECTED_COLUMNS = [
    "method", "path_template", "operationId", "scope", "mutation", "deprecated",
    "scope_reason", "scopes", "tag", "summary",
]
METHODS = {"GET", "PUT", "POST", "DELETE"}
IDEMPOTENT_METHODS = {"GET", "PUT", "DELETE"}
SCOPES = {"shared": ".shared", "user-private": ".userPrivate"}
YES_NO = {"yes": True, "no": False}

LIBRARY_COLLECTIONS = {"tracks", "albums", "shows", "episodes", "audiobooks", "following", "library"}
CATALOG_FIRST_SEGMENTS = {
    "tracks", "albums", "artists", "shows", "episodes", "audiobooks", "chapters",
    "browse", "markets", "recommendations",
}
AUDIO_FEATURE_FIRST_SEGMENTS = {"audio-features", "audio-analysis"}
COMPUTED_RESULT_PATHS = {"/v1/search", "/v1/recommendations"}


class TableError(Exception):
    """Bad input data: reported as a message, never a traceback."""


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    scope: str
    is_mutation: bool
    is_deprecated: bool
    oauth_scopes: tuple[str, ...]
    tag: str
    upstream: str = "api"

    @property
    def segments(self) -> list[str]:
        return self.template.strip("/").split("/")

    @property
    def is_idempotent(self) -> bool:
        return self.method in IDEMPOTENT_METHODS

    @property
    def is_token_endpoint(self) -> bool:
        return self.upstream == "accounts"

    def is_me_collection(self, names: set[str]) -> bool:
        s = self.segments
        return len(s) >= 3 and s[:2] == ["v1", "me"] and s[2] in names

    def has_playlists_segment(self) -> bool:
        """`playlists` or `…-playlists` anywhere: /v1/playlists/…, /v1/me/playlists, featured-playlists."""
        return any(segment == "playlists" or segment.endswith("-playlists") for segment in self.segments)


TOKEN_ROUTE = Route(
    method="POST",
    template="/api/token",
    operation_id="request-access-token",
    scope="shared",
    is_mutation=False,
    is_deprecated=False,
    oauth_scopes=(),
    tag="Accounts",
    upstream="accounts",
)


def ttl_class(route: Route) -> str:
    s = route.segments
    t = route.template
    if route.is_mutation or route.is_token_endpoint:
        return "never"
    if s[-1] == "contains":
        return "library"
    if t in COMPUTED_RESULT_PATHS:
        return "search"
    if s[1] in AUDIO_FEATURE_FIRST_SEGMENTS:
        return "audioFeatures"
    if s[:3] == ["v1", "me", "top"]:
        return "topItems"
    if t == "/v1/me/player/devices":
        return "devices"
    if t == "/v1/me/player/queue":
        return "queue"
    if s[:3] == ["v1", "me", "player"]:
        return "playbackState"
    if t in ("/v1/me", "/v1/users/{user_id}"):
        return "profile"
    if route.has_playlists_segment():
        return "playlist"
    if route.is_me_collection(LIBRARY_COLLECTIONS):
        return "library"
    if s[0] == "v1" and s[1] in CATALOG_FIRST_SEGMENTS:
        return "catalog"
    raise TableError(f"no TTL rule covers {route.method} {t}; add one to {COMMAND.split()[-1]}")


def route_group(route: Route) -> str:
    s = route.segments
    if route.is_token_endpoint:
        return "accounts"
    if route.template in COMPUTED_RESULT_PATHS:
        return "search"
    if s[:3] == ["v1", "me", "player"]:
        return "player"
    if route.has_playlists_segment():
        return "playlists"
    if route.is_me_collection(LIBRARY_COLLECTIONS):
        return "library"
    if s[0] == "v1" and s[1] in CATALOG_FIRST_SEGMENTS | AUDIO_FEATURE_FIRST_SEGMENTS:
        return "catalog"
    return "other"


def read_routes(tsv: Path) -> list[Route]:
    try:
        text = tsv.read_text(encoding="utf-8")
    except OSError as error:
        raise TableError(f"cannot read {tsv}: {error.strerror}") from None
    rows = list(csv.reader(text.splitlines(), delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows or rows[0] != EXPECTED_COLUMNS:
        raise TableError(f"{tsv}: header must be {EXPECTED_COLUMNS}, got {rows[0] if rows else 'nothing'}")
    routes: list[Route] = []
    seen: set[tuple[str, str]] = set()
    for line_number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(EXPECTED_COLUMNS):
            raise TableError(f"{tsv}:{line_number}: expected {len(EXPECTED_COLUMNS)} columns, got {len(row)}")
        field = dict(zip(EXPECTED_COLUMNS, row))

        def check(value: str, allowed, column: str) -> str:
            if value not in allowed:
                raise TableError(f"{tsv}:{line_number}: {column} {value!r} is not one of {sorted(allowed)}")
            return value

        method = check(field["method"], METHODS, "method")
        template = field["path_template"]
        if not template.startswith("/v1") or "//" in template or template.endswith("/"):
            raise TableError(f"{tsv}:{line_number}: path_template {template!r} must start with /v1 and have no empty segments")
        key = (method, template)
        if key in seen:
            raise TableError(f"{tsv}:{line_number}: duplicate route {method} {template}")
        seen.add(key)
        scopes = tuple(s for s in field["scopes"].split(",") if s)
        routes.append(Route(
            method=method,
            template=template,
            operation_id=field["operationId"],
            scope=check(field["scope"], SCOPES, "scope"),
            is_mutation=YES_NO[check(field["mutation"], YES_NO, "mutation")],
            is_deprecated=YES_NO[check(field["deprecated"], YES_NO, "deprecated")],
            oauth_scopes=scopes,
            tag=field["tag"],
        ))
    return routes


def swift_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def render(routes: list[Route], tsv_name: str, tsv_sha256: str) -> str:
    lines = [
        "// GENERATED FILE — do not edit by hand.",
        f"// Generated by `{COMMAND}` from `{tsv_name}`",
        f"// (sha256 {tsv_sha256}).",
        f"// Check that it is current with `{COMMAND} --check`.",
        "// The TTL class and group rules are documented in that script and in RouteTable.swift.",
        "",
        "/// The Spotify Web API operations (from the community OpenAPI description) plus the",
        "/// accounts token endpoint, in `routes.tsv` order. `index` is the position in `all`.",
        "public enum SpotifyRoutes {",
        "    /// Every known route; `RouteTable.spotify` is built from this.",
        "    public static let all: [RouteDescriptor] = [",
    ]
    for index, route in enumerate(routes):
        scopes = ", ".join(swift_string(s) for s in route.oauth_scopes)
        lines += [
            "        RouteDescriptor(",
            f"            index: {index}, method: {swift_string(route.method)}, template: {swift_string(route.template)},",
            f"            operationID: {swift_string(route.operation_id)}, scope: {SCOPES[route.scope]},",
            f"            isMutation: {str(route.is_mutation).lower()}, isDeprecated: {str(route.is_deprecated).lower()},",
            f"            oauthScopes: [{scopes}], tag: {swift_string(route.tag)}, upstream: .{route.upstream},",
            f"            isIdempotent: {str(route.is_idempotent).lower()}, ttlClass: .{ttl_class(route)}, group: .{route_group(route)}",
            "        ),",
        ]
    lines += ["    ]", "}", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tsv", type=Path, default=DEFAULT_TSV, help="routes.tsv to read (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="Swift file to write (default: %(default)s)")
    parser.add_argument("--check", action="store_true", help="exit 1 if --out differs from what would be generated")
    args = parser.parse_args(argv)

    try:
        routes = read_routes(args.tsv) + [TOKEN_ROUTE]
        digest = hashlib.sha256(args.tsv.read_bytes()).hexdigest()
        generated = render(routes, "../shared/spotify/routes.tsv", digest)
    except TableError as error:
        print(f"generate-routes: {error}", file=sys.stderr)
        return 1

    if args.check:
        try:
            current = args.out.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != generated:
            state = "is missing" if current is None else "is out of date"
            print(f"generate-routes: {args.out} {state}; run `{COMMAND}` and commit the result", file=sys.stderr)
            return 1
        print(f"generate-routes: {args.out} is up to date ({len(routes)} routes)")
        return 0

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(generated, encoding="utf-8")
    print(f"generate-routes: wrote {len(routes)} routes to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
