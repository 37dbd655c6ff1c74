using System.Text.Json.Nodes;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.OpenAI;

/// <summary>
/// The test cluster with <c>Agents:Provider=OpenAI</c> against a <see cref="FakeOpenAIServer"/> that plays a small,
/// deterministic model: it maps the SMS texts of the conversation tests to plans, and writes replies from the facts.
/// </summary>
public class OpenAIClusterFixture : ClusterFixture
{
    public FakeOpenAIServer Model { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        // The endpoint must be known before the silo reads its configuration.
        Model = await FakeOpenAIServer.StartAsync();
        Model.ReplyWriter = WriteReply;
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Model.DisposeAsync();
    }

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        foreach (var (key, value) in OpenAIAgentServices.Settings(Model.Endpoint))
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The fake model's writing: short, factual, in its own words (not the Rules composer's).</summary>
    private static string WriteReply(JsonNode facts)
    {
        var outcome = facts["outcome"];
        var entry = outcome?["entry"];
        var total = outcome?["week"]?["totalHours"]?.ToString() ?? "0";
        return outcome?["kind"]?.GetValue<string>() switch
        {
            "Logged" => $"Done: {entry?["hours"]}h on {entry?["project"]}. You have {total}h this week.",
            "Removed" => $"Took off {entry?["hours"]}h on {entry?["project"]}. You have {total}h this week.",
            "Status" => $"This week: {string.Join(", ", outcome!["week"]!["entries"]!.AsArray().Select(e => $"{e!["project"]} {e["hours"]}h"))}. {total}h in all.",
            "Submitted" => $"Your week is submitted with {total}h.",
            "Rejected" => $"Sorry, {outcome!["problem"]}",
            "Clarify" => facts["plan"]?["clarification"]?.GetValue<string>() ?? "Could you say that again?",
            _ => "You can text 'log 8h on Apollo today', 'check my timesheet', 'undo' or 'submit'.",
        };
    }
}

[CollectionDefinition(Name)]
public sealed class OpenAIClusterCollection : ICollectionFixture<OpenAIClusterFixture>
{
    public const string Name = "openai-cluster";
}
