using Microsoft.Extensions.DependencyInjection;
using Switchboard.Grains.Agents;

namespace Switchboard.Tests.OpenAI;

public sealed class ChatComposerTests : IAsyncLifetime
{
    private FakeOpenAIServer _server = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        _services = OpenAIAgentServices.Build(OpenAIAgentServices.Settings(_server.Endpoint));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Returns_the_models_text_written_from_the_plan_and_outcome()
    {
        _server.Reply = "  Logged 8h on Apollo for Wed 25 Nov. This week: 8h.\n";
        var day = new DateOnly(2026, 11, 25);
        var entry = new TimesheetEntryView(day, "Apollo", 8m);
        var context = new TurnContext("+15550100001", "SM123", "log 8h on Apollo today", DateTimeOffset.UnixEpoch)
        {
            Today = day,
            Plan = new TurnPlan(Intent.Log) { Hours = 8m, Project = "Apollo", Date = day },
            Outcome = new TimesheetOutcome(OutcomeKind.Logged) { Entry = entry, Week = new WeekView(new DateOnly(2026, 11, 23), [entry], false) },
        };

        var reply = await _services.GetRequiredService<IComposer>().ComposeAsync(context, CancellationToken.None);

        Assert.Equal("Logged 8h on Apollo for Wed 25 Nov. This week: 8h.", reply);
        var request = Assert.Single(_server.Requests);
        Assert.Null(request.ResponseFormat);
        Assert.Equal(OpenAIAgentServices.Model, request.Model);
        Assert.Contains("\"kind\":\"Logged\"", request.UserText, StringComparison.Ordinal);
        Assert.Contains("\"project\":\"Apollo\"", request.UserText, StringComparison.Ordinal);
        Assert.Contains("\"totalHours\":8", request.UserText, StringComparison.Ordinal);
        Assert.Contains("\"intent\":\"Log\"", request.UserText, StringComparison.Ordinal);
        Assert.Contains("\"today\":\"2026-11-25\"", request.UserText, StringComparison.Ordinal);
        Assert.DoesNotContain("+15550100001", request.UserText + request.SystemText, StringComparison.Ordinal);
        Assert.Contains("320", request.SystemText, StringComparison.Ordinal);
    }
}
