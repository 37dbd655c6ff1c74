using Microsoft.Extensions.Options;
using Switchboard.Grains.Agents;

namespace Switchboard.Tests.Agents;

public sealed class BrandingTests
{
    private static Branding Brand(BrandingOptions options) => new(Options.Create(options));

    [Fact]
    public void Signs_with_the_company_name_by_default()
    {
        Assert.Equal("Logged 8h. - Acme", Brand(new BrandingOptions { CompanyName = "Acme" }).Apply("Logged 8h.", "Alice Smith"));
    }

    [Fact]
    public void Uses_the_configured_sign_off_and_tone()
    {
        var branding = Brand(new BrandingOptions { CompanyName = "Acme", SignOff = "Cheers, {CompanyName} Payroll", Tone = BrandingTone.Friendly });

        Assert.Equal("Hi Alice! Logged 8h. Cheers, Acme Payroll", branding.Apply("Logged 8h.", "Alice Smith"));
        Assert.Equal("Logged 8h. Cheers, Acme Payroll", branding.Apply("Logged 8h.", Branding.GuestName));
    }

    [Fact]
    public void An_empty_sign_off_adds_nothing()
    {
        Assert.Equal("Logged 8h.", Brand(new BrandingOptions { SignOff = "" }).Apply("Logged 8h.", null));
    }

    [Fact]
    public void Normalises_to_gsm7_so_the_reply_stays_in_one_segment()
    {
        var draft = "\u201CApollo\u201D \u2013 it\u2019s logged\u2026\u00A0Caf\u00E1 time";
        var reply = Brand(new BrandingOptions { SignOff = "" }).Apply(draft, null);

        Assert.Equal("\"Apollo\" - it's logged... Cafa time", reply);
        Assert.True(Gsm7.IsGsm7(reply));
    }
}
