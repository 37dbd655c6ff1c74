extern alias loadtool;

using System.Net;
using System.Net.Sockets;
using System.Text;
using loadtool::Switchboard.LoadTest;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.LoadTool;

/// <summary>The storage proxy of scripts/measure-storage.sh: what it counts, and that it forwards requests unchanged.</summary>
public sealed class StorageProxyTests
{
    [Theory]
    [InlineData("/devstoreaccount1/OrleansGrainState(PartitionKey='switchboard_conversation_%2B1555',RowKey='conversation')?$format=x", "OrleansGrainState", "conversation")]
    [InlineData("/devstoreaccount1/OrleansReminders(PartitionKey='switchboard_6655A852',RowKey='outboundsms_%2B1555%3ASM1%3Areply-outbound-retry')", "OrleansReminders", "outboundsms")]
    [InlineData("/devstoreaccount1/OrleansReminders()?$filter=%28PartitionKey%20gt%20%27a%27%29", "OrleansReminders", null)]
    [InlineData("/devstoreaccount1/Tables?$format=x", "Tables", null)]
    [InlineData("/devstoreaccount1/$batch", "$batch", null)]
    public void Requests_are_attributed_to_their_table_and_row_kind(string path, string table, string? kind)
    {
        Assert.Equal(table, StorageCounters.TableOf(path));
        Assert.Equal(kind, StorageCounters.KindOf(path, []));
    }

    [Fact]
    public void Counts_per_method_table_and_status_with_body_bytes_and_batches_as_one_request()
    {
        var counters = new StorageCounters();
        var before = counters.Snapshot();
        counters.Record("PUT", "/acct/OrleansGrainState(PartitionKey='p',RowKey='conversation')", 204, new byte[1000], 0);
        counters.Record("put", "/acct/OrleansGrainState(PartitionKey='p',RowKey='conversation')", 204, new byte[500], 0);
        counters.Record("POST", "/acct/OrleansGrainState", 204, Encoding.UTF8.GetBytes("""{"PartitionKey":"p","RowKey":"employee","Data":"AA=="}"""), 0);
        counters.Record("GET", "/acct/OrleansGrainState(PartitionKey='p',RowKey='timesheet')", 404, [], 198);
        var batch = "--b\r\nContent-Type: application/http\r\n\r\nPUT http://h/acct/T(PartitionKey='a',RowKey='b') HTTP/1.1\r\n\r\n{}\r\n"
            + "--b\r\nContent-Type: application/http\r\n\r\nDELETE http://h/acct/T(PartitionKey='a',RowKey='c') HTTP/1.1\r\n\r\n--b--\r\n";
        counters.Record("POST", "/acct/$batch", 202, Encoding.UTF8.GetBytes(batch), 50);
        counters.Record("GET", "/acct/OrleansReminders()?$filter=x", 200, [], 97);

        var window = counters.Snapshot().Minus(before);

        Assert.Equal(6, window.Total.Requests);
        Assert.Equal(4, window.Writes);
        Assert.Equal(1, window.Reads);
        Assert.Equal(1, window.Queries);
        Assert.Equal(new OpCount(2, 1500, 0), window.Methods["PUT"]);
        Assert.Equal(2, window.Methods["POST"].Requests);
        Assert.Equal(new OpCount(2, 1500, 0), window.Tables["OrleansGrainState conversation PUT"]);
        Assert.Equal(1, window.Tables["OrleansGrainState employee POST"].Requests);
        Assert.Equal(198, window.Tables["OrleansGrainState timesheet GET"].ResponseBytes);
        Assert.Equal(1, window.Tables["$batch POST"].Requests);
        Assert.Equal(1, window.BatchRequests);
        Assert.Equal(2, window.BatchOperations);
        Assert.Equal(3, window.Statuses["204"]);

        var later = counters.Snapshot();
        counters.Record("DELETE", "/acct/OrleansReminders(PartitionKey='h',RowKey='conversation_x-wakeup')", 204, [], 0);
        var next = counters.Snapshot().Minus(later);
        Assert.Equal(["DELETE"], next.Methods.Keys);
        Assert.Equal(7, window.Plus(next).Total.Requests);
    }

    [Fact]
    public async Task Forwards_the_request_target_headers_and_body_unchanged_and_counts_them()
    {
        string? seenTarget = null, seenHeader = null, seenBody = null;
        var targetPort = FreePort();
        var target = WebApplication.CreateSlimBuilder();
        target.WebHost.UseUrls($"http://127.0.0.1:{targetPort}");
        target.Logging.ClearProviders();
        await using var storage = target.Build();
        storage.Run(async context =>
        {
            seenTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            seenHeader = context.Request.Headers["x-ms-date"];
            seenBody = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Response.StatusCode = 201;
            context.Response.Headers.ETag = "W/\"1\"";
            await context.Response.WriteAsync("created!");
        });
        await storage.StartAsync();

        var counters = new StorageCounters();
        var listen = new IPEndPoint(IPAddress.Loopback, FreePort());
        await using var proxy = StorageProxyCommand.Build(listen, new Uri($"http://127.0.0.1:{targetPort}"), counters);
        await proxy.StartAsync();

        using var http = new HttpClient();
        const string path = "/devstoreaccount1/OrleansGrainState(PartitionKey='switchboard_conversation_%2B1555',RowKey='conversation')?$format=a%2Fb";
        using var request = new HttpRequestMessage(HttpMethod.Put, $"http://{listen}{path}") { Content = new StringContent("{\"a\":1}") };
        request.Headers.Add("x-ms-date", "Mon, 30 Nov 2026 03:00:00 GMT");
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("created!", await response.Content.ReadAsStringAsync());
        Assert.Equal("W/\"1\"", response.Headers.ETag?.ToString());
        Assert.Equal(path, seenTarget);
        Assert.Equal("Mon, 30 Nov 2026 03:00:00 GMT", seenHeader);
        Assert.Equal("{\"a\":1}", seenBody);
        // Counted as the exchange completes, which may be just after the client has the response.
        await Eventually.HoldsAsync(
            () => Task.FromResult(counters.Snapshot().Tables.ContainsKey("OrleansGrainState conversation PUT")), TimeSpan.FromSeconds(5), "the request to be counted");
        Assert.Equal(new OpCount(1, 7, 8), counters.Snapshot().Tables["OrleansGrainState conversation PUT"]);

        var json = await http.GetStringAsync($"http://{listen}{StorageProxyCommand.CountersPath}");
        Assert.Contains("\"writes\": 1", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_driver_alternates_logs_and_checks_and_never_fills_a_day()
    {
        var today = new DateOnly(2026, 11, 30);
        var texts = Enumerable.Range(0, 400).Select(turn => StorageTurnsCommand.MessageFor(turn, today)).ToList();

        Assert.Equal("log 1h on Apollo 2026-11-29", texts[0]);
        Assert.Equal("check my timesheet", texts[1]);
        var days = texts.Where(t => t.StartsWith("log ", StringComparison.Ordinal)).GroupBy(t => t).ToList();
        Assert.All(days, d => Assert.True(d.Count() <= 20, d.Key));
        Assert.Equal(10, days.Count);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
