using System.Reflection;
using System.Text.RegularExpressions;
using Switchboard.Api;
using Switchboard.Contracts;
using Switchboard.Grains.Agents;
using Switchboard.Hosting;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Deploy;

/// <summary>
/// Every setting the deploy manifests give the processes (deploy/k8s/*.yaml and the ConfigMap's deploy/k8s/*.env,
/// deploy/aca/*.bicep) is one the code
/// binds: a misspelled key (<c>Twilio__AuthTokn</c>, <c>Orleans_Clustering</c>) is otherwise ignored in silence and the
/// default runs in production. The bound keys come from the code by reflection: <c>Section:Property</c> for every type
/// with a <c>public const string Section</c> in the Switchboard assemblies.
/// </summary>
[Trait("Category", "Deploy")]
public sealed class DeployConfigurationTests
{
    /// <summary>Variables the .NET runtime, ASP.NET Core, OpenTelemetry, Azure.Identity or Orleans' Kubernetes hosting read themselves.</summary>
    private static readonly string[] RuntimeVariablePrefixes = ["ASPNETCORE_", "DOTNET_", "POD_", "OTEL_", "AZURE_"];

    /// <summary>Read by UseKubernetesHosting (KubernetesHostingOptions.ServiceIdEnvironmentVariable / ClusterIdEnvironmentVariable).</summary>
    private static readonly string[] RuntimeVariables = ["ORLEANS_SERVICE_ID", "ORLEANS_CLUSTER_ID"];

    private static readonly Assembly[] SwitchboardAssemblies =
    [
        typeof(TwilioOptions).Assembly, // Switchboard.Contracts
        typeof(AgentOptions).Assembly, // Switchboard.Grains
        typeof(WebhookOptions).Assembly, // Switchboard.Api
        typeof(SiloOptions).Assembly, // Switchboard.Hosting
        typeof(Switchboard.Silo.SiloHosting).Assembly, // Switchboard.Silo
    ];

    [Fact]
    public void Every_configuration_key_the_Kubernetes_manifests_set_is_bound_by_the_code()
    {
        var settings = KubernetesFiles().SelectMany(file => KubernetesSettings(file)).ToList();

        AssertFound(settings, "Orleans__Clustering", "Orleans__Kubernetes", "Webhook__AckMode", "Twilio__AuthToken", "ConnectionStrings__AzureStorage", "POD_NAME");
        AssertAllBound(settings);
    }

    [Fact]
    public void Every_configuration_key_the_Container_Apps_template_sets_is_bound_by_the_code()
    {
        var settings = BicepFiles().SelectMany(file => BicepSettings(file)).ToList();

        AssertFound(settings, "Orleans__Clustering", "Orleans__AdvertisedIPAddress", "Orleans__SiloPort", "Orleans__GatewayPort", "Webhook__AckMode", "Twilio__AuthToken", "ConnectionStrings__AzureStorage");
        AssertAllBound(settings);
    }

    [Fact]
    public void The_manifests_acknowledge_webhooks_in_Durable_mode()
    {
        var ackModes = KubernetesFiles().SelectMany(file => KubernetesSettings(file))
            .Concat(BicepFiles().SelectMany(file => BicepSettings(file)))
            .Where(s => s.Name == "Webhook__AckMode")
            .ToList();

        Assert.NotEmpty(ackModes);
        Assert.All(ackModes, s => Assert.Equal(nameof(AckMode.Durable), s.Value));
    }

