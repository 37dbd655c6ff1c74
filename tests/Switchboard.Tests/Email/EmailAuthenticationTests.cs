using Switchboard.Api.Email;
using Switchboard.Contracts;

namespace Switchboard.Tests.Email;

/// <summary>Only a mail its sender's domain vouches for speaks for an employee; a reply threads under the mail it answers.</summary>
public sealed class EmailAuthenticationTests
{
    [Theory]
    [InlineData("pass", "none", true)]
    [InlineData("PASS", null, true)]
    [InlineData("softfail", "{@example.com : pass}", true)]
    [InlineData("fail", "{@mail.example.com : pass}", false)] // a subdomain's signature does not vouch for its parent
    [InlineData("none", "{@attacker.example : pass, @example.com : fail}", false)]
    [InlineData("neutral", "none", false)]
    [InlineData("", "", false)]
    public void SPF_or_DKIM_for_the_senders_domain_must_pass(string spf, string? dkim, bool passes) =>
        Assert.Equal(passes, EmailAuthentication.Passes(spf, dkim, "ann@example.com"));

    [Fact]
    public void DKIM_of_the_parent_domain_vouches_for_a_subdomain_sender() =>
        Assert.True(EmailAuthentication.Passes("none", "{@example.com : pass}", "ann@eu.example.com"));

    [Theory]
    [InlineData("Ann Example <Ann.Example@Example.COM>", "ann.example@example.com")]
    [InlineData(" ann@example.com ", "ann@example.com")]
    public void Addresses_are_kept_bare_and_in_lower_case(string raw, string address)
    {
        Assert.True(EmailAddress.TryNormalize(raw, out var normalised));
        Assert.Equal(address, normalised);
    }

    [Theory]
    [InlineData("not an address")]
    [InlineData("")]
    [InlineData(null)]
    public void What_is_not_an_address_is_refused(string? raw) => Assert.False(EmailAddress.TryNormalize(raw, out _));

    [Theory]
    [InlineData("Hours", "Re: Hours")]
    [InlineData("RE: Hours", "RE: Hours")]
    [InlineData("", "Re: your message")]
    public void A_reply_is_Re_its_subject_once(string subject, string reply) =>
        Assert.Equal(reply, OutboundEmail.Answering(new InboundEmail("ann@example.com", subject)).Subject);

    [Fact]
    public void A_reply_names_the_mail_it_answers_and_the_thread_before_it()
    {
        var reply = OutboundEmail.Answering(new InboundEmail("ann@example.com", "Hours") { MessageId = "<b@x>", References = "<a@x>" });

        Assert.Equal("ann@example.com", reply.To);
        Assert.Equal("<b@x>", reply.InReplyTo);
        Assert.Equal("<a@x> <b@x>", reply.References);
    }
}
