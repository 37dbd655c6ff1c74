using Switchboard.Contracts;
using Switchboard.Grains.Employees;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.OpenAI;

/// <summary>
/// The conversation of the Rules end-to-end test (Agents/TimesheetConversationTests), with the planner and
/// composer behind the fake OpenAI-compatible endpoint: SMS in, model calls, timesheet grain, reply out.
/// </summary>
[Collection(OpenAIClusterCollection.Name)]
public sealed class OpenAIConversationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly OpenAIClusterFixture _fixture;

    private ConversationDriver Conversations => new(_fixture);

    public OpenAIConversationTests(OpenAIClusterFixture fixture)
    {
        _fixture = fixture;
        var plans = fixture.Model.Plans;
        plans["log 8h on Apollo today"] = """{"intent":"Log","hours":8,"project":"Apollo","date":"{today}"}""";
        plans["check my timesheet"] = """{"intent":"Status"}""";
        plans["undo"] = """{"intent":"Undo"}""";
        plans["log 7.5 hours Apollo today"] = """{"intent":"Log","hours":7.5,"project":"Apollo","date":"{today}"}""";
        plans["submit"] = """{"intent":"Submit"}""";
        plans["log 1h on Apollo today"] = """{"intent":"Log","hours":1,"project":"Apollo","date":"{today}"}""";
        plans["log 2h on Zeus today"] = """{"intent":"Log","hours":2,"project":"Zeus","date":"{today}"}""";
        plans["log 3h on Apollo today"] = """{"intent":"Log","hours":3,"project":"Apollo","date":"{today}"}""";
        plans["log 4h on Hermes today"] = """{"intent":"Log","hours":4,"project":"Hermes","date":"{today}"}""";
        plans["log Apollo"] = """{"intent":"Log","project":"Apollo","clarification":"How many hours on Apollo?"}""";
        plans["log 25h on Apollo today"] = """{"intent":"Log","hours":25,"project":"Apollo","date":"{today}"}""";
        plans["log 5h on Apollo today"] = """{"intent":"Log","hours":5,"project":"Apollo","date":"{today}"}""";
    }

    [Fact]
    public async Task Logs_checks_undoes_and_submits_a_week_by_sms()
    {
        var (logged, status, undone, relogged, submitted, locked, help) = await Conversations.LiveAWeekAsync();

        Assert.Contains("Done: 8h on Apollo. You have 8h this week.", logged, StringComparison.Ordinal);
        Assert.Contains("This week: Apollo 8h. 8h in all.", status, StringComparison.Ordinal);
        Assert.Contains("Took off 8h on Apollo. You have 0h this week.", undone, StringComparison.Ordinal);
        Assert.Contains("You have 7.5h this week.", relogged, StringComparison.Ordinal);
        Assert.Contains("Your week is submitted with 7.5h.", submitted, StringComparison.Ordinal);
        Assert.Contains("already submitted", locked, StringComparison.Ordinal);
        Assert.Contains("'log 8h on Apollo today'", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Four_logs_back_to_back_are_answered_in_order_with_running_totals()
    {
        var phone = await Conversations.RegisterAsync();
        var replies = await Conversations.BurstAsync(phone, "log 1h on Apollo today", "log 2h on Zeus today", "log 3h on Apollo today", "log 4h on Hermes today");

        Assert.Contains("Done: 1h on Apollo. You have 1h this week.", replies[0], StringComparison.Ordinal);
        Assert.Contains("You have 3h this week.", replies[1], StringComparison.Ordinal);
        Assert.Contains("You have 6h this week.", replies[2], StringComparison.Ordinal);
        Assert.Contains("You have 10h this week.", replies[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asks_when_the_hours_are_missing_and_refuses_impossible_hours()
    {
        var phone = await Conversations.RegisterAsync();

        var question = await Conversations.SayAsync(phone, "log Apollo");
        var refused = await Conversations.SayAsync(phone, "log 25h on Apollo today");
        var status = await Conversations.SayAsync(phone, "check my timesheet");

        Assert.Contains("How many hours on Apollo?", question, StringComparison.Ordinal);
        Assert.Contains("at most 24", refused, StringComparison.Ordinal);
        Assert.DoesNotContain("25", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_conversation_view_shows_the_tokens_of_each_step_that_called_the_model()
    {
        var phone = await Conversations.RegisterAsync();
        await Conversations.SayAsync(phone, "log 8h on Apollo today");

        var conversation = _fixture.Grains.GetGrain<IConversationGrain>(phone);
        TurnView? turn = null;
        await Eventually.HoldsAsync(async () => (turn = (await conversation.GetView()).RecentTurns.SingleOrDefault()) is not null, Timeout, "the turn in the history");

        var steps = turn!.Steps.ToDictionary(s => s.Step, s => (s.InputTokens, s.OutputTokens));
        var oneCall = ((long?)FakeOpenAIServer.PromptTokens, (long?)FakeOpenAIServer.CompletionTokens);
        Assert.Equal(oneCall, steps["plan"]);
        Assert.Equal(oneCall, steps["compose"]);
        Assert.All(["timesheet", "brand", "validate"], rules => Assert.Equal((null, null), steps[rules]));
        Assert.Equal((2L * FakeOpenAIServer.PromptTokens, 2L * FakeOpenAIServer.CompletionTokens), (turn.InputTokens!.Value, turn.OutputTokens!.Value));
    }

    [Fact]
    public async Task A_model_outage_is_retried_by_the_conversation_and_the_turn_answered()
    {
        var phone = await Conversations.RegisterAsync();
        var conversation = _fixture.Grains.GetGrain<IConversationGrain>(phone);
        var before = _fixture.Model.Requests.Count;

        // Two failures: within the conversation's default three attempts per step.
        _fixture.Model.FailNext(2);
        await conversation.Accept(TestSms.From(phone, "log 5h on Apollo today"));

        var replies = await _fixture.Outbox.WaitForAsync(phone, 1, Timeout);
        Assert.Contains("Done: 5h on Apollo.", Assert.Single(replies).Body, StringComparison.Ordinal);
        Assert.Equal(4, _fixture.Model.Requests.Count - before); // plan twice refused, plan, compose
    }
}
