using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Conversations;

/// <summary>A cluster whose grain storage counts writes per state name.</summary>
public class StorageCostClusterFixture : ClusterFixture
{
    public CountingGrainStorage Storage { get; private set; } = null!;

    protected override void ConfigureStorage(ISiloBuilder silo) =>
        silo.Services.AddGrainStorage(StorageNames.State, (sp, _) => Storage = new CountingGrainStorage(sp.GetRequiredService<Serializer>()));
}

/// <summary>The same with Agents:StepDelayMs, as a slow model would be.</summary>
public sealed class SlowStepsStorageCostClusterFixture : StorageCostClusterFixture
{
    protected override Dictionary<string, string?> Settings()
    {
        var settings = base.Settings();
        settings["Agents:StepDelayMs"] = "1";
        return settings;
    }
}

/// <summary>
/// What a turn costs in storage writes, the capacity of the whole service on a storage account: a rules turn writes
/// the conversation once, on receipt (its fast steps are not checkpointed), and its reply twice (intent with the
/// attempt, then the result), however old the conversation; slow steps are checkpointed one by one.
/// </summary>
public sealed class StorageCostTests(StorageCostClusterFixture fixture) : IClassFixture<StorageCostClusterFixture>
{
    [Fact]
    public async Task A_rules_turn_writes_the_conversation_once_and_its_reply_twice_at_any_age()
    {
        var conversations = new ConversationDriver(fixture);
        var phone = await conversations.RegisterAsync();
        await conversations.SayAsync(phone, "help");

        var young = await MeasureTurnsAsync(conversations, phone, 10);
        for (var i = 0; i < 60; i++)
        {
            await conversations.SayAsync(phone, i % 2 == 0 ? "log 0.1h on Apollo today" : "check my timesheet");
        }

        var aged = await MeasureTurnsAsync(conversations, phone, 10);

        Assert.Equal((10, 20, 5), (young.Conversation, young.Outbound, young.Timesheet));
        Assert.Equal((10, 20, 5), (aged.Conversation, aged.Outbound, aged.Timesheet));
        // The state written does not grow with the conversation's age past its dedupe record (64 ids of 16 bytes).
        Assert.True(aged.ConversationBytes / 10 < 2048, $"{aged.ConversationBytes / 10} bytes per conversation write");
    }

    private async Task<Cost> MeasureTurnsAsync(ConversationDriver conversations, string phone, int turns)
    {
        var storage = fixture.Storage;
        await SettledAsync();
        var (conversation, outbound, timesheet, bytes) = (storage.Writes("conversation"), storage.Writes("outbound"), storage.Writes("timesheet"), storage.Bytes("conversation"));
        for (var i = 0; i < turns; i++)
        {
            await conversations.SayAsync(phone, i % 2 == 0 ? "log 0.1h on Zeus today" : "check my timesheet");
        }

        await SettledAsync();
        return new Cost(
            storage.Writes("conversation") - conversation,
            storage.Writes("outbound") - outbound,
            storage.Writes("timesheet") - timesheet,
            storage.Bytes("conversation") - bytes);
    }

    /// <summary>Waits until no write has happened for a while: the last reply's result is written after Twilio answered.</summary>
    private async Task SettledAsync()
    {
        var last = -1;
        while (fixture.Storage.Writes("outbound") is var now && now != last)
        {
            last = now;
            await Task.Delay(300);
        }
    }

    private sealed record Cost(int Conversation, int Outbound, int Timesheet, long ConversationBytes);
}

public sealed class SlowStepsStorageCostTests(SlowStepsStorageCostClusterFixture fixture) : IClassFixture<SlowStepsStorageCostClusterFixture>
{
    [Fact]
    public async Task A_turn_of_slow_steps_is_checkpointed_after_every_step()
    {
        var conversations = new ConversationDriver(fixture);
        var phone = await conversations.RegisterAsync();
        await conversations.SayAsync(phone, "help");
        var before = fixture.Storage.Writes("conversation");

        await conversations.SayAsync(phone, "check my timesheet");

        Assert.Equal(1 + 5, fixture.Storage.Writes("conversation") - before); // the message, then each of the five steps
    }
}