    [Fact]
    public void The_silo_pod_labels_name_the_cluster_the_ConfigMap_gives_the_front_ends()
    {
        var silo = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "k8s", "silo.yaml"));
        var config = KubernetesFiles().SelectMany(file => KubernetesSettings(file)).Where(s => s.Source.Contains("ConfigMap", StringComparison.Ordinal)).ToList();

        Assert.Equal(ConfigValue(config, "Orleans__ServiceId"), PodLabel(silo, "orleans/serviceId"));
        Assert.Equal(ConfigValue(config, "Orleans__ClusterId"), PodLabel(silo, "orleans/clusterId"));
    }

    [Theory]
    [InlineData("Twilio__AuthTokn", null)]
    [InlineData("Orleans_Clustering", "AzureStorage")]
    [InlineData("Webhook__AckMode", "Durabel")]
    [InlineData("Conversation__CheckpointAftr", "00:00:01")]
    public void A_misspelled_key_or_value_is_reported(string name, string? value)
    {
        var yaml = $"""
            env:
              - name: POD_NAME
                valueFrom:
                  fieldRef:
                    fieldPath: metadata.name
              - name: {name}
                value: "{value}"
            """;
        var settings = Settings(yaml, "test.yaml").ToList();

        Assert.Equal(2, settings.Count);
        Assert.Single(Problems(settings));
    }

    [Fact]
    public void The_bound_keys_come_from_the_options_classes()
    {
        var bound = BoundKeys();

        Assert.Contains("Twilio:AuthToken", bound.Keys);
        Assert.Contains("Webhook:AckMode", bound.Keys);
        Assert.Contains("Agents:OpenAI:Endpoint", bound.Keys);
        Assert.Contains("Orleans:ServiceId", bound.Keys);
        Assert.Contains("ConnectionStrings:AzureStorage", bound.Keys);
        Assert.DoesNotContain("Twilio:EffectiveStatusCallbackUrl", bound.Keys); // no setter: not bound
    }

    // ---- what the code binds ----

    /// <summary>Configuration key → the property it binds (null for keys read without an options class).</summary>
    private static Dictionary<string, PropertyInfo?> BoundKeys()
    {
        var keys = new Dictionary<string, PropertyInfo?>(StringComparer.OrdinalIgnoreCase)
        {
            ["ConnectionStrings:" + ClusterHosting.StorageConnectionName] = null,
        };
        foreach (var type in SwitchboardAssemblies.Distinct().SelectMany(a => a.GetTypes()))
        {
            // Inherited too (SiloOptions and the front end's options share the "Orleans" section of ClusterSettings).
            if (type.IsAbstract || type.GetField("Section", BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy) is not { IsLiteral: true } field
                || field.GetRawConstantValue() is not string section)
            {
                continue;
            }

            AddKeys(keys, section, type);
        }

        return keys;
    }

    /// <summary>Settable properties as keys; a property of a Switchboard settings class (Orleans:Tls) as its own sub-section.</summary>
    private static void AddKeys(Dictionary<string, PropertyInfo?> keys, string prefix, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && SwitchboardAssemblies.Contains(property.PropertyType.Assembly))
            {
                AddKeys(keys, $"{prefix}:{property.Name}", property.PropertyType);
            }
            else
            {
                keys[$"{prefix}:{property.Name}"] = property;
            }
        }
    }

    private static List<string> Problems(IEnumerable<Setting> settings)
    {
        var bound = BoundKeys();
        var problems = new List<string>();
        foreach (var setting in settings)
        {
            if (!setting.Name.Contains("__", StringComparison.Ordinal))
            {
                if (!RuntimeVariables.Contains(setting.Name, StringComparer.Ordinal)
                    && !RuntimeVariablePrefixes.Any(p => setting.Name.StartsWith(p, StringComparison.Ordinal)))
                {
                    problems.Add($"{setting.Source}: {setting.Name} is neither a configuration key (Section__Key) nor a known runtime variable");
                }

                continue;
            }

            var key = setting.Name.Replace("__", ":", StringComparison.Ordinal);
            if (!bound.TryGetValue(key, out var property))
            {
                problems.Add($"{setting.Source}: {setting.Name} ({key}) is bound by no options class");
            }
            else if (property is not null && setting.Value is { } value && !Parses(value, property.PropertyType))
            {
                problems.Add($"{setting.Source}: {setting.Name}={value} is not a {property.PropertyType.Name}");
            }
        }

        return problems;
    }

    /// <summary>Literal values of enum and bool settings must parse (others are checked when the host starts).</summary>
    private static bool Parses(string value, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return Enum.GetNames(type).Contains(value, StringComparer.OrdinalIgnoreCase);
        }

        return type != typeof(bool) || bool.TryParse(value, out _);
    }

    private static void AssertAllBound(IReadOnlyCollection<Setting> settings)
    {
        var problems = Problems(settings);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>Guards the line-based readers below: a format change they miss must fail, not pass with nothing read.</summary>
    private static void AssertFound(IReadOnlyCollection<Setting> settings, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.True(settings.Any(s => s.Name == name), $"{name} not found in the manifests (read: {string.Join(", ", settings.Select(s => s.Name).Distinct())})");
        }
    }

    // ---- what the manifests set ----

    private sealed record Setting(string Name, string? Value, string Source);

    private static IEnumerable<string> KubernetesFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "deploy", "k8s"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "deploy", "k8s"), "*.env"))
            .Order(StringComparer.Ordinal);

    private static IEnumerable<string> BicepFiles() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "deploy", "aca"), "*.bicep").Order(StringComparer.Ordinal);

    private static IEnumerable<Setting> KubernetesSettings(string file) =>
        file.EndsWith(".env", StringComparison.Ordinal)
            ? EnvFileSettings(File.ReadAllLines(file), Path.GetFileName(file))
            : Settings(File.ReadAllText(file), Path.GetFileName(file));

    /// <summary>
    /// An env file of kustomization.yaml's configMapGenerator (<c>KEY=value</c> a line, <c>#</c> comments): each key
    /// becomes a key of the generated ConfigMap, loaded with envFrom.
    /// </summary>
    private static IEnumerable<Setting> EnvFileSettings(IEnumerable<string> lines, string source) =>
        lines.Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .Select(kv => new Setting(kv[0].Trim(), kv.Length == 2 && kv[1].Length > 0 ? kv[1] : null, $"{source} (ConfigMap)"));

    /// <summary>
    /// Container env entries (<c>- name: X</c> followed by <c>value:</c> or <c>valueFrom:</c>) and the data keys of
    /// ConfigMaps (loaded with envFrom, so each key is an environment variable).
    /// </summary>
    private static IEnumerable<Setting> Settings(string yaml, string source)
    {
        foreach (var document in Regex.Split(yaml, @"^---\s*$", RegexOptions.Multiline))
        {
            var lines = document.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            for (var i = 0; i < lines.Length; i++)
            {
                var entry = Regex.Match(lines[i], @"^\s*-\s+name:\s*[""']?([^""'\s#]+)[""']?\s*(#.*)?$");
                if (entry.Success && NextLine(lines, i) is { } next && Regex.Match(next, @"^\s*(value|valueFrom):\s*(.*)$") is { Success: true } valueLine)
                {
                    var value = valueLine.Groups[1].Value == "value" ? Unquote(valueLine.Groups[2].Value) : null;
                    yield return new Setting(entry.Groups[1].Value, value, source);
                }
            }

            if (!Regex.IsMatch(document, @"^kind:\s*ConfigMap\s*$", RegexOptions.Multiline))
            {
                continue;
            }

            var inData = false;
            string? indent = null;
            foreach (var line in lines)
            {
                if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
                {
                    continue;
                }

                if (!char.IsWhiteSpace(line[0]))
                {
                    inData = Regex.IsMatch(line, @"^data:\s*$");
                    continue;
                }

                var key = Regex.Match(line, @"^(\s+)([^\s:#]+):\s*(.*)$");
                if (inData && key.Success && (indent ??= key.Groups[1].Value) == key.Groups[1].Value)
                {
                    yield return new Setting(key.Groups[2].Value, Unquote(key.Groups[3].Value), $"{source} (ConfigMap)");
                }
            }
        }
    }

    /// <summary>Container-app env entries: <c>name: 'X'</c> followed by <c>value:</c> or <c>secretRef:</c>.</summary>
    private static IEnumerable<Setting> BicepSettings(string file)
    {
        var lines = File.ReadAllLines(file);
        for (var i = 0; i < lines.Length; i++)
        {
            var entry = Regex.Match(lines[i], @"^\s*name:\s*'([^']+)'\s*$");
            if (entry.Success && NextLine(lines, i) is { } next && Regex.Match(next, @"^\s*(value|secretRef):\s*(.*)$") is { Success: true } valueLine)
            {
                var literal = Regex.Match(valueLine.Groups[2].Value, @"^'([^'$]*)'$");
                var value = valueLine.Groups[1].Value == "value" && literal.Success ? literal.Groups[1].Value : null;
                yield return new Setting(entry.Groups[1].Value, value, Path.GetFileName(file));
            }
        }
    }

    private static string? NextLine(string[] lines, int index) =>
        lines.Skip(index + 1).FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#') && !l.TrimStart().StartsWith("//", StringComparison.Ordinal));

    private static string? Unquote(string value)
    {
        value = Regex.Replace(value, @"\s+#.*$", "").Trim();
        return value.Length == 0 ? null : value.Trim('"', '\'');
    }

    private static string? ConfigValue(IEnumerable<Setting> settings, string name) =>
        Assert.Single(settings, s => s.Name == name).Value;

    private static string PodLabel(string yaml, string label)
    {
        var values = Regex.Matches(yaml, $@"^\s+{Regex.Escape(label)}:\s*[""']?([^""'\s]+)[""']?\s*$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .Distinct()
            .ToList();
        return Assert.Single(values);
    }
}
