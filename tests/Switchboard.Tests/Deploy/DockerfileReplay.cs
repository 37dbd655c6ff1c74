using System.Text;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.Deploy;

/// <summary>One instruction of a Dockerfile, continuation lines joined.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments, int Line);

/// <summary>A <c>FROM … AS name</c> stage and its instructions.</summary>
public sealed record DockerStage(string Name, string Image, IReadOnlyList<DockerInstruction> Instructions);

/// <summary>
/// The part of the Dockerfile syntax the images use: stages, <c>WORKDIR</c>, <c>COPY [--from=stage] src… dst</c>,
/// <c>RUN</c> (shell form), <c>ENV</c>, <c>ENTRYPOINT</c> (exec form). Anything else that changes the file system
/// (<c>ADD</c>, wildcards in <c>COPY</c>, <c>--mount</c>) is refused, so the replay never passes by skipping it.
/// </summary>
public static class Dockerfile
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "FROM", "WORKDIR", "COPY", "RUN", "ENV", "EXPOSE", "USER", "ENTRYPOINT", "CMD", "LABEL",
    };

    public static IReadOnlyList<DockerStage> Parse(string text)
    {
        var stages = new List<(string Name, string Image, List<DockerInstruction> Instructions)>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var start = i + 1;
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var joined = new StringBuilder();
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                joined.Append(line[..^1]).Append(' ');
                do
                {
                    line = lines[++i].Trim();
                }
                while (line.StartsWith('#') && i + 1 < lines.Length);
            }

            joined.Append(line);
            var full = joined.ToString().Trim();
            var space = full.IndexOfAny([' ', '\t']);
            var keyword = (space < 0 ? full : full[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : full[(space + 1)..].Trim();
            if (!Known.Contains(keyword))
            {
                throw new NotSupportedException($"line {start}: {keyword} is not replayed");
            }

            if (keyword == "FROM")
            {
                var parts = Split(arguments);
                var name = parts.Count == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : stages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
                stages.Add((name, parts[0], []));
                continue;
            }

            if (stages.Count == 0)
            {
                throw new FormatException($"line {start}: {keyword} before FROM");
            }

            stages[^1].Instructions.Add(new DockerInstruction(keyword, arguments, start));
        }

        return stages.Select(s => new DockerStage(s.Name, s.Image, s.Instructions)).ToList();
    }

    /// <summary>The exec-form <c>ENTRYPOINT ["dotnet", "X.dll"]</c> of the last stage.</summary>
    public static IReadOnlyList<string> Entrypoint(DockerStage stage)
    {
        var entry = stage.Instructions.LastOrDefault(i => i.Keyword == "ENTRYPOINT")
            ?? throw new FormatException($"stage {stage.Name} has no ENTRYPOINT");
        var values = Regex.Matches(entry.Arguments, "\"((?:[^\"\\\\]|\\\\.)*)\"").Select(m => m.Groups[1].Value).ToList();
        return entry.Arguments.TrimStart().StartsWith('[') && values.Count > 0
            ? values
            : throw new FormatException($"line {entry.Line}: ENTRYPOINT is not in exec form");
    }

    /// <summary>Splits on white space, keeping quoted strings whole (without their quotes).</summary>
    public static List<string> Split(string text)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var inToken = false;
        char? quote = null;
        foreach (var c in text)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inToken = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inToken)
                {
                    result.Add(current.ToString());
                    current.Clear();
                    inToken = false;
                }
            }
            else
            {
                current.Append(c);
                inToken = true;
            }
        }

        if (inToken)
        {
            result.Add(current.ToString());
        }

        return result;
    }
}

