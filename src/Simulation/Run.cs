using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Switchboard.Contracts;
using Switchboard.Grains.Conversations;
using Switchboard.Grains.Outbound;

namespace Switchboard.Simulation;

/// <summary>One schedule, start to bound: its senders text, the webhook hands their messages over (Twilio delivers again
/// what was refused, and now and then what was not), faults strike, then the guarantees are checked.</summary>
internal static class Run
{
    /// <summary>After the last message, this much simulated time for everything to settle: the "no stall" bound.</summary>
    public const long SettleMs = 45 * 60_000;

    private static readonly DeepCopier Copier = new ServiceCollection()
        .AddSerializer(s => s.AddAssembly(typeof(ConversationState).Assembly).AddAssembly(typeof(InboundSms).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<DeepCopier>();

    private static readonly ConversationOptions Conversation = new()
    {
        MaxPendingMessages = 3,
        StepMaxAttempts = 3,
        StepRetryBackoff = TimeSpan.FromSeconds(2),
        StepTimeout = TimeSpan.FromSeconds(30),
        ReminderPeriod = TimeSpan.FromMinutes(1),
        ReminderIdleRelease = TimeSpan.FromMinutes(10),
    };

    private static readonly OutboundOptions Outbound = new()
    {
        MaxAttempts = 6,
        InitialBackoff = TimeSpan.FromSeconds(2),
        MaxBackoff = TimeSpan.FromMinutes(1),
        ReminderPeriod = TimeSpan.FromMinutes(1),
    };

    /// <summary>A replay's --trace: every schedule run writes its events here.</summary>
    public static Action<string>? TraceTo { get; set; }

    public static (List<string> Violations, FaultCounts Faults) Schedule(Schedule schedule)
    {
        var world = new SimWorld(schedule) { TraceTo = TraceTo };
        var storage = new SimStorage(world, Copier);
        var history = new SimHistory(world);
        var agents = new SimAgents(world);
        var recorder = new Recorder(world.Loop);
        storage.Stored = (key, before, after) =>
        {
            if (after is ConversationState now && (before as ConversationState)?.OptedOut != now.OptedOut)
            {
                recorder.OptChanged(key["conversation/".Length..], now.OptedOut); // a STOP or START is in force once stored
            }
        };
        SimRuntime? runtime = null;
        var twilio = new SimTwilio(world, (id, status, sid) =>
        {
            if (world.Up)
            {
                _ = runtime!.Call<SimOutbound>(id, o => o.RecordStatus(status, sid)); // Twilio does not retry a status callback
            }
        });
        var twilioOptions = new TwilioOptions { FromNumber = "+15005550006" };
        runtime = new SimRuntime(world, (rt, key) => key.Contains(':')
            ? new SimOutbound(rt, key, storage, twilio, Outbound, twilioOptions)
            : new SimConversation(rt, key, storage, history, agents, Conversation, schedule.SlowSteps, recorder));

        var lastInput = Traffic(world, runtime, recorder);
        CrashNowAndThen(world, lastInput + 60_000);
        world.Loop.Run(lastInput + SettleMs);
        return ([.. world.Deadlocks, .. Invariants.Check(recorder, storage, history, twilio)], world.Faults);
    }

    /// <summary>Plans every sender's messages up front (STOP, START and erasures among them); returns when the last is sent.</summary>
    private static long Traffic(SimWorld world, SimRuntime runtime, Recorder recorder)
    {
        long last = 0;
        for (var s = 0; s < world.Schedule.Senders; s++)
        {
            var phone = $"+1555010{s:D4}";
            var at = s * 137L;
            for (var m = 0; m < world.Schedule.Messages; m++)
            {
                at += 200 + (world.Choices.Draw() * 300L);
                var draw = world.Choices.Draw();
                var body = draw == 1 && m > 0 ? "STOP" : draw == 2 && m > 0 ? "START" : $"log {m + 1}h on Apollo";
                if (body != $"log {m + 1}h on Apollo")
                {
                    world.Faults.Add("optOutMidTurn");
                }

                var sms = new InboundSms($"SM{s:D2}{m:D30}", phone, "+15005550006", body, SimLoop.Epoch + TimeSpan.FromMilliseconds(at));
                world.Loop.At(at, () => Deliver(world, runtime, recorder, sms, attempt: 1));
                if (draw == 3 && m > 0)
                {
                    world.Faults.Add("eraseMidTurn");
                    world.Loop.At(at + 100, () => Erase(world, runtime, recorder, phone, attempt: 1));
                }

                last = Math.Max(last, at);
            }
        }

        return last;
    }

    /// <summary>Durable acknowledgement: 2xx once the conversation stored the message; Twilio delivers again what it did not get a 2xx for.</summary>
    private static async void Deliver(SimWorld world, SimRuntime runtime, Recorder recorder, InboundSms sms, int attempt)
    {
        try
        {
            world.Trace($"webhook: {sms.MessageSid} \"{sms.Body}\" from {sms.From}, attempt {attempt}");
            var outcome = await runtime.Call<SimConversation, AcceptOutcome>(sms.From, c => c.Accept(sms));
            world.Trace($"webhook: {sms.MessageSid} acknowledged: {outcome}");
            recorder.Acknowledged(sms.From, sms.MessageSid, sms.Body, outcome);
            if (world.Choices.Draw() == 1)
            {
                world.Faults.Add("redelivery"); // Twilio delivers an acknowledged message again
                world.Loop.At(1_000, () => Deliver(world, runtime, recorder, sms, attempt + 1));
            }
        }
        catch (Exception ex)
        {
            world.Trace($"webhook: {sms.MessageSid} refused: {ex.Message}");
            if (attempt < 8)
            {
                world.Loop.At(3_000, () => Deliver(world, runtime, recorder, sms, attempt + 1));
            }
        }
    }

    /// <summary>An operator's erasure: tried again until it goes through.</summary>
    private static async void Erase(SimWorld world, SimRuntime runtime, Recorder recorder, string phone, int attempt)
    {
        try
        {
            await runtime.Call<SimConversation>(phone, c => c.Erase());
            recorder.Erased(phone);
        }
        catch
        {
            if (attempt < 20)
            {
                world.Loop.At(2_000, () => Erase(world, runtime, recorder, phone, attempt + 1));
            }
        }
    }

    private static void CrashNowAndThen(SimWorld world, long untilMs)
    {
        world.Loop.At(250, () =>
        {
            if (world.Loop.Now < untilMs)
            {
                if (world.Up && world.Choices.Draw() == Simulation.Schedule.MaxChoice)
                {
                    world.Crash();
                }

                CrashNowAndThen(world, untilMs);
            }
        });
    }
}
