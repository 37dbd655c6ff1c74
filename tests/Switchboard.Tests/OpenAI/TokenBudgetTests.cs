using System.Diagnostics.Metrics;
using Switchboard.Contracts;
using Switchboard.Grains.Agents.Tokens;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Telemetry;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.OpenAI;

/// <summary>The OpenAI test cluster with Agents:MaxTokensPerTurn below what one model call spends.</summary>
public sealed class TurnTokenBudgetFixture : OpenAIClusterFixture
{
    public const int MaxTokensPerTurn = 50;

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Agents:MaxTokensPerTurn"] = $"{MaxTokensPerTurn}";
        return settings;
    }
}

/// <summary>The OpenAI test cluster with an Agents:DailyTokenBudget that one turn (two model calls) spends.</summary>
public sealed class DailyTokenBudgetFixture : OpenAIClusterFixture
{
    public const int DailyTokenBudget = 200;

    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Agents:DailyTokenBudget"] = $"{DailyTokenBudget}";
        return settings;
    }
}

public sealed class TurnTokenBudgetTests(TurnTokenBudgetFixture fixture) : IClassFixture<TurnTokenBudgetFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_turn_that_spent_its_budget_makes_no_further_model_call_and_the_sender_gets_the_apology()
    {
        fixture.Model.Plans["check my timesheet"] = """{"intent":"Status"}""";
        var phone = await new ConversationDriver(fixture).RegisterAsync();
        var sms = TestSms.From(phone, "check my timesheet");
        var before = fixture.Model.Requests.Count;

        await fixture.Grains.GetGrain<IConversationGrain>(phone).Accept(sms);

        var reply = Assert.Single(await fixture.Outbox.WaitForAsync(phone, 1, Timeout));
        Assert.Equal(TurnEngine.ApologyReply, reply.Body);
        // The plan's call spent 120 tokens of 50: the composer's call was never made.
        Assert.Equal(1, fixture.Model.Requests.Count - before);

        var turn = await RecordedTurnAsync(phone);
        Assert.Equal(nameof(TurnOutcome.OverTokenBudget), turn.Outcome);
        Assert.Contains("compose: Agents:MaxTokensPerTurn (50) spent", turn.Error, StringComparison.Ordinal);
        Assert.Equal((FakeOpenAIServer.PromptTokens, FakeOpenAIServer.CompletionTokens), (turn.InputTokens, turn.OutputTokens));
        var plan = turn.Steps.Single(s => s.Step == "plan");
        Assert.Equal((FakeOpenAIServer.PromptTokens, FakeOpenAIServer.CompletionTokens), (plan.InputTokens, plan.OutputTokens));
        Assert.DoesNotContain(turn.Steps, s => s.Step == "compose"); // stopped before its call, so never done
    }

    private async Task<TurnView> RecordedTurnAsync(string phone)
    {
        var conversation = fixture.Grains.GetGrain<IConversationGrain>(phone);
        TurnView? turn = null;
        await Eventually.HoldsAsync(async () => (turn = (await conversation.GetView()).RecentTurns.SingleOrDefault()) is not null, Timeout, "the turn in the history");
        return turn!;
    }
}

public sealed class DailyTokenBudgetTests(DailyTokenBudgetFixture fixture) : IClassFixture<DailyTokenBudgetFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Past_the_services_daily_budget_the_rules_answer_without_a_model_call_and_are_counted()
    {
        var model = fixture.Model;
        model.Plans["log 8h on Apollo today"] = """{"intent":"Log","hours":8,"project":"Apollo","date":"{today}"}""";
        model.Plans["log 2h on Zeus today"] = """{"intent":"Log","hours":2,"project":"Zeus","date":"{today}"}""";
        using var fallbacks = new CounterWatch(SwitchboardMetrics.DailyBudgetFallbacks.Name);
        var conversations = new ConversationDriver(fixture);
        var phone = await conversations.RegisterAsync();

        // Two calls of 120 tokens: the model's turn, which spends the day's 200.
        var byModel = await conversations.SayAsync(phone, "log 8h on Apollo today");
        var requests = model.Requests.Count;
        var byRules = await conversations.SayAsync(phone, "log 2h on Zeus today");

        Assert.Contains("Done: 8h on Apollo. You have 8h this week.", byModel, StringComparison.Ordinal); // the fake model's words
        Assert.StartsWith("Logged 2h on Zeus for ", byRules, StringComparison.Ordinal); // the rules' words
        Assert.Contains("Week total: 10h.", byRules, StringComparison.Ordinal);
        Assert.Equal(requests, model.Requests.Count);
        Assert.Equal(2, fallbacks.Total); // plan and compose

        // The cluster's day, kept by one grain that each silo reports to once a second.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var day = fixture.Grains.GetGrain<IDailyTokenSpendGrain>(0);
        await Eventually.HoldsAsync(async () => await day.Add(today, 0) == 2 * (FakeOpenAIServer.PromptTokens + FakeOpenAIServer.CompletionTokens), Timeout, "the day's spend reported");
    }

    /// <summary>Sums what one switchboard counter counts while it is watched.</summary>
    private sealed class CounterWatch : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public CounterWatch(string instrument)
        {
            _listener.InstrumentPublished = (i, listener) =>
            {
                if (i.Meter.Name == SwitchboardMetrics.MeterName && i.Name == instrument)
                {
                    listener.EnableMeasurementEvents(i);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _total, value));
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }
}
