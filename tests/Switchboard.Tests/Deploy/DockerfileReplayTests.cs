using System.Diagnostics;
using Switchboard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Switchboard.Tests.Deploy;

/// <summary>
/// The images build from what their Dockerfiles copy, checked without a container runtime: each Dockerfile is replayed
/// (<see cref="DockerfileReplay"/>) from the repository root as build context, its restore and ReadyToRun publish run
/// with this machine's SDK and NuGet cache, and the dll its ENTRYPOINT starts must be in the final stage. A project a
/// host references but the image does not copy fails here as it would in <c>docker build</c>. Both replays are in this
/// one class so that they run one after the other rather than beside each other (each takes minutes on two cores).
/// </summary>
[Trait("Category", "Deploy")]
public sealed class DockerfileReplayTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("Dockerfile.silo", "Switchboard.Silo.dll")]
    [InlineData("Dockerfile.frontend", "Switchboard.Frontend.dll")]
    public async Task The_image_builds_from_what_its_Dockerfile_copies(string dockerfile, string expectedDll)
    {
        var stages = Dockerfile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", dockerfile)));
        var entrypoint = Dockerfile.Entrypoint(stages[^1]);
        Assert.Equal(["dotnet", expectedDll], entrypoint);

        var scratch = Path.Combine(Path.GetTempPath(), "switchboard-dockerfile-" + Path.GetFileNameWithoutExtension(Path.GetRandomFileName()));
        var replay = new DockerfileReplay(RepositoryRoot.Path, scratch);
        var watch = Stopwatch.StartNew();
        try
        {
            string finalWorkdir;
            try
            {
                finalWorkdir = await replay.RunAsync(stages);
            }
            catch (Exception ex)
            {
                Assert.Fail($"{dockerfile}: {ex.Message}\n{Errors(replay.Log)}");
                return;
            }

            output.WriteLine($"{dockerfile}: replayed in {watch.Elapsed.TotalSeconds:F0} s");
            Assert.True(
                File.Exists(Path.Combine(finalWorkdir, expectedDll)),
                $"{dockerfile}: {expectedDll} is not in the final stage's {finalWorkdir}: {string.Join(", ", Directory.EnumerateFiles(finalWorkdir).Select(Path.GetFileName))}");
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // a scratch folder left in the temp folder is harmless
            }
        }
    }

    [Theory]
    [InlineData("src/Api/bin", true)]
    [InlineData("src/Api/bin/Release/net10.0/Switchboard.Api.dll", true)]
    [InlineData("src/Api/obj/project.assets.json", true)]
    [InlineData("bin", true)]
    [InlineData("src/Api/node_modules/x/index.js", true)]
    [InlineData(".data/azurite/table.json", true)]
    [InlineData(".git/HEAD", true)]
    [InlineData("tests/Switchboard.Tests/Switchboard.Tests.csproj", true)]
    [InlineData("src/Api/Api.csproj", false)]
    [InlineData("src/Hosting/SiloOptions.cs", false)]
    [InlineData("src/Api/binder.cs", false)]
    [InlineData("Directory.Build.props", false)]
    [InlineData(".editorconfig", false)]
    public void The_dockerignore_keeps_build_output_and_tests_out_of_the_context(string path, bool excluded)
    {
        Assert.Equal(excluded, DockerIgnore.Load(RepositoryRoot.Path).IsExcluded(path));
    }

    [Fact]
    public void Ignore_patterns_follow_Docker_rules()
    {
        var ignore = new DockerIgnore(["# comment", "*.md", "docs/**/*.png", "!docs/keep/**", "/secret/"]);

        Assert.True(ignore.IsExcluded("README.md"));
        Assert.False(ignore.IsExcluded("src/README.md")); // "*" does not cross "/"
        Assert.True(ignore.IsExcluded("docs/a/b/c.png"));
        Assert.True(ignore.IsExcluded("docs/c.png"));
        Assert.False(ignore.IsExcluded("docs/keep/c.png")); // a later "!" re-includes
        Assert.True(ignore.IsExcluded("secret/key.txt"));
        Assert.False(ignore.IsExcluded("src/secret/key.txt"));
    }

    /// <summary>The error lines of the replay's build output, or its tail when it has none.</summary>
    private static string Errors(string log)
    {
        var lines = log.Split('\n');
        var errors = lines.Where(l => l.Contains(" error ", StringComparison.Ordinal) || l.StartsWith("$ ", StringComparison.Ordinal)).Distinct().Take(40).ToList();
        return string.Join('\n', errors.Count > lines.Count(l => l.StartsWith("$ ", StringComparison.Ordinal)) ? errors : lines.TakeLast(40));
    }
}
