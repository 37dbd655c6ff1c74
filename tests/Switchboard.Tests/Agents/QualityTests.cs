using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Switchboard.Grains.Agents;

namespace Switchboard.Tests.Agents;

public sealed class QualityTests
{
    private const string Sender = "+61412345678";
    private static readonly DateOnly Friday = new(2026, 11, 27);
    private static readonly TimesheetEntryView Entry = new(Friday, "Apollo", 8);

    private static QualityStep Step(QualityOptions? quality = null)
    {
        var options = Options.Create(quality ?? new QualityOptions());
        var branding = new Branding(Options.Create(new BrandingOptions { CompanyName = "Acme" }));
        return new QualityStep(new ReplyCheck(options), new Refiner(branding, options), options, NullLogger<QualityStep>.Instance);
    }

    private static TurnContext Logged(string reply) =>
        new(Sender, "SM1", "log 8h on Apollo today", DateTimeOffset.UnixEpoch)
        {
            Plan = new TurnPlan(Intent.Log) { Hours = 8, Project = "Apollo", Date = Friday },
            Outcome = new TimesheetOutcome(OutcomeKind.Logged) { Entry = Entry, Week = new WeekView(Friday.AddDays(-4), [Entry], false) },
            Reply = reply,
        };

    private static async Task<TurnContext> Validate(TurnContext context, QualityOptions? quality = null) =>
        await Step(quality).RunAsync(context, CancellationToken.None);

    [Fact]
    public async Task A_good_reply_passes_untouched()
    {
        var result = await Validate(Logged("Logged 8h on Apollo for Fri 27 Nov. Week total: 8h. - Acme"));

        Assert.Equal("Logged 8h on Apollo for Fri 27 Nov. Week total: 8h. - Acme", result.Reply);
        Assert.Equal(0, result.Refinements);
    }

    [Fact]
    public async Task A_reply_over_the_segment_budget_is_cut_at_a_sentence()
    {
        var chatter = string.Concat(Enumerable.Repeat("This sentence is here only to make the reply far too long. ", 12));
        var result = await Validate(Logged($"Logged 8h on Apollo for Fri 27 Nov. {chatter}"), new QualityOptions { MaxSegments = 1 });

        Assert.Equal(1, result.Refinements);
        Assert.StartsWith("Logged 8h on Apollo for Fri 27 Nov.", result.Reply, StringComparison.Ordinal);
        Assert.EndsWith(".", result.Reply, StringComparison.Ordinal);
        Assert.Equal(1, Gsm7.Segments(result.Reply!));
    }

    [Fact]
    public async Task A_reply_over_1600_characters_is_shortened()
    {
        var result = await Validate(Logged("Logged 8h. " + new string('x', 2000)), new QualityOptions { MaxSegments = 10 });

        Assert.True(result.Reply!.Length <= ReplyCheck.MaxReplyLength);
        Assert.Contains("8h", result.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_employees_number_is_withheld()
    {
        var result = await Validate(Logged($"Logged 8h on Apollo. Ask Bob on +61 400 111 222 or reply to {Sender}."));

        Assert.DoesNotContain("400 111 222", result.Reply, StringComparison.Ordinal);
        Assert.Contains(Refiner.NumberWithheld, result.Reply, StringComparison.Ordinal);
        Assert.Contains(Sender, result.Reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exception_text_is_stripped()
    {
        var result = await Validate(Logged("Logged 8h on Apollo. System.InvalidOperationException: boom\n   at Switchboard.Grains.X()"));

        Assert.Equal("Logged 8h on Apollo.", result.Reply);
    }

    [Fact]
    public async Task A_reply_that_lost_the_hours_is_rewritten_from_the_facts()
    {
        var result = await Validate(Logged("Done! Anything else?"));

        Assert.Equal("Logged 8h on Apollo for Fri 27 Nov. Week total: 8h. - Acme", result.Reply);
        Assert.Equal(1, result.Refinements);
    }

    [Fact]
    public async Task An_empty_reply_gets_the_fallback()
    {
        var result = await Validate(Logged("  "));

        Assert.Equal(QualityStep.FallbackReply, result.Reply);
    }

    [Fact]
    public async Task Without_refinements_a_failing_reply_gets_the_fallback()
    {
        var result = await Validate(Logged("Done! Anything else?"), new QualityOptions { MaxRefinements = 0 });

        Assert.Equal(QualityStep.FallbackReply, result.Reply);
        Assert.Equal(0, result.Refinements);
    }

    [Fact]
    public async Task Help_must_explain_log()
    {
        var help = new TurnContext(Sender, "SM2", "hi", DateTimeOffset.UnixEpoch)
        {
            Plan = new TurnPlan(Intent.Help),
            Outcome = new TimesheetOutcome(OutcomeKind.Help),
            Reply = "Hello!",
        };

        var result = await Validate(help);

        Assert.Contains("log", result.Reply, StringComparison.Ordinal);
        Assert.Equal(1, result.Refinements);
    }
}
