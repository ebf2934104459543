import Foundation

/// Reads the configuration file, turning each way it can fail into a reason a user can act on.
enum ConfigurationFile {
    struct Problem: Error {
        let reason: String
    }

    static func read(path: String) -> Result<String, Problem> {
        var isDirectory: ObjCBool = false
        guard !path.isEmpty else { return .failure(Problem(reason: "the path is empty")) }
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(Problem(reason: "no such file"))
        }
        guard !isDirectory.boolValue else { return .failure(Problem(reason: "it is a directory")) }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(Problem(reason: "it cannot be read (permissions?)"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(Problem(reason: "it is not UTF-8 text"))
        }
        return .success(text)
    }
}
