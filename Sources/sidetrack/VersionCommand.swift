import ArgumentParser

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version and commit.")

    func run() {
        print("sidetrack \(SidetrackBuild.version) (commit \(SidetrackBuild.commit))")
    }
}
