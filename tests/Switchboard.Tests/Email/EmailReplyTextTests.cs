using Switchboard.Api.Email;

namespace Switchboard.Tests.Email;

/// <summary>What the planner reads of a mail: the person's new words, not the mail they answered nor their signature.</summary>
public sealed class EmailReplyTextTests
{
    [Fact]
    public void Quoted_lines_are_dropped_wherever_they_are()
    {
        var text = "> log 8h on Zeus yesterday\n>\nlog 3h on Apollo today\n  > an indented quote\nthanks";

        Assert.Equal("log 3h on Apollo today\nthanks", EmailReplyText.NewText(text));
    }

    [Fact]
    public void The_attribution_line_and_everything_after_it_are_dropped()
    {
        var text = "log 3h on Apollo today\r\n\r\nOn Mon, 7 Dec 2026 at 09:12, Switchboard <timesheets@example.com> wrote:\r\n\r\nlog 8h on Zeus yesterday (unquoted, as some clients send it)";

        Assert.Equal("log 3h on Apollo today", EmailReplyText.NewText(text));
    }

    [Fact]
    public void An_attribution_wrapped_over_two_lines_is_recognised()
    {
        var text = "submit\n\nOn Mon, 7 Dec 2026 at 09:12, Switchboard Timesheets <timesheets@example.com>\nwrote:\n> log 8h on Zeus";

        Assert.Equal("submit", EmailReplyText.NewText(text));
    }

    [Theory]
    [InlineData("-- ")]
    [InlineData("--")]
    public void The_signature_after_its_delimiter_is_dropped(string delimiter)
    {
        var text = $"hours\n{delimiter}\nAnn Example\nlog 5h on Hermes";

        Assert.Equal("hours", EmailReplyText.NewText(text));
    }

    [Fact]
    public void Outlooks_original_message_block_is_dropped()
    {
        Assert.Equal("undo", EmailReplyText.NewText("undo\n\n-----Original Message-----\nFrom: Switchboard\nlog 8h on Zeus"));
    }

    [Theory]
    [InlineData("On Apollo log 3h today")] // a sentence starting with "On" is the person's own
    [InlineData("log 3h on Apollo -- the new API")]
    [InlineData("a -> b, done")]
    public void Ordinary_text_is_kept_whole(string text) => Assert.Equal(text, EmailReplyText.NewText(text));

    [Fact]
    public void A_mail_that_only_quotes_reads_as_empty() => Assert.Equal("", EmailReplyText.NewText("> log 8h on Zeus\n-- \nAnn"));
}
