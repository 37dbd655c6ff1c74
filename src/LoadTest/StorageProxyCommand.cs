using System.CommandLine;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Switchboard.LoadTest;

/// <summary>Requests, request body bytes and response body bytes of one kind of storage request.</summary>
public sealed record OpCount(long Requests, long RequestBytes, long ResponseBytes)
{
    public static readonly OpCount Zero = new(0, 0, 0);

    public OpCount Add(long requestBytes, long responseBytes) => new(Requests + 1, RequestBytes + requestBytes, ResponseBytes + responseBytes);

    public OpCount Minus(OpCount earlier) => new(Requests - earlier.Requests, RequestBytes - earlier.RequestBytes, ResponseBytes - earlier.ResponseBytes);

    public OpCount Plus(OpCount other) => new(Requests + other.Requests, RequestBytes + other.RequestBytes, ResponseBytes + other.ResponseBytes);
}

/// <summary>
/// What the storage proxy has forwarded so far: totals per HTTP method, per table and method, per status code, and
/// the Azure Table batches (<c>POST $batch</c>, counted as one request; the operations inside are counted apart).
/// </summary>
public sealed record StorageSnapshot(
    OpCount Total,
    SortedDictionary<string, OpCount> Methods,
    SortedDictionary<string, OpCount> Tables,
    SortedDictionary<string, long> Statuses,
    long BatchRequests,
    long BatchOperations,
    long Queries)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static StorageSnapshot Empty => new(OpCount.Zero, [], [], [], 0, 0, 0);

    /// <summary>What happened between <paramref name="earlier"/> and this snapshot.</summary>
    public StorageSnapshot Minus(StorageSnapshot earlier) => new(
        Total.Minus(earlier.Total),
        Combine(Methods, earlier.Methods, (a, b) => a.Minus(b), OpCount.Zero, c => c.Requests != 0),
        Combine(Tables, earlier.Tables, (a, b) => a.Minus(b), OpCount.Zero, c => c.Requests != 0),
        Combine(Statuses, earlier.Statuses, (a, b) => a - b, 0, c => c != 0),
        BatchRequests - earlier.BatchRequests,
        BatchOperations - earlier.BatchOperations,
        Queries - earlier.Queries);

    /// <summary>Two windows together.</summary>
    public StorageSnapshot Plus(StorageSnapshot other) => new(
        Total.Plus(other.Total),
        Combine(Methods, other.Methods, (a, b) => a.Plus(b), OpCount.Zero, c => c.Requests != 0),
        Combine(Tables, other.Tables, (a, b) => a.Plus(b), OpCount.Zero, c => c.Requests != 0),
        Combine(Statuses, other.Statuses, (a, b) => a + b, 0, c => c != 0),
        BatchRequests + other.BatchRequests,
        BatchOperations + other.BatchOperations,
        Queries + other.Queries);

    /// <summary>Requests that change storage: every method but GET and HEAD.</summary>
    public long Writes => Methods.Where(m => !IsRead(m.Key)).Sum(m => m.Value.Requests);

    /// <summary>Point reads: GET of one entity (its keys in the URL). Queries (GET without keys, range scans) are apart.</summary>
    public long Reads => Methods.Where(m => IsRead(m.Key)).Sum(m => m.Value.Requests) - Queries;

    public static bool IsRead(string method) => method is "GET" or "HEAD";

    private static SortedDictionary<string, T> Combine<T>(
        SortedDictionary<string, T> left, SortedDictionary<string, T> right, Func<T, T, T> combine, T zero, Func<T, bool> keep)
    {
        var result = new SortedDictionary<string, T>(StringComparer.Ordinal);
        foreach (var key in left.Keys.Union(right.Keys))
        {
            var value = combine(left.TryGetValue(key, out var l) ? l : zero, right.TryGetValue(key, out var r) ? r : zero);
            if (keep(value))
            {
                result[key] = value;
            }
        }

        return result;
    }
}

