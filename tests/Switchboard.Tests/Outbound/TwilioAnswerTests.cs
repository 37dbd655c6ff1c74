using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Outbound;

/// <summary>
/// How raw HTTP answers, as the real Twilio SDK sees them, end a reply: retried, rejected, or given up after a bounded
/// number of attempts. Timing is asserted on the attempts the grain recorded, never on the test's own clock.
/// </summary>
[Collection(TwilioClusterCollection.Name)]
public sealed class TwilioAnswerTests(TwilioClusterFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private FakeTwilioServer Twilio => fixture.Twilio;

    [Fact]
    public async Task A_proxy_502_with_an_empty_body_is_looked_up_then_retried_and_the_message_sent_once()
    {
        var (phone, outbound) = NewOutbound();
        Twilio.ScriptFor(phone, FakeAnswer.Empty(502), FakeAnswer.Empty(502));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        var view = await FinishedAsync(outbound);
        await Task.Delay(300); // nothing more is sent after the acceptance

        Assert.Equal(DeliveryStatus.Accepted, view.Status);
        Assert.Equal(["Retryable", "Retryable", "Accepted"], view.Attempts.Select(a => a.Outcome));
        Assert.Equal([502, 502, 201], view.Attempts.Select(a => a.HttpStatus));
        Assert.Equal(3, Twilio.Messages.Count(m => m.To == phone));
        Assert.Equal(view.TwilioSid, Assert.Single(Twilio.AcceptedTo(phone)).Sid);

        // A 502 that is not a Twilio error came from something in between, which may have passed the request on: each
        // retry first asked Twilio's message list, which did not have it, so nothing was sent twice.
        Assert.False(view.PossibleDuplicate);
    }

    [Fact]
    public async Task An_attempt_Twilio_took_whose_answer_was_lost_is_found_in_its_list_and_not_sent_again()
    {
        var (phone, outbound) = NewOutbound();
        Twilio.ScriptFor(phone, FakeAnswer.AcceptedAnswerLost);

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        var view = await FinishedAsync(outbound);
        await Task.Delay(300); // nothing more is sent after the adoption

        var taken = Assert.Single(Twilio.AcceptedTo(phone));
        Assert.Equal(DeliveryStatus.Accepted, view.Status);
        Assert.Equal(taken.Sid, view.TwilioSid);
        Assert.Single(Twilio.Messages, m => m.To == phone); // one request: the lookup replaced the second
        Assert.Equal(["Retryable", "Accepted"], view.Attempts.Select(a => a.Outcome));
        Assert.Contains("Twilio's message list", view.Attempts[1].Error);
    }

    [Fact]
    public async Task A_lost_answer_is_not_sent_blind_while_Twilios_list_cannot_be_read()
    {
        var (phone, outbound) = NewOutbound();
        Twilio.ScriptFor(phone, FakeAnswer.AcceptedAnswerLost);
        Twilio.ScriptList(FakeAnswer.TwilioError(500, 20500));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        var view = await FinishedAsync(outbound);

        Assert.Equal(DeliveryStatus.Accepted, view.Status);
        Assert.Single(Twilio.AcceptedTo(phone));
        Assert.Single(Twilio.Messages, m => m.To == phone);
        Assert.Equal(["Retryable", "Unknown", "Accepted"], view.Attempts.Select(a => a.Outcome));
        Assert.Contains("could not read Twilio's message list", view.Attempts[1].Error);
    }

    [Fact]
    public async Task An_HTML_503_from_a_proxy_is_retried_not_rejected()
    {
        var (phone, outbound) = NewOutbound();
        Twilio.ScriptFor(phone, FakeAnswer.Html(503));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        var view = await FinishedAsync(outbound);

        Assert.Equal(DeliveryStatus.Accepted, view.Status);
        Assert.Equal(["Retryable", "Accepted"], view.Attempts.Select(a => a.Outcome));
        Assert.Equal(503, view.Attempts[0].HttpStatus);
        Assert.Single(Twilio.AcceptedTo(phone));
    }

    [Fact]
    public async Task A_Twilio_400_with_error_21211_is_rejected_after_one_attempt()
    {
        var (phone, outbound) = NewOutbound();
        Twilio.ScriptFor(phone, FakeAnswer.TwilioError(400, 21211));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        var view = await FinishedAsync(outbound);
        await Task.Delay(300);

        Assert.Equal(DeliveryStatus.Rejected, view.Status);
        Assert.Equal("21211", view.ErrorCode);
        Assert.Equal(400, Assert.Single(view.Attempts).HttpStatus);
        Assert.Single(Twilio.Messages, m => m.To == phone);
        Assert.False(view.PossibleDuplicate);
    }

    [Theory]
    [InlineData("created without a sid")]
    [InlineData("created, body not JSON")]
    public async Task An_unexpected_answer_every_time_gives_up_after_MaxAttempts_and_releases_the_next_reply(string kind)
    {
        var (phone, first) = NewOutbound();
        var unexpected = kind == "created without a sid" ? FakeAnswer.CreatedWithoutSid : FakeAnswer.CreatedNotJson;
        Twilio.ScriptFor(phone, [.. Enumerable.Repeat(unexpected, TwilioClusterFixture.MaxAttempts)]);
        var nextId = OutboundId.For(phone, TestSms.NewSid(), "test");
        var next = fixture.Grains.GetGrain<IOutboundSmsGrain>(nextId);

        await first.Send(new OutboundSms(phone, "first", "test"));
        await next.Send(new OutboundSms(phone, "second", "test") { After = first.GetPrimaryKeyString() });
        var nextView = await FinishedAsync(next);

        var view = (await first.GetView())!;
        Assert.Equal(DeliveryStatus.GaveUp, view.Status);
        Assert.Equal(Enumerable.Repeat("Unknown", TwilioClusterFixture.MaxAttempts), view.Attempts.Select(a => a.Outcome));
        Assert.All(view.Attempts, a => Assert.Contains("UnexpectedTwilioAnswerException", a.Error));
        Assert.False(view.PossibleDuplicate); // before each retry Twilio's list said it had taken none of them
        Assert.Equal(DeliveryStatus.Accepted, nextView.Status);
        Assert.Equal("second", Assert.Single(Twilio.AcceptedTo(phone)).Body);
        Assert.Equal(TwilioClusterFixture.MaxAttempts + 1, Twilio.Messages.Count(m => m.To == phone));
    }

    [Fact]
    public async Task A_429_with_Retry_After_is_not_retried_sooner()
    {
        var (phone, outbound) = NewOutbound();
        Twilio.ScriptFor(phone, FakeAnswer.TwilioError(429, 20429, retryAfter: "1"));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        var view = await FinishedAsync(outbound);

        Assert.Equal(DeliveryStatus.Accepted, view.Status);
        Assert.Equal([429, 201], view.Attempts.Select(a => a.HttpStatus));
        Assert.True(view.Attempts[1].At - view.Attempts[0].At >= TimeSpan.FromSeconds(1), $"retried after {view.Attempts[1].At - view.Attempts[0].At}");
        Assert.False(view.PossibleDuplicate);
    }

    [Fact]
    public async Task A_Retry_After_beyond_MaxBackoff_is_capped()
    {
        var (phone, outbound) = NewOutbound();
        Twilio.ScriptFor(phone, FakeAnswer.TwilioError(429, 20429, retryAfter: "6"));

        await outbound.Send(new OutboundSms(phone, "hello", "test"));
        var view = await FinishedAsync(outbound);

        var waited = view.Attempts[1].At - view.Attempts[0].At;
        Assert.Equal(DeliveryStatus.Accepted, view.Status);
        Assert.True(waited >= TwilioClusterFixture.MaxBackoff, $"retried after {waited}, before MaxBackoff");
        Assert.True(waited < TimeSpan.FromSeconds(6), $"retried after {waited}: Retry-After was not capped");
    }

    private (string Phone, IOutboundSmsGrain Grain) NewOutbound()
    {
        var phone = TestSms.NewPhone();
        return (phone, fixture.Grains.GetGrain<IOutboundSmsGrain>(OutboundId.For(phone, TestSms.NewSid(), "test")));
    }

    private static async Task<OutboundView> FinishedAsync(IOutboundSmsGrain outbound)
    {
        await Eventually.HoldsAsync(async () => (await outbound.GetView()) is { Status: not DeliveryStatus.Pending }, Timeout, "the reply to finish");
        return (await outbound.GetView())!;
    }
}
