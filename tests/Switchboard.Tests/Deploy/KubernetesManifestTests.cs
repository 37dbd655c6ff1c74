using System.Globalization;
using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Deploy;

/// <summary>
/// What <c>kubectl kustomize deploy/k8s</c> renders: the shared ConfigMap is generated with a content hash in its name
/// and both Deployments load that exact name (so an edited setting rolls them); every container stops its .NET host
/// before its pod's grace period ends; the front end, which waits for a silo before it listens, may take at least as
/// long to start as the silos.
/// </summary>
[Trait("Category", "Deploy")]
public sealed class KubernetesManifestTests
{
    private const string ConfigMapBaseName = "switchboard-config";

    /// <summary>Configuration keys of HostOptions.ShutdownTimeout (whole seconds) as the Generic Host reads them from the environment.</summary>
    private static readonly string[] ShutdownTimeoutVariables = ["DOTNET_shutdownTimeoutSeconds", "ASPNETCORE_shutdownTimeoutSeconds", "shutdownTimeoutSeconds"];

    private static readonly Lazy<List<Dictionary<string, object?>>> Rendered = new(Render);

    [Fact]
    public void The_ConfigMap_name_carries_a_content_hash_and_both_Deployments_load_that_name()
    {
        var configMap = Assert.Single(Documents("ConfigMap"));
        var name = Text(configMap, "metadata", "name");

        Assert.Matches($"^{ConfigMapBaseName}-[a-z0-9]{{6,}}$", name);
        Assert.Equal(2, Deployments().Count);
        foreach (var deployment in Deployments())
        {
            foreach (var container in Containers(deployment))
            {
                var references = List(container, "envFrom").Select(e => Text(e, "configMapRef", "name")).ToList();
                Assert.True(references.Contains(name), $"{Text(deployment, "metadata", "name")}/{Text(container, "name")} loads [{string.Join(", ", references)}], not {name}");
            }
        }
    }

    [Fact]
    public void Every_container_mounts_the_cluster_certificate_the_ConfigMap_names()
    {
        var config = Map(Assert.Single(Documents("ConfigMap")), "data");
        var certificate = Assert.IsType<string>(config.GetValueOrDefault("Orleans__Tls__CertificatePath"));
        var key = Assert.IsType<string>(config.GetValueOrDefault("Orleans__Tls__KeyPath"));
        foreach (var deployment in Deployments())
        {
            var pod = Map(deployment, "spec", "template", "spec");
            var volume = Assert.Single(List(pod, "volumes"), v => Text(v, "name") == "cluster-tls");
            Assert.Equal("switchboard-cluster-tls", Text(volume, "secret", "secretName"));
            foreach (var container in Containers(deployment))
            {
                var mount = Assert.Single(List(container, "volumeMounts"), m => Text(m, "name") == "cluster-tls");
                Assert.Equal($"{Text(mount, "mountPath")}/tls.crt", certificate);
                Assert.Equal($"{Text(mount, "mountPath")}/tls.key", key);
            }
        }
    }