/// <summary>
/// <c>.dockerignore</c> as Docker reads it: one pattern a line relative to the context root, <c>#</c> comments,
/// <c>*</c> and <c>?</c> within a path segment, <c>**</c> across any number of segments, a leading or trailing
/// <c>/</c> ignored, <c>!</c> re-including; the last matching pattern wins, and a pattern matching a directory
/// excludes everything under it.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules = [];

    public DockerIgnore(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = true;
            if (line.StartsWith('!'))
            {
                exclude = false;
                line = line[1..].Trim();
            }

            line = line.Trim('/');
            if (line.Length > 0)
            {
                _rules.Add((ToRegex(line), exclude));
            }
        }
    }

    public static DockerIgnore Load(string contextRoot)
    {
        var file = Path.Combine(contextRoot, ".dockerignore");
        return new DockerIgnore(File.Exists(file) ? File.ReadAllLines(file) : []);
    }

    /// <summary>Whether <paramref name="relativePath"/> (with <c>/</c> separators) stays out of the build context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var path = relativePath.Replace('\\', '/').Trim('/');
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (PathOrParentMatches(pattern, path))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    private static bool PathOrParentMatches(Regex pattern, string path)
    {
        for (var candidate = path; candidate.Length > 0; candidate = candidate.Contains('/') ? candidate[..candidate.LastIndexOf('/')] : "")
        {
            if (pattern.IsMatch(candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                    regex.Append("(?:.*/)?"); // "**/": zero or more whole segments
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}

/// <summary>
/// Replays a Dockerfile without a container runtime: each stage gets its own folder as its file system root under
/// <see cref="ScratchRoot"/>; <c>COPY</c> copies from the build context (honouring <c>.dockerignore</c>) or from an
/// earlier stage's root; <c>RUN</c> runs its <c>dotnet</c> commands on this machine in the mapped <c>WORKDIR</c>, with
/// absolute container paths in the arguments mapped into the stage's root. Base images contribute nothing: only what
/// the Dockerfile copies or builds is there.
/// </summary>
public sealed class DockerfileReplay
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(15);

    private readonly string _contextRoot;
    private readonly DockerIgnore _ignore;
    private readonly StringBuilder _log = new();

    public DockerfileReplay(string contextRoot, string scratchRoot)
    {
        _contextRoot = contextRoot;
        _ignore = DockerIgnore.Load(contextRoot);
        ScratchRoot = scratchRoot;
    }

    public string ScratchRoot { get; }

    /// <summary>Every command run and its output, for the failure message.</summary>
    public string Log => _log.ToString();

    /// <summary>The folder standing for the root of <paramref name="stage"/>'s file system.</summary>
    public string StageRoot(string stage) => Path.Combine(ScratchRoot, stage);

    /// <summary>Maps an absolute container path of <paramref name="stage"/> into its scratch root.</summary>
    public string Map(string stage, string containerPath) =>
        Path.GetFullPath(Path.Combine(StageRoot(stage), containerPath.TrimStart('/')));

    /// <summary>Runs every stage; returns the last stage's working directory (a mapped path) at its end.</summary>
    public async Task<string> RunAsync(IReadOnlyList<DockerStage> stages)
    {
        var workdir = "/";
        foreach (var stage in stages)
        {
            workdir = "/";
            var env = new Dictionary<string, string>(StringComparer.Ordinal);
            Directory.CreateDirectory(StageRoot(stage.Name));
            foreach (var instruction in stage.Instructions)
            {
                switch (instruction.Keyword)
                {
                    case "WORKDIR":
                        workdir = Resolve(workdir, instruction.Arguments.Trim());
                        Directory.CreateDirectory(Map(stage.Name, workdir));
                        break;
                    case "ENV":
                        foreach (var pair in Dockerfile.Split(instruction.Arguments))
                        {
                            var eq = pair.IndexOf('=', StringComparison.Ordinal);
                            if (eq > 0)
                            {
                                env[pair[..eq]] = pair[(eq + 1)..];
                            }
                        }

                        break;
                    case "COPY":
                        Copy(stages, stage, workdir, instruction);
                        break;
                    case "RUN":
                        await RunAsync(stage, workdir, env, instruction);
                        break;
                    default:
                        break; // EXPOSE, USER, ENTRYPOINT, CMD, LABEL: metadata
                }
            }
        }

        return Map(stages[^1].Name, workdir);
    }

    private static string Resolve(string workdir, string path) =>
        path.StartsWith('/') ? path : workdir.TrimEnd('/') + "/" + path;

    private void Copy(IReadOnlyList<DockerStage> stages, DockerStage stage, string workdir, DockerInstruction instruction)
    {
        var args = Dockerfile.Split(instruction.Arguments);
        string? from = null;
        while (args.Count > 0 && args[0].StartsWith("--", StringComparison.Ordinal))
        {
            if (args[0].StartsWith("--from=", StringComparison.Ordinal))
            {
                from = args[0]["--from=".Length..];
            }
            else if (!args[0].StartsWith("--link", StringComparison.Ordinal))
            {
                throw new NotSupportedException($"line {instruction.Line}: COPY {args[0]} is not replayed");
            }

            args.RemoveAt(0);
        }

        if (args.Count < 2 || args.Any(a => a.IndexOfAny(['*', '?', '[']) >= 0))
        {
            throw new NotSupportedException($"line {instruction.Line}: COPY needs plain sources and a destination");
        }

        var destination = Resolve(workdir, args[^1]);
        var sources = args[..^1];
        var intoDirectory = args[^1].EndsWith('/') || args[^1] is "." || sources.Count > 1;
        if (from is not null && stages.All(s => s.Name != from))
        {
            throw new NotSupportedException($"line {instruction.Line}: --from={from} is not a stage of this Dockerfile");
        }

        foreach (var source in sources)
        {
            // From the context: relative to its root, ".." cannot leave it. From a stage: a path of that stage.
            var sourcePath = from is null
                ? Path.GetFullPath(Path.Combine(_contextRoot, source.TrimStart('/')))
                : Map(from, source.StartsWith('/') ? source : "/" + source);
            var relative = from is null ? Path.GetRelativePath(_contextRoot, sourcePath).Replace('\\', '/') : null;
            if (relative is not null && (relative.StartsWith("..", StringComparison.Ordinal) || _ignore.IsExcluded(relative)))
            {
                throw new InvalidOperationException($"line {instruction.Line}: COPY {source}: not in the build context (excluded or outside it)");
            }

            if (Directory.Exists(sourcePath))
            {
                // A directory's contents go into the destination, not the directory itself.
                CopyTree(sourcePath, Map(stage.Name, destination), relative);
            }
            else if (File.Exists(sourcePath))
            {
                var target = intoDirectory ? Path.Combine(Map(stage.Name, destination), Path.GetFileName(sourcePath)) : Map(stage.Name, destination);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(sourcePath, target, overwrite: true);
            }
            else
            {
                throw new InvalidOperationException($"line {instruction.Line}: COPY {source}: no such file or directory");
            }
        }
    }

    /// <summary>Copies a tree; <paramref name="contextRelative"/> is its path in the build context (null for a stage).</summary>
    private void CopyTree(string source, string target, string? contextRelative)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos())
        {
            var childRelative = contextRelative is null ? null : (contextRelative is "." ? entry.Name : contextRelative + "/" + entry.Name);
            if (childRelative is not null && _ignore.IsExcluded(childRelative))
            {
                continue;
            }

            if (entry is DirectoryInfo directory)
            {
                CopyTree(directory.FullName, Path.Combine(target, entry.Name), childRelative);
            }
            else
            {
                File.Copy(entry.FullName, Path.Combine(target, entry.Name), overwrite: true);
            }
        }
    }

    private async Task RunAsync(DockerStage stage, string workdir, IReadOnlyDictionary<string, string> env, DockerInstruction instruction)
    {
        if (instruction.Arguments.TrimStart().StartsWith('[') || instruction.Arguments.StartsWith("--", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"line {instruction.Line}: only the shell form of RUN without flags is replayed");
        }

        foreach (var command in instruction.Arguments.Split("&&", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (command.IndexOfAny([';', '|', '>', '<', '`', '$']) >= 0)
            {
                throw new NotSupportedException($"line {instruction.Line}: '{command}' is more shell than the replay runs");
            }

            var args = Dockerfile.Split(command);
            if (args[0] != "dotnet")
            {
                throw new NotSupportedException($"line {instruction.Line}: only dotnet commands are replayed, not '{args[0]}'");
            }

            var mapped = args.Skip(1).Select(a => MapArgument(stage.Name, a)).ToList();
            if (mapped.Count > 0 && mapped[0] is "restore" or "build" or "publish" && !mapped.Contains("--disable-build-servers"))
            {
                mapped.Add("--disable-build-servers"); // leave no MSBuild node or compiler server behind
            }

            await ExecAsync(Map(stage.Name, workdir), env, mapped, instruction.Line);
        }
    }

    /// <summary>Maps <c>/abs/path</c> and <c>--option=/abs/path</c>; other arguments pass unchanged.</summary>
    private string MapArgument(string stage, string argument)
    {
        if (argument.StartsWith('/'))
        {
            return Map(stage, argument);
        }

        var eq = argument.IndexOf('=', StringComparison.Ordinal);
        return argument.StartsWith('-') && eq > 0 && eq + 1 < argument.Length && argument[eq + 1] == '/'
            ? argument[..(eq + 1)] + Map(stage, argument[(eq + 1)..])
            : argument;
    }

    private async Task ExecAsync(string workingDirectory, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> args, int line)
    {
        _log.Append("$ (line ").Append(line).Append(", in ").Append(workingDirectory).Append(") dotnet ").AppendLine(string.Join(' ', args));
        DeployTool.Result result;
        try
        {
            result = await DeployTool.RunAsync("dotnet", workingDirectory, CommandTimeout, args, environment =>
            {
                foreach (var (key, value) in env)
                {
                    environment[key] = value;
                }

                environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
                environment["DOTNET_NOLOGO"] = "1";
                environment["MSBUILDDISABLENODEREUSE"] = "1";

                // The test host's own MSBuild/dotnet settings must not leak into the replayed build.
                foreach (var key in environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) && k != "MSBUILDDISABLENODEREUSE").ToList())
                {
                    environment.Remove(key);
                }
            });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"line {line}: {ex.Message}", ex);
        }

        _log.AppendLine(result.StandardOutput).AppendLine(result.StandardError);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"line {line}: dotnet {string.Join(' ', args)} exited with {result.ExitCode}");
        }
    }
}