/// <summary>Thread-safe counters of the storage proxy.</summary>
public sealed partial class StorageCounters
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, OpCount> _methods = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, OpCount> _tables = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _statuses = new(StringComparer.Ordinal);
    private OpCount _total = OpCount.Zero;
    private long _batchRequests;
    private long _batchOperations;
    private long _queries;

    /// <summary>Counts one forwarded request. <paramref name="path"/> is the request target as sent (path and query).</summary>
    public void Record(string method, string path, int status, ReadOnlySpan<byte> requestBody, long responseBytes)
    {
        method = method.ToUpperInvariant();
        var table = TableOf(path);
        var batchOperations = table == "$batch" ? CountBatchOperations(requestBody) : 0;
        var kind = table == "$batch" ? null : KindOf(path, requestBody);
        lock (_lock)
        {
            _total = _total.Add(requestBody.Length, responseBytes);
            _methods[method] = (_methods.TryGetValue(method, out var m) ? m : OpCount.Zero).Add(requestBody.Length, responseBytes);
            var key = kind is null ? $"{table} {method}" : $"{table} {kind} {method}";
            _tables[key] = (_tables.TryGetValue(key, out var t) ? t : OpCount.Zero).Add(requestBody.Length, responseBytes);
            var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _statuses[code] = (_statuses.TryGetValue(code, out var s) ? s : 0) + 1;
            if (kind is null && method is "GET" or "HEAD" && table != "$batch")
            {
                _queries++;
            }

            if (table == "$batch")
            {
                _batchRequests++;
                _batchOperations += batchOperations;
            }
        }
    }

    public StorageSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new StorageSnapshot(
                _total,
                new SortedDictionary<string, OpCount>(_methods, StringComparer.Ordinal),
                new SortedDictionary<string, OpCount>(_tables, StringComparer.Ordinal),
                new SortedDictionary<string, long>(_statuses, StringComparer.Ordinal),
                _batchRequests,
                _batchOperations,
                _queries);
        }
    }

    /// <summary>
    /// The table a Table-service request is about: <c>/account/Name(PartitionKey='..',RowKey='..')?..</c> → Name,
    /// <c>/account/Tables('Name')</c> → Tables, <c>/account/$batch</c> → $batch.
    /// </summary>
    public static string TableOf(string path)
    {
        var end = path.IndexOf('?');
        var p = end < 0 ? path : path[..end];
        var segments = p.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2)
        {
            return segments.Length == 1 ? segments[0] : "/";
        }

        var name = segments[1];
        var paren = name.IndexOf('(');
        return Uri.UnescapeDataString(paren < 0 ? name : name[..paren]);
    }

    /// <summary>
    /// What an entity request is about, from its RowKey (in the URL, or in the body of an insert) up to the first
    /// underscore: Orleans grain state rows are keyed by state name (<c>conversation</c>), reminder rows by grain id
    /// (<c>outboundsms_…</c> → <c>outboundsms</c>). Null for queries and table requests.
    /// </summary>
    public static string? KindOf(string path, ReadOnlySpan<byte> requestBody)
    {
        var end = path.IndexOf('?');
        var match = RowKeyInPath().Match(end < 0 ? path : path[..end]);
        string rowKey;
        if (match.Success)
        {
            rowKey = Uri.UnescapeDataString(match.Groups[1].Value).Replace("''", "'", StringComparison.Ordinal);
        }
        else if (!requestBody.IsEmpty && RowKeyInBody().Match(Encoding.UTF8.GetString(requestBody)) is { Success: true } body)
        {
            rowKey = body.Groups[1].Value;
        }
        else
        {
            return null;
        }

        var underscore = rowKey.IndexOf('_');
        var kind = underscore > 0 ? rowKey[..underscore] : rowKey;
        return kind.Length > 40 ? kind[..40] : kind;
    }

    [GeneratedRegex(@"RowKey='((?:[^']|'')*)'")]
    private static partial Regex RowKeyInPath();

    [GeneratedRegex(@"""RowKey""\s*:\s*""([^""]*)""")]
    private static partial Regex RowKeyInBody();

    /// <summary>Operations inside a multipart batch body: its request lines (<c>PUT http://… HTTP/1.1</c>).</summary>
    public static int CountBatchOperations(ReadOnlySpan<byte> body) => BatchRequestLine().Count(Encoding.UTF8.GetString(body));

    [GeneratedRegex(@"^(GET|POST|PUT|PATCH|MERGE|DELETE) \S+ HTTP/1\.1\r?$", RegexOptions.Multiline)]
    private static partial Regex BatchRequestLine();
}