    [Fact]
    public void Every_container_stops_its_host_before_the_pod_grace_period_ends()
    {
        var configMaps = Documents("ConfigMap").ToDictionary(c => Text(c, "metadata", "name")!, c => Map(c, "data"));
        var problems = new List<string>();
        foreach (var deployment in Deployments())
        {
            // Kubernetes' default grace period is 30 s.
            var grace = Number(Map(deployment, "spec", "template", "spec"), "terminationGracePeriodSeconds") ?? 30;
            foreach (var container in Containers(deployment))
            {
                var where = $"{Text(deployment, "metadata", "name")}/{Text(container, "name")}";
                var timeout = ShutdownTimeout(container, configMaps);
                if (timeout is null)
                {
                    problems.Add($"{where}: no {ShutdownTimeoutVariables[0]}: the host stops after 30 s whatever the grace period ({grace} s)");
                }
                else if (timeout >= grace)
                {
                    problems.Add($"{where}: shutdown timeout {timeout} s is not below terminationGracePeriodSeconds {grace} s");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void The_front_end_may_take_at_least_as_long_to_start_as_the_silos()
    {
        var silo = StartupAllowance(Deployment("switchboard-silo"));
        var frontend = StartupAllowance(Deployment("switchboard-frontend"));

        Assert.True(frontend >= silo, $"front-end startup allowance {frontend} s is below the silos' {silo} s: it waits for a silo before it listens, so a fresh install restarts it in a loop");
    }

    // ---- reading the rendered manifests ----

    private static List<Dictionary<string, object?>> Deployments() => Documents("Deployment").ToList();

    private static Dictionary<string, object?> Deployment(string name) =>
        Assert.Single(Deployments(), d => Text(d, "metadata", "name") == name);

    private static IEnumerable<Dictionary<string, object?>> Documents(string kind) =>
        Rendered.Value.Where(d => d.GetValueOrDefault("kind") as string == kind);

    private static List<Dictionary<string, object?>> Containers(Dictionary<string, object?> deployment)
    {
        var containers = List(deployment, "spec", "template", "spec", "containers");
        Assert.NotEmpty(containers);
        return containers;
    }

    /// <summary>initialDelaySeconds + failureThreshold × periodSeconds of the first container's startup probe (Kubernetes' defaults 0, 3, 10).</summary>
    private static int StartupAllowance(Dictionary<string, object?> deployment)
    {
        var probe = Map(Containers(deployment)[0], "startupProbe");
        Assert.True(probe.Count > 0, $"{Text(deployment, "metadata", "name")} has no startup probe");
        return (Number(probe, "initialDelaySeconds") ?? 0) + ((Number(probe, "failureThreshold") ?? 3) * (Number(probe, "periodSeconds") ?? 10));
    }

    /// <summary>The container's own env entry, else a key of a ConfigMap it loads with envFrom.</summary>
    private static int? ShutdownTimeout(Dictionary<string, object?> container, Dictionary<string, Dictionary<string, object?>> configMaps)
    {
        var env = List(container, "env")
            .Where(e => e.GetValueOrDefault("value") is string)
            .ToDictionary(e => Text(e, "name")!, e => (string)e["value"]!, StringComparer.OrdinalIgnoreCase);
        foreach (var reference in List(container, "envFrom").Select(e => Text(e, "configMapRef", "name")).OfType<string>())
        {
            foreach (var (key, value) in configMaps.GetValueOrDefault(reference) ?? [])
            {
                env.TryAdd(key, value as string ?? "");
            }
        }

        var setting = ShutdownTimeoutVariables.Select(v => env.GetValueOrDefault(v)).FirstOrDefault(v => v is not null);
        if (setting is null)
        {
            return null;
        }

        Assert.True(int.TryParse(setting, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds), $"shutdown timeout \"{setting}\" is not whole seconds (the host ignores it)");
        return seconds;
    }

    private static Dictionary<string, object?> Map(Dictionary<string, object?> node, params string[] path)
    {
        object? current = node;
        foreach (var key in path)
        {
            current = (current as Dictionary<string, object?>)?.GetValueOrDefault(key);
        }

        return current as Dictionary<string, object?> ?? [];
    }

    private static List<Dictionary<string, object?>> List(Dictionary<string, object?> node, params string[] path) =>
        (Map(node, path[..^1]).GetValueOrDefault(path[^1]) as List<object?> ?? []).OfType<Dictionary<string, object?>>().ToList();

    private static string? Text(Dictionary<string, object?> node, params string[] path) =>
        Map(node, path[..^1]).GetValueOrDefault(path[^1]) as string;

    private static int? Number(Dictionary<string, object?> node, string key) =>
        node.GetValueOrDefault(key) is string text ? int.Parse(text, CultureInfo.InvariantCulture) : null;

    private static List<Dictionary<string, object?>> Render()
    {
        var kubectl = DeployTool.FindOnPath("kubectl", "/usr/bin/kubectl", "/usr/local/bin/kubectl");
        Assert.True(kubectl is not null, "kubectl is needed to render deploy/k8s (kubectl kustomize); install the kubectl client (no cluster is used)");

        var result = DeployTool.Run(kubectl!, RepositoryRoot.Path, TimeSpan.FromMinutes(1), "kustomize", Path.Combine("deploy", "k8s"));
        Assert.True(result.ExitCode == 0, $"kubectl kustomize deploy/k8s failed ({result.ExitCode}):{Environment.NewLine}{result.StandardError}");

        var documents = Regex.Split(result.StandardOutput, @"^---\s*$", RegexOptions.Multiline)
            .Where(d => d.Trim().Length > 0)
            .Select(d => BlockYaml.Parse(d))
            .ToList();
        Assert.True(documents.Count >= 5, $"kubectl kustomize rendered {documents.Count} documents");
        return documents;
    }

    /// <summary>
    /// The subset of YAML that kustomize prints: block mappings and sequences (items at their key's indentation or
    /// deeper), plain and quoted scalars. No flow collections, block scalars, anchors or tags.
    /// </summary>
    private sealed class BlockYaml
    {
        private readonly List<(int Indent, string Text)> _lines;
        private int _next;

        private BlockYaml(string document) =>
            _lines = document.Split('\n')
                .Select(l => l.TrimEnd('\r'))
                .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'))
                .Select(l => (l.Length - l.TrimStart(' ').Length, l.Trim()))
                .ToList();

        public static Dictionary<string, object?> Parse(string document)
        {
            var reader = new BlockYaml(document);
            var root = reader.Node(0) as Dictionary<string, object?> ?? throw new FormatException("not a mapping: " + document[..Math.Min(80, document.Length)]);
            if (reader._next != reader._lines.Count)
            {
                throw new FormatException($"unread line {reader._lines[reader._next].Text}");
            }

            return root;
        }

        private object? Node(int indent)
        {
            if (_next >= _lines.Count || _lines[_next].Indent != indent)
            {
                return null;
            }

            return _lines[_next].Text.StartsWith("- ", StringComparison.Ordinal) || _lines[_next].Text == "-" ? Sequence(indent) : Mapping(indent);
        }

        private List<object?> Sequence(int indent)
        {
            var items = new List<object?>();
            while (_next < _lines.Count && _lines[_next].Indent == indent && (_lines[_next].Text.StartsWith("- ", StringComparison.Ordinal) || _lines[_next].Text == "-"))
            {
                var rest = _lines[_next].Text.Length > 1 ? _lines[_next].Text[2..].TrimStart() : "";
                if (rest.Length == 0)
                {
                    _next++;
                    items.Add(_next < _lines.Count && _lines[_next].Indent > indent ? Node(_lines[_next].Indent) : null);
                }
                else if (KeyValue(rest) is null)
                {
                    _next++;
                    items.Add(Scalar(rest));
                }
                else
                {
                    // "- key: value": a mapping whose first key sits after the dash.
                    _lines[_next] = (indent + 2, rest);
                    items.Add(Mapping(indent + 2));
                }
            }

            return items;
        }

        private Dictionary<string, object?> Mapping(int indent)
        {
            var map = new Dictionary<string, object?>(StringComparer.Ordinal);
            while (_next < _lines.Count && _lines[_next].Indent == indent && !_lines[_next].Text.StartsWith("- ", StringComparison.Ordinal))
            {
                var (key, value) = KeyValue(_lines[_next].Text) ?? throw new FormatException($"not a key: {_lines[_next].Text}");
                _next++;
                if (value.Length > 0)
                {
                    map[key] = Scalar(value);
                }
                else if (_next < _lines.Count && (_lines[_next].Indent > indent || (_lines[_next].Indent == indent && _lines[_next].Text.StartsWith("- ", StringComparison.Ordinal))))
                {
                    map[key] = Node(_lines[_next].Indent);
                }
                else
                {
                    map[key] = null;
                }
            }

            return map;
        }

        private static (string Key, string Value)? KeyValue(string text)
        {
            var match = Regex.Match(text, @"^(""[^""]*""|'[^']*'|[^\s""'][^:]*?):(?:\s+(.*))?$");
            return match.Success ? (Unquote(match.Groups[1].Value), match.Groups[2].Value.Trim()) : null;
        }

        private static string? Scalar(string text) => text is "null" or "~" ? null : Unquote(text);

        private static string Unquote(string text) =>
            text.Length >= 2 && ((text[0] == '"' && text[^1] == '"') || (text[0] == '\'' && text[^1] == '\''))
                ? text[1..^1].Replace(text[0] == '\'' ? "''" : "\\\"", text[0] == '\'' ? "'" : "\"", StringComparison.Ordinal)
                : text;
    }
}
