using Switchboard.Contracts;

namespace Switchboard.Tests;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("+15550100001", "+1555***0001")]
    [InlineData("+61412345678", "+6141***5678")]
    [InlineData("+1234", "+1***")]
    [InlineData(null, "(none)")]
    public void Masks_the_middle_of_a_number(string? phone, string expected) => Assert.Equal(expected, PhoneMask.Mask(phone));

    [Fact]
    public void Masks_every_number_inside_ids_and_error_texts_but_not_Twilio_sids()
    {
        Assert.Equal("+1555***0001:SM0123456789abcdef0123456789abcdef:reply", PhoneMask.MaskNumbersIn("+15550100001:SM0123456789abcdef0123456789abcdef:reply"));
        Assert.Equal(
            "TimeoutException: no answer from employee/+1555***4003",
            PhoneMask.Describe(new TimeoutException("no answer from employee/+15553184003")));
        Assert.Equal("The 'To' number +4420***0000 is not valid", PhoneMask.MaskNumbersIn("The 'To' number +442079460000 is not valid"));
    }
}
