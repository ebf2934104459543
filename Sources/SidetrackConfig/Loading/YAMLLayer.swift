import Yams

/// Turns a YAML document into raw settings, checking its shape against the key table:
/// unknown keys, sections that are not mappings and values that are not scalars become issues.
/// Values themselves are parsed later, the same way for every layer.
struct YAMLLayer {
    private(set) var settings: [RawSetting] = []
    private(set) var issues: [ConfigurationIssue] = []
    private let path: String
    private let keys: [String: ConfigurationKey]
    /// Section path ("" = top level) → child names in documentation order.
    private let children: [String: [String]]

    /// Parses `yaml` (read from `path`, used in issues). `fileKey` names the setting that chose
    /// the file (`--config`, `SIDETRACK_CONFIG`), for the one issue a parse failure produces.
    init(yaml: String, path: String, fileKey: String, fileSource: ConfigurationSource) {
        self.path = path
        let all = ConfigurationKey.all
        keys = Dictionary(uniqueKeysWithValues: all.map { ($0.path, $0) })
        var children: [String: [String]] = [:]
        for key in all {
            var parent = ""
            for component in key.path.split(separator: ".").map(String.init) {
                if !(children[parent] ?? []).contains(component) { children[parent, default: []].append(component) }
                parent = parent.isEmpty ? component : "\(parent).\(component)"
            }
        }
        self.children = children

        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            // Yams' message starts `line:column: error: …` and continues with a source snippet;
            // the first line is the part that fits an issue.
            let message = "\(error)".split(separator: "\n").first.map(String.init) ?? "\(error)"
            issues.append(ConfigurationIssue(
                key: fileKey, value: path, allowed: "expected a valid YAML file; \(message)", source: fileSource
            ))
            return
        }
        switch root {
        case nil:
            break // An empty file: all defaults.
        case let scalar? where scalar.null != nil:
            break // `---` alone (a document holding null) is an empty file too.
        case .mapping(let mapping)?:
            walk(mapping, section: "")
        case let other?:
            issues.append(ConfigurationIssue(
                key: fileKey, value: path,
                allowed: "expected a mapping of keys at the top level, got \(Self.kind(of: other))",
                source: .file(path: path, line: other.mark?.line)
            ))
        }
    }

    private mutating func walk(_ mapping: Node.Mapping, section: String) {
        for (keyNode, valueNode) in mapping {
            let name = keyNode.string ?? "<\(Self.kind(of: keyNode))>"
            let dotted = section.isEmpty ? name : "\(section).\(name)"
            let source = ConfigurationSource.file(path: path, line: keyNode.mark?.line)
            if let key = keys[dotted] {
                let value = key.acceptsPairs ? Self.pairsValue(valueNode) : Self.rawValue(valueNode)
                settings.append(RawSetting(key: key, name: dotted, value: value, source: source))
            } else if let names = children[dotted] {
                switch valueNode {
                case .mapping(let nested):
                    walk(nested, section: dotted)
                case _ where valueNode.null != nil:
                    break // `upstream:` with nothing under it: nothing set.
                default:
                    issues.append(ConfigurationIssue(
                        key: dotted, value: Self.display(valueNode),
                        allowed: "expected a mapping with keys \(names.joined(separator: ", "))", source: source
                    ))
                }
            } else if section.isEmpty, let reason = ConfigurationKey.notConfigurable[name] {
                issues.append(ConfigurationIssue(key: dotted, value: Secret.placeholder, allowed: reason, source: source))
            } else {
                let allowedHere = children[section] ?? []
                let level = section.isEmpty ? "at the top level" : "under \(section)"
                let hint = Suggestion.closest(to: name, in: allowedHere).map { " (did you mean \($0)?)" } ?? ""
                issues.append(ConfigurationIssue(
                    key: dotted, value: Secret.placeholder,
                    allowed: "unknown key\(hint); allowed \(level): \(allowedHere.joined(separator: ", "))",
                    source: source
                ))
            }
        }
    }

    private static func rawValue(_ node: Node) -> RawSetting.Value {
        switch node {
        case .scalar(let scalar):
            // Only a plain null (`null`, `~`, empty) is null; a quoted "null" is the text null.
            return node.null != nil && scalar.style == .plain ? .null : .text(scalar.string)
        default:
            return .nonScalar(kind: kind(of: node))
        }
    }

    /// A mapping of plain values becomes `name=value,name=value`; a `=` or `,` inside a name or
    /// value would change the pairs, so such a mapping is passed on as text the key rejects.
    private static func pairsValue(_ node: Node) -> RawSetting.Value {
        guard case .mapping(let mapping) = node else { return rawValue(node) }
        var pairs: [String] = []
        for (name, value) in mapping {
            guard case .scalar(let n) = name, case .scalar(let v) = value else { return .nonScalar(kind: "a nested mapping") }
            if (n.string + v.string).contains(where: { $0 == "=" || $0 == "," }) { return .text("=") }
            pairs.append("\(n.string)=\(v.string)")
        }
        return .text(pairs.joined(separator: ","))
    }

    private static func display(_ node: Node) -> String {
        if case .scalar(let scalar) = node { return scalar.string }
        return "<\(kind(of: node))>"
    }

    static func kind(of node: Node) -> String {
        switch node {
        case .scalar: "a single value"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}
