using Switchboard.Contracts;

namespace Switchboard.Api;

/// <summary>
/// How a webhook (Twilio's, SendGrid's) hands a message to its conversation before it answers: a one-way call, or the
/// awaited inbox write (Webhook:AckMode), within Webhook:AcceptTimeout.
/// </summary>
public static class ConversationHandOff
{
    /// <summary>Null once handed off; otherwise why not, and the webhook answers 503 so the message comes again.</summary>
    public static async Task<string?> TryAsync(IGrainFactory grains, InboundSms message, WebhookOptions webhook, TimeProvider time, CancellationToken aborted)
    {
        var conversation = grains.GetGrain<IConversationGrain>(message.From);
        try
        {
            Task handOff = webhook.AckMode == AckMode.Durable
                ? conversation.Accept(message)
                : conversation.Enqueue(message); // one-way: completes as soon as the call is sent

            // Hung storage (not down, just silent) would hold the answer past the caller's patience; a 503 in time lets
            // it deliver again. If the write completes after all, the redelivery is dropped as a duplicate.
            await handOff.WaitAsync(webhook.AcceptTimeout, time, aborted);
            return null;
        }
        catch (TimeoutException)
        {
            return $"no answer within Webhook:AcceptTimeout ({webhook.AcceptTimeout})";
        }
        catch (Exception ex)
        {
            return PhoneMask.Describe(ex);
        }
    }
}
