/// What binary this is, for `sidetrack version`, `sidetrack_build_info` and `/health`.
///
/// SwiftPM offers no way to stamp the git commit into a build without a plugin, so `commit` stays
/// "unknown" for now; the version is bumped by hand with each release.
enum SidetrackBuild {
    static let version = "0.1.0"
    static let commit = "unknown"
}
