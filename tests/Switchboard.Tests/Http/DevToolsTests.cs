using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Switchboard.Api;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

/// <summary>The developer's tools say what is wrong, and let through what the service accepts.</summary>
[Collection(HttpCollection.Name)]
public sealed class DevToolsTests(HttpFixture fixture)
{
    private const string Token = "send-sms-test-token";

    [Fact]
    public async Task The_dev_phone_says_the_number_is_not_valid_when_it_is_not()
    {
        var response = await fixture.Factory.CreateClient().PostAsJsonAsync("/dev/phone/send", new { from = "abc", body = "hi" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not a valid phone number", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_dev_phone_refuses_an_unknown_channel_naming_the_channels()
    {
        var response = await fixture.Factory.CreateClient().PostAsJsonAsync("/dev/phone/send", new { from = TestSms.NewPhone(), body = "hi", channel = "fax" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        var detail = JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString();
        Assert.Contains("Sms", detail);
        Assert.Contains("WhatsApp", detail);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_sms_script_sends_an_empty_body_signed()
    {
        await using var receiver = await SignedFormReceiver.StartAsync();

        var (exitCode, output) = await RunScriptAsync(receiver.BaseUrl, "+15550100001", "");

        Assert.True(exitCode == 0, output);
        var form = Assert.Single(receiver.Forms);
        Assert.True(form.SignatureValid, "the script's signature is not Twilio's");
        Assert.Equal("", form.Body);
        Assert.Equal("+15550100001", form.From);
    }

    [Fact]
    public async Task Send_sms_script_still_needs_the_body_argument()
    {
        await using var receiver = await SignedFormReceiver.StartAsync();

        var (exitCode, output) = await RunScriptAsync(receiver.BaseUrl, "+15550100001");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("usage", output, StringComparison.Ordinal);
        Assert.Empty(receiver.Forms);
    }

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(string baseUrl, params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "scripts", "send-sms.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["SWITCHBOARD_URL"] = baseUrl;
        start.Environment["TWILIO_AUTH_TOKEN"] = Token;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>A loopback stand-in for the webhook that checks each post with the service's own signature check.</summary>
    private sealed class SignedFormReceiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<Received> _forms = new();

        private SignedFormReceiver(WebApplication app) => _app = app;

        public sealed record Received(string From, string Body, bool SignatureValid);

        public string BaseUrl => _app.Urls.First();

        public IReadOnlyList<Received> Forms => [.. _forms];

        public static async Task<SignedFormReceiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var receiver = new SignedFormReceiver(builder.Build());
            receiver._app.MapPost("/twilio/sms", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                var valid = TwilioSignature.IsValid(request, form, Token, null);
                receiver._forms.Enqueue(new Received(form["From"].ToString(), form["Body"].ToString(), valid));
                return valid ? Results.Ok() : Results.StatusCode(StatusCodes.Status403Forbidden);
            });
            await receiver._app.StartAsync();
            return receiver;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }
}
