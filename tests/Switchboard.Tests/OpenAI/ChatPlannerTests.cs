using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Grains.Agents;

namespace Switchboard.Tests.OpenAI;

public sealed class ChatPlannerTests : IAsyncLifetime
{
    private static readonly DateOnly Today = new(2026, 11, 25);

    private readonly ConcurrentQueue<string> _logLines = new();
    private FakeOpenAIServer _server = null!;
    private ServiceProvider _services = null!;

    private IPlanner Planner => _services.GetRequiredService<IPlanner>();

    public async Task InitializeAsync()
    {
        _server = await FakeOpenAIServer.StartAsync();
        _services = OpenAIAgentServices.Build(OpenAIAgentServices.Settings(_server.Endpoint), _logLines);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Plans_a_log_message_through_the_endpoint_as_structured_json()
    {
        _server.Plans["log 8h on Apollo today"] = """{"intent":"Log","hours":8,"project":"Apollo","date":"2026-11-25","clarification":null}""";

        var plan = await Planner.PlanAsync(new PlanningInput("log 8h on Apollo today", Today), CancellationToken.None);

        Assert.Equal(new TurnPlan(Intent.Log) { Hours = 8m, Project = "Apollo", Date = Today }, plan);
        var request = Assert.Single(_server.Requests);
        Assert.Equal(OpenAIAgentServices.Model, request.Model);
        Assert.Equal($"Bearer {OpenAIAgentServices.ApiKey}", request.Authorization);
        Assert.Equal("json_schema", request.ResponseFormat);
        Assert.Contains("intent", request.Body["response_format"]!["json_schema"]!["schema"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("log 8h on Apollo today", request.UserText);
        Assert.Contains("2026-11-25", request.SystemText, StringComparison.Ordinal);
        Assert.Contains("check my timesheet", request.SystemText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Falls_back_to_plain_json_mode_on_a_server_that_refuses_a_json_schema_and_stays_there()
    {
        _server.RefuseJsonSchema = true;
        _server.Plans["log 8h on Apollo today"] = """{"intent":"Log","hours":8,"project":"Apollo","date":"2026-11-25"}""";
        _server.Plans["status"] = """{"intent":"Status"}""";

        var log = await Planner.PlanAsync(new PlanningInput("log 8h on Apollo today", Today), CancellationToken.None);
        var status = await Planner.PlanAsync(new PlanningInput("status", Today), CancellationToken.None);

        Assert.Equal(new TurnPlan(Intent.Log) { Hours = 8m, Project = "Apollo", Date = Today }, log);
        Assert.Equal(new TurnPlan(Intent.Status), status);
        Assert.Equal(["json_schema", "json_object", "json_object"], _server.Requests.Select(r => r.ResponseFormat));
        var userTexts = _server.LastRequest.Texts("user").ToList();
        Assert.Equal(2, userTexts.Count); // the SMS, and now the schema as one more user message
        Assert.Contains("\"properties\"", userTexts[1], StringComparison.Ordinal);
        Assert.Single(_logLines, line => line.Contains("refused a JSON schema", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Keeps_asking_with_a_json_schema_when_the_plain_request_fails_too()
    {
        _server.FailWithStatus = StatusCodes.Status400BadRequest;

        await Assert.ThrowsAnyAsync<Exception>(() => Planner.PlanAsync(new PlanningInput("status", Today), CancellationToken.None));
        _server.FailWithStatus = null;
        await Planner.PlanAsync(new PlanningInput("status", Today), CancellationToken.None);

        Assert.Equal(["json_schema", "json_object", "json_schema"], _server.Requests.Select(r => r.ResponseFormat));
        Assert.DoesNotContain(_logLines, line => line.Contains("refused a JSON schema", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fills_in_today_when_the_model_gives_no_date_and_drops_arguments_of_other_intents()
    {
        _server.Plans["log 7h30 Zeus"] = """{"intent":"log","hours":"7.5","project":" Zeus "}""";
        _server.Plans["status"] = """{"intent":"Status","hours":3,"project":"Apollo"}""";

        var log = await Planner.PlanAsync(new PlanningInput("log 7h30 Zeus", Today), CancellationToken.None);
        var status = await Planner.PlanAsync(new PlanningInput("status", Today), CancellationToken.None);

        Assert.Equal(new TurnPlan(Intent.Log) { Hours = 7.5m, Project = "Zeus", Date = Today }, log);
        Assert.Equal(new TurnPlan(Intent.Status), status);
    }

    [Fact]
    public async Task Reads_a_plan_wrapped_in_a_code_fence()
    {
        _server.Plans["log 4h Zeus mon"] = "Sure!\n```json\n{\"intent\":\"Log\",\"hours\":4,\"project\":\"Zeus\",\"date\":\"2026-11-23\"}\n```";

        var plan = await Planner.PlanAsync(new PlanningInput("log 4h Zeus mon", Today), CancellationToken.None);

        Assert.Equal(new TurnPlan(Intent.Log) { Hours = 4m, Project = "Zeus", Date = new DateOnly(2026, 11, 23) }, plan);
    }

    [Theory]
    [InlineData("this is not json {")]
    [InlineData("")]
    [InlineData("""{"intent":"DeleteEverything"}""")]
    [InlineData("""{"intent":7}""")]
    [InlineData("""{"hours":8}""")]
    [InlineData("""[1,2,3]""")]
    [InlineData("""{"intent":"Submit","clarification":"Submit what?"}""")]
    public async Task Answers_help_when_the_model_answers_garbage(string answer)
    {
        _server.Plans["log 8h on Apollo today"] = answer;

        var plan = await Planner.PlanAsync(new PlanningInput("log 8h on Apollo today", Today), CancellationToken.None);

        Assert.Equal(Intent.Help, plan.Intent);
        Assert.Null(plan.Hours);
        Assert.Null(plan.Project);
    }

    [Theory]
    [InlineData("""{"intent":"Log","hours":99,"project":"Apollo","date":"2026-11-25"}""")]
    [InlineData("""{"intent":"Log","hours":0,"project":"Apollo"}""")]
    [InlineData("""{"intent":"Log","hours":-3,"project":"Apollo"}""")]
    [InlineData("""{"intent":"Log","project":"Apollo"}""")]
    [InlineData("""{"intent":"Log","hours":8}""")]
    [InlineData("""{"intent":"Log","hours":8,"project":"   "}""")]
    [InlineData("""{"intent":"Log","hours":8,"project":"Apollo","date":"1999-01-01"}""")]
    public async Task Asks_the_sender_to_clarify_an_impossible_log(string answer)
    {
        _server.Plans["log 99h on Apollo today"] = answer;

        var plan = await Planner.PlanAsync(new PlanningInput("log 99h on Apollo today", Today), CancellationToken.None);

        Assert.Equal(Intent.Log, plan.Intent);
        Assert.False(string.IsNullOrWhiteSpace(plan.Clarification));
        Assert.Null(plan.Hours);
        Assert.Null(plan.Project);
    }

    [Fact]
    public async Task Passes_on_the_models_own_question_as_a_clarification()
    {
        _server.Plans["log Apollo"] = """{"intent":"Log","project":"Apollo","clarification":"How many hours did you work on Apollo?"}""";

        var plan = await Planner.PlanAsync(new PlanningInput("log Apollo", Today), CancellationToken.None);

        Assert.Equal(new TurnPlan(Intent.Log) { Clarification = "How many hours did you work on Apollo?" }, plan);
    }

    [Fact]
    public async Task Never_logs_the_api_key()
    {
        _server.Plans["log 8h on Apollo today"] = """{"intent":"Log","hours":99,"project":"Apollo"}""";

        await Planner.PlanAsync(new PlanningInput("log 8h on Apollo today", Today), CancellationToken.None);

        Assert.NotEmpty(_logLines);
        Assert.DoesNotContain(_logLines, line => line.Contains(OpenAIAgentServices.ApiKey, StringComparison.Ordinal));
    }
}
