using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Deploy;

/// <summary>
/// deploy/aca/main.bicep compiles without warnings, and every probe of every container app is within the ranges
/// Container Apps accepts. The Bicep compiler does not check those ranges; Azure refuses the deployment instead
/// (a startup probe with failureThreshold 60 did). The compiled ARM JSON is walked, so probes shared through a
/// variable are checked for each app that uses them.
/// </summary>
[Trait("Category", "Deploy")]
public sealed class ContainerAppsTemplateTests
{
    private const string BicepPackage = "azure.bicep.commandline.linux-x64";
    private const string BicepVersion = "0.49.2"; // as in the test project's PackageDownload

    /// <summary>Container Apps' documented probe ranges (inclusive).</summary>
    private static readonly Dictionary<string, (int Min, int Max)> ProbeRanges = new(StringComparer.Ordinal)
    {
        ["failureThreshold"] = (1, 10),
        ["successThreshold"] = (1, 10),
        ["initialDelaySeconds"] = (0, 60),
        ["periodSeconds"] = (1, 240),
        ["timeoutSeconds"] = (1, 240),
    };

    /// <summary>
    /// The time a silo may take to start (join the membership table) before its startup probe restarts it, and the
    /// front end (which waits for a silo to answer) the same: the 120 s the Kubernetes silos get.
    /// </summary>
    private const int MinimumStartupAllowanceSeconds = 120;

