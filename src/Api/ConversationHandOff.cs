using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// How a webhook (Twilio's, SendGrid's) hands a message to its conversation before it answers: a one-way call, or the
/// awaited inbox write (Webhook:AckMode), within Webhook:AcceptTimeout.
/// </summary>
public static class ConversationHandOff
{
    /// <summary>The first pause before handing a message off again after the cluster refused it; doubled each time.</summary>
    public static readonly TimeSpan FirstRetryPause = TimeSpan.FromMilliseconds(200);

    /// <summary>Null once handed off; otherwise why not, and the webhook answers 503 so the message comes again.</summary>
    public static async Task<string?> TryAsync(IGrainFactory grains, InboundSms message, WebhookOptions webhook, TimeProvider time, CancellationToken aborted)
    {
        var conversation = grains.GetGrain<IConversationGrain>(message.From);
        var deadline = time.GetUtcNow() + webhook.AcceptTimeout;
        for (var pause = FirstRetryPause; ; pause *= 2)
        {
            try
            {
                Task handOff = webhook.AckMode == AckMode.Durable
                    ? conversation.Accept(message)
                    : conversation.Enqueue(message); // one-way: completes as soon as the call is sent

                // Hung storage (not down, just silent) would hold the answer past the caller's patience; a 503 in time
                // lets it deliver again. If the write completes after all, the redelivery is dropped as a duplicate.
                await handOff.WaitAsync(Remaining(deadline, time), time, aborted);
                return null;
            }
            catch (TimeoutException)
            {
                return $"no answer within Webhook:AcceptTimeout ({webhook.AcceptTimeout})";
            }
            catch (Exception ex) when (ex is OrleansMessageRejectionException or SiloUnavailableException
                && Remaining(deadline, time) > pause && !aborted.IsCancellationRequested)
            {
                // The silo holding the conversation just died and is not yet declared dead: the cluster refuses the
                // call at once. Once membership catches up (seconds) the conversation activates elsewhere, so asking
                // again within the deadline turns a refusal Twilio would have to redeliver into a late 200. Safe to
                // repeat: the conversation drops a MessageSid it already has.
                await Task.Delay(pause, time, aborted);
            }
            catch (Exception ex)
            {
                return PhoneMask.Describe(ex);
            }
        }
    }

    private static TimeSpan Remaining(DateTimeOffset deadline, TimeProvider time) =>
        deadline - time.GetUtcNow() is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero;
}