/// <summary>
/// The <c>storage-proxy</c> command: a counting reverse proxy in front of a storage endpoint (Azurite's table port).
/// Each request is forwarded as sent (same target, headers and body, so shared-key signatures still match) and counted;
/// <c>GET /__counters</c> answers the counters as JSON.
/// </summary>
public static class StorageProxyCommand
{
    public const string CountersPath = "/__counters";

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Proxy-Connection", "Proxy-Authorization", "Expect", "Host",
    };

    private static readonly Option<string> Listen = new("--listen")
    {
        Description = "Loopback address and port to listen on, e.g. 127.0.0.1:10412.",
        Required = true,
    };

    private static readonly Option<Uri> Target = new("--target")
    {
        Description = "Base URL requests are forwarded to, e.g. http://127.0.0.1:10402 (Azurite's table endpoint). Loopback only.",
        Required = true,
        CustomParser = LoopbackUrl,
    };

    private static readonly Option<FileInfo?> Log = new("--log") { Description = "Also append one line per request (method, status, bytes, target) to this file." };

    /// <summary>Parses an option's value as a loopback http(s) URL.</summary>
    public static Uri LoopbackUrl(System.CommandLine.Parsing.ArgumentResult result)
    {
        if (result.Tokens.Count == 1 && ValueParsers.TryParseLoopbackUrl(result.Tokens[0].Value, out var url))
        {
            return url;
        }

        result.AddError($"{(result.Parent as System.CommandLine.Parsing.OptionResult)?.Option.Name ?? "the option"} expects a loopback http(s) URL.");
        return null!;
    }

    public static Command Create()
    {
        var command = new Command("storage-proxy", "Counting reverse proxy for a storage endpoint: requests and body bytes per HTTP method and table; GET /__counters.")
        {
            Listen, Target, Log,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(Listen) is { } listen && (!IPEndPoint.TryParse(listen, out var ep) || !IPAddress.IsLoopback(ep.Address) || ep.Port == 0))
            {
                result.AddError("--listen expects a loopback address with a port, e.g. 127.0.0.1:10412.");
            }
        });
        command.SetAction((parse, cancel) => RunAsync(
            IPEndPoint.Parse(parse.GetRequiredValue(Listen)), parse.GetRequiredValue(Target), parse.GetValue(Log), cancel));
        return command;
    }

    public static async Task<int> RunAsync(IPEndPoint listen, Uri target, FileInfo? log, CancellationToken cancel)
    {
        var counters = new StorageCounters();
        await using var app = Build(listen, target, counters, log);
        await app.StartAsync(cancel);
        Console.WriteLine($"storage proxy on http://{listen} -> {target} (counters: GET http://{listen}{CountersPath})");
        try
        {
            await Task.Delay(Timeout.Infinite, cancel);
        }
        catch (OperationCanceledException)
        {
        }

        await app.StopAsync(CancellationToken.None);
        Console.WriteLine(JsonSerializer.Serialize(counters.Snapshot(), StorageSnapshot.Json));
        return 0;
    }

    /// <summary>The proxy as a web application (not started).</summary>
    public static WebApplication Build(IPEndPoint listen, Uri target, StorageCounters counters, FileInfo? log = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(listen);
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
        });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(100) };
        var logLock = new Lock();
        var baseUrl = target.GetLeftPart(UriPartial.Authority);
        app.Run(async context =>
        {
            if (context.Request.Path == CountersPath && HttpMethods.IsGet(context.Request.Method))
            {
                await context.Response.WriteAsJsonAsync(counters.Snapshot(), StorageSnapshot.Json);
                return;
            }

            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path + context.Request.QueryString;
            var (status, requestBody, responseBytes) = await ForwardAsync(http, baseUrl, rawTarget, context);
            counters.Record(context.Request.Method, rawTarget, status, requestBody, responseBytes);
            if (log is not null)
            {
                var line = $"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {context.Request.Method} {status} req={requestBody.Length} resp={responseBytes} {rawTarget}\n";
                lock (logLock)
                {
                    File.AppendAllText(log.FullName, line);
                }
            }
        });
        app.Lifetime.ApplicationStopped.Register(http.Dispose);
        return app;
    }

    private static async Task<(int Status, byte[] RequestBody, long ResponseBytes)> ForwardAsync(HttpClient http, string baseUrl, string rawTarget, HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();

        // The target exactly as received: shared-key signatures cover the (escaped) path.
        var uri = new Uri(baseUrl + rawTarget, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), uri);
        var hasBody = body.Length > 0 || context.Request.ContentLength is > 0 || context.Request.Headers.ContentType.Count > 0;
        if (hasBody)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values) && request.Content is not null)
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return (StatusCodes.Status502BadGateway, body, 0);
        }

        using (response)
        {
            var content = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
            var status = (int)response.StatusCode;
            context.Response.StatusCode = status;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name) && !name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            if (status is not (204 or 304) && !HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.ContentLength = content.Length;
                await context.Response.Body.WriteAsync(content, context.RequestAborted);
            }

            return (status, body, content.Length);
        }
    }
}