    [Fact]
    public void The_template_compiles_and_every_probe_of_every_container_app_is_within_Container_Apps_ranges()
    {
        var template = Compile(Path.Combine(RepositoryRoot.Path, "deploy", "aca", "main.bicep"));

        var problems = ProbeProblems(template, out var checkedApps);

        Assert.True(checkedApps.Count >= 2, $"expected the silo and front-end container apps, found: {string.Join(", ", checkedApps)}");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void Apps_sign_in_to_storage_with_their_identity_and_mount_the_cluster_certificate()
    {
        var template = Compile(Path.Combine(RepositoryRoot.Path, "deploy", "aca", "main.bicep"));
        var json = template.ToJsonString(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

        // No storage account key anywhere: none read, none accepted.
        Assert.DoesNotContain("listKeys(resourceId('Microsoft.Storage", json, StringComparison.Ordinal);
        var storage = Assert.Single(Resources(template), r => (string?)r["type"] == "Microsoft.Storage/storageAccounts");
        Assert.False((bool?)storage["properties"]?["allowSharedKeyAccess"]);
        Assert.Contains(Resources(template), r => (string?)r["type"] == "Microsoft.Authorization/roleAssignments"
            && ((string?)r["properties"]?["roleDefinitionId"] ?? "").Contains("storageTableDataContributorRoleId", StringComparison.Ordinal));

        var apps = Resources(template).Where(r => (string?)r["type"] == "Microsoft.App/containerApps").ToList();
        Assert.True(apps.Count >= 2, "expected the silo and front-end container apps");
        foreach (var app in apps)
        {
            var appTemplate = app["properties"]?["template"];
            Assert.Equal("[variables('clusterTlsVolume')]", (string?)appTemplate?["volumes"]?[0]);
            foreach (var container in appTemplate?["containers"] as JsonArray ?? [])
            {
                Assert.Equal("[variables('clusterTlsMount')]", (string?)container?["volumeMounts"]?[0]);
                // env is one ARM expression (it reads resource properties): look for each setting in its text.
                var env = (string?)container?["env"] ?? "";
                Assert.Contains("'ConnectionStrings__AzureStorage', 'value', format('https://{0}.table.{1}'", env, StringComparison.Ordinal);
                Assert.Contains("'AZURE_CLIENT_ID', 'value', reference(", env, StringComparison.Ordinal);
                Assert.Contains("'Orleans__Tls__CertificatePath', 'value', format('{0}/tls.crt', variables('clusterTlsMount').mountPath)", env, StringComparison.Ordinal);
                Assert.Contains("'Orleans__Tls__KeyPath', 'value', format('{0}/tls.key', variables('clusterTlsMount').mountPath)", env, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("""{ "type": "Startup", "periodSeconds": 2, "failureThreshold": 60 }""", "failureThreshold")]
    [InlineData("""{ "type": "Startup", "periodSeconds": 5, "failureThreshold": 10 }""", "start-up allowance")]
    [InlineData("""{ "type": "Liveness", "periodSeconds": 10, "successThreshold": 0 }""", "successThreshold")]
    [InlineData("""{ "type": "Readiness", "initialDelaySeconds": 61 }""", "initialDelaySeconds")]
    [InlineData("""{ "type": "Liveness", "timeoutSeconds": 241 }""", "timeoutSeconds")]
    public void A_probe_out_of_range_is_reported(string probe, string expected)
    {
        var startup = probe.Contains("Startup", StringComparison.Ordinal) ? "" : """{ "type": "Startup", "periodSeconds": 12, "failureThreshold": 10 },""";
        var template = JsonNode.Parse($$"""
            {
              "variables": { "probes": [ {{startup}} {{probe}} ] },
              "resources": [
                {
                  "type": "Microsoft.App/containerApps",
                  "name": "app",
                  "properties": { "template": { "containers": [ { "name": "c", "probes": "[variables('probes')]" } ] } }
                }
              ]
            }
            """)!;

        var problem = Assert.Single(ProbeProblems(template, out _));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    // ---- the checks ----

    private static List<string> ProbeProblems(JsonNode template, out List<string> checkedApps)
    {
        var problems = new List<string>();
        checkedApps = [];
        foreach (var app in Resources(template).Where(r => (string?)r["type"] == "Microsoft.App/containerApps"))
        {
            var appName = (string?)app["name"] ?? "?";
            checkedApps.Add(appName);
            var containers = app["properties"]?["template"]?["containers"] as JsonArray;
            if (containers is null || containers.Count == 0)
            {
                problems.Add($"{appName}: no containers (or not a literal array)");
                continue;
            }

            foreach (var container in containers)
            {
                var where = $"{appName} / {(string?)container?["name"]}";
                if (Resolve(template, container?["probes"]) is not JsonArray probes)
                {
                    problems.Add($"{where}: probes missing or not resolvable to an array");
                    continue;
                }

                if (!probes.Any(p => (string?)p?["type"] == "Startup"))
                {
                    problems.Add($"{where}: no Startup probe");
                }

                foreach (var probe in probes.OfType<JsonObject>())
                {
                    problems.AddRange(Check(probe, $"{where} / {(string?)probe["type"]} probe"));
                }
            }
        }

        return problems;
    }

    private static IEnumerable<string> Check(JsonObject probe, string where)
    {
        foreach (var (field, (min, max)) in ProbeRanges)
        {
            if (probe[field] is not { } node)
            {
                continue; // Container Apps' default applies, which is within range
            }

            if (node is not JsonValue value || !value.TryGetValue<int>(out var number))
            {
                yield return $"{where}: {field} is not a literal number ({node.ToJsonString()})";
            }
            else if (number < min || number > max)
            {
                yield return $"{where}: {field} is {number}, Container Apps accepts {min}-{max}";
            }
        }

        if ((string?)probe["type"] == "Startup")
        {
            // Kubernetes' defaults, which Container Apps documents for its probes too.
            var allowance = Seconds(probe, "initialDelaySeconds", 0) + (Seconds(probe, "periodSeconds", 10) * Seconds(probe, "failureThreshold", 3));
            if (allowance < MinimumStartupAllowanceSeconds)
            {
                yield return $"{where}: start-up allowance {allowance} s, below {MinimumStartupAllowanceSeconds} s";
            }
        }
    }

    private static int Seconds(JsonObject probe, string field, int fallback) =>
        probe[field] is JsonValue value && value.TryGetValue<int>(out var number) ? number : fallback;

    private static IEnumerable<JsonNode> Resources(JsonNode template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonNode>(),
        JsonObject symbolic => symbolic.Select(kv => kv.Value).OfType<JsonNode>(), // languageVersion 2.0
        _ => [],
    };

    /// <summary>A literal, or <c>[variables('name')]</c> looked up in the template's variables.</summary>
    private static JsonNode? Resolve(JsonNode template, JsonNode? node)
    {
        if (node is JsonValue value && value.TryGetValue<string>(out var text)
            && Regex.Match(text, @"^\[variables\('([^']+)'\)\]$") is { Success: true } reference)
        {
            return template["variables"]?[reference.Groups[1].Value];
        }

        return node;
    }

    // ---- the Bicep CLI ----

    private static JsonNode Compile(string bicepFile)
    {
        var bicep = BicepExecutable();
        var result = DeployTool.Run(bicep, RepositoryRoot.Path, TimeSpan.FromMinutes(2), "build", bicepFile, "--stdout");

        Assert.True(result.ExitCode == 0, $"bicep build failed ({result.ExitCode}):{Environment.NewLine}{result.StandardError}");
        Assert.True(result.StandardError.Trim().Length == 0, $"bicep build printed diagnostics:{Environment.NewLine}{result.StandardError}");
        return JsonNode.Parse(result.StandardOutput) ?? throw new InvalidOperationException("bicep build printed no template");
    }

    /// <summary>tools/bicep of the package the test project's PackageDownload restores (made executable: NuGet drops the bit).</summary>
    private static string BicepExecutable()
    {
        Assert.True(OperatingSystem.IsLinux() && RuntimeInformation.OSArchitecture == Architecture.X64, $"the test project downloads the linux-x64 Bicep CLI; this is {RuntimeInformation.RuntimeIdentifier}");
        var roots = new[]
        {
            typeof(ContainerAppsTemplateTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "NuGetPackageRoot")?.Value,
            Environment.GetEnvironmentVariable("NUGET_PACKAGES"),
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        };
        var candidates = roots.Where(r => !string.IsNullOrEmpty(r)).Select(r => Path.Combine(r!, BicepPackage, BicepVersion, "tools", "bicep")).ToList();
        var bicep = candidates.FirstOrDefault(File.Exists);
        Assert.True(bicep is not null, $"The Bicep CLI ({BicepPackage} {BicepVersion}) is needed: restore tests/Switchboard.Tests (its PackageDownload fetches it). Looked in: {string.Join(", ", candidates)}");

        if (OperatingSystem.IsLinux() && !File.GetUnixFileMode(bicep!).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(bicep!, File.GetUnixFileMode(bicep!) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return bicep!;
    }
}
