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
}
