using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>
/// The admin contract for requests that are wrong: no key is 401 whatever the body or query, and with the key every
/// 4xx is problem details saying what is wrong, in every environment, never echoing the request's headers.
/// </summary>
[Collection(HttpCollection.Name)]
public sealed class AdminErrorTests(HttpFixture fixture)
{
    private const string EmployeePath = "/admin/employees/%2B15550100070";

    public static TheoryData<string> Environments => new() { "Development", "Production" };

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task Without_the_key_any_admin_request_is_401_before_its_body_or_query_is_read(string environment)
    {
        await using var host = Host(environment, out _);
        var client = host.CreateClient();
        var wrongKey = host.CreateClient();
        wrongKey.DefaultRequestHeaders.Add("X-Api-Key", "not-the-admin-key-at-all");

        foreach (var http in new[] { client, wrongKey })
        {
            var badJson = await http.PutAsync(EmployeePath, new StringContent("{bad", Encoding.UTF8, "application/json"));
            var plainText = await http.PutAsync(EmployeePath, new StringContent("name=Ann", Encoding.UTF8, "text/plain"));
            var badQuery = await http.GetAsync("/admin/outbound?state=failed&take=abc");
            var upperCase = await http.GetAsync("/ADMIN/outbound?state=failed&take=abc");

            foreach (var response in new[] { badJson, plainText, badQuery, upperCase })
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                await AssertProblemAsync(response, "X-Api-Key");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Environments))]
    public async Task With_the_key_a_request_that_cannot_be_bound_is_problem_details_saying_why_and_not_an_error_in_the_log(string environment)
    {
        await using var host = Host(environment, out var log);
        var admin = host.CreateAdminClient();

        var badJson = await admin.PutAsync(EmployeePath, new StringContent("{bad", Encoding.UTF8, "application/json"));
        var plainText = await admin.PutAsync(EmployeePath, new StringContent("name=Ann", Encoding.UTF8, "text/plain"));
        var form = await admin.PutAsync(EmployeePath, new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "Ann" }));
        var badQuery = await admin.GetAsync("/admin/outbound?state=failed&take=abc");

        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        await AssertProblemAsync(badJson, "JSON");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plainText.StatusCode);
        await AssertProblemAsync(plainText, "JSON");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, form.StatusCode);
        await AssertProblemAsync(form, "JSON");
        Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
        await AssertProblemAsync(badQuery, "take");
        Assert.DoesNotContain(log, e => e.Level >= LogLevel.Error);
    }

    /// <summary>The answer is problem details whose title or detail mentions <paramref name="about"/>, with no stack trace and no header echoed.</summary>
    private static async Task AssertProblemAsync(HttpResponseMessage response, string about)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)response.StatusCode, problem.GetProperty("status").GetInt32());
        var said = $"{problem.GetProperty("title").GetString()} {(problem.TryGetProperty("detail", out var d) ? d.GetString() : "")}";
        Assert.Contains(about, said, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(SwitchboardFactory.AdminKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-admin-key-at-all", text, StringComparison.Ordinal);
        Assert.DoesNotContain("headers", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    private WebApplicationFactory<Program> Host(string environment, out ConcurrentQueue<LogEntry> log)
    {
        var entries = new ConcurrentQueue<LogEntry>();
        log = entries;
        return new SwitchboardFactory(fixture.Azurite.ConnectionString, fixture.Twilio.BaseUrl, environment: environment)
            .WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(new CapturingLoggerProvider(entries))));
    }

    public sealed record LogEntry(LogLevel Level, string Category, string Message);

    private sealed class CapturingLoggerProvider(ConcurrentQueue<LogEntry> entries) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(entries, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<LogEntry> entries, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(logLevel, category, formatter(state, exception)));
        }
    }
}
