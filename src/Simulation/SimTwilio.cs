using Switchboard.Contracts;
using Switchboard.Grains.Outbound;

namespace Switchboard.Simulation;

/// <summary>A message Twilio took: the ground truth the invariants read.</summary>
internal sealed record TwilioMessage(string Sid, string OutboundId, string To, string Body, long AtMs);

/// <summary>
/// Twilio's Messages API as the outbound shell meets it: it takes the message or answers 429, a 5xx, a proxy's empty
/// 502 (having taken it or not), a permanent error, a refused connection, or takes it and the answer is lost (a
/// timeout); it lists the messages it took; it posts status callbacks, sometimes twice, late, out of order or before
/// the REST answer.
/// </summary>
internal sealed class SimTwilio(SimWorld world, Action<string, string, string> statusCallback)
{
    private const long LatencyMs = 20;
    private const long ClientTimeoutMs = 10_000;

    private readonly List<TwilioMessage> _taken = [];

    public IReadOnlyList<TwilioMessage> Taken => _taken;

    public Task<SendResult> SendAsync(string outboundId, OutboundSms message)
    {
        var draw = world.Choices.Draw();
        var taken = draw is 0 or < 27 or 30 or 31 or 35;
        var answerMs = draw is 31 or 32 ? ClientTimeoutMs : LatencyMs;
        if (draw == 31)
        {
            world.Faults.Add("twilioTimeoutAfterAccept");
        }

        world.Trace($"Twilio asked to send {outboundId} (answer {draw})");
        string? sid = null;
        if (taken)
        {
            world.Loop.At(LatencyMs / 2, () => sid = Take(outboundId, message));
        }

        return world.Effect(answerMs, () => draw switch
        {
            27 => new SendResult(SendOutcome.Retryable, HttpStatus: 429, ErrorCode: "20429", Error: "Too Many Requests"),
            28 => new SendResult(SendOutcome.Retryable, HttpStatus: 500, ErrorCode: "20500", Error: "Internal Server Error"),
            29 or 30 => new SendResult(SendOutcome.Retryable, HttpStatus: 502, Error: "Bad Gateway") { NotFromTwilio = true },
            31 or 32 => new SendResult(SendOutcome.Retryable, Error: "The request timed out"),
            33 => new SendResult(SendOutcome.Permanent, HttpStatus: 400, ErrorCode: "21211", Error: "invalid number"),
            34 => new SendResult(SendOutcome.Retryable, Error: "Connection refused") { NeverSent = true },
            35 => throw new UnexpectedTwilioAnswerException("Twilio answered HTTP 201 without a message sid"),
            _ => SendResult.Accepted(sid!),
        });
    }

    /// <summary>Reconciliation's list: a message to that number with that body, created at or after <paramref name="since"/> (whole seconds).</summary>
    public Task<string?> FindSentAsync(OutboundSms message, DateTimeOffset since)
    {
        var from = (since - SimLoop.Epoch).Ticks / TimeSpan.TicksPerSecond * 1000;
        return world.Effect(LatencyMs, () =>
        {
            if (world.Choices.Draw() == Schedule.MaxChoice)
            {
                throw new InvalidOperationException("Twilio's message list answered 503");
            }

            return _taken.LastOrDefault(m => m.To == message.To && m.Body == message.Body && m.AtMs >= from)?.Sid;
        });
    }

    private string Take(string outboundId, OutboundSms message)
    {
        var sid = $"SM{_taken.Count + 1:D32}";
        _taken.Add(new TwilioMessage(sid, outboundId, message.To, message.Body, world.Loop.Now));
        world.Trace($"Twilio took {outboundId} as {sid}");

        // Status callbacks: "sent" then "delivered", normally a while after the REST answer.
        var draw = world.Choices.Draw();
        long sent = 2_000, delivered = 4_000;
        switch (draw)
        {
            case 1: // before the REST answer reaches us
                (sent, delivered) = (1, 2);
                world.Faults.Add("statusOutOfOrder");
                break;
            case 2: // delivered first
                (sent, delivered) = (4_000, 2_000);
                world.Faults.Add("statusOutOfOrder");
                break;
            case 3: // repeated
                world.Loop.At(delivered + 500, () => statusCallback(outboundId, "delivered", sid));
                world.Faults.Add("statusOutOfOrder");
                break;
            case 4: // late
                (sent, delivered) = (60_000, 120_000);
                world.Faults.Add("statusOutOfOrder");
                break;
        }

        world.Loop.At(sent, () => statusCallback(outboundId, "sent", sid));
        world.Loop.At(delivered, () => statusCallback(outboundId, "delivered", sid));
        return sid;
    }
}
