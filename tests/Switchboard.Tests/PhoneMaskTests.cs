using Switchboard.Contracts;

namespace Switchboard.Tests;

public sealed class PhoneMaskTests
{
    [Theory]
    [InlineData("+15550100001", "+1555***0001")]
    [InlineData("+61412345678", "+6141***5678")]
    [InlineData("+1234", "+1***")]
    [InlineData(null, "(none)")]
    [InlineData("61412345678", "6141***5678")]
    [InlineData("+12345678", "+1***5678")]
    [InlineData("%2B15550100001", "%2B1555***0001")]
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

    [Theory]
    [InlineData("Response did not arrive on time for conversation/+61412345678", "Response did not arrive on time for conversation/+6141***5678")]
    [InlineData("Error Writing: GrainId=employee/+15550100001", "Error Writing: GrainId=employee/+1555***0001")]
    [InlineData("GET /admin/conversations/%2B61412345678 failed", "GET /admin/conversations/%2B6141***5678 failed")]
    [InlineData("from whatsapp:+14155238886", "from whatsapp:+1415***8886")]
    [InlineData("guest-61412345678 enrolled", "guest-6141***5678 enrolled")]
    [InlineData("From=61412345678&To=15005550006", "From=6141***5678&To=1500***0006")]
    [InlineData("ids 12345678 and 123456789012345", "ids 1***5678 and 1234***2345")]
    [InlineData("Error Writing: GrainType=conversation_1a2b3c4d GrainId=conversation/+15550100001", "Error Writing: GrainType=conversation_******** GrainId=conversation/+1555***0001")]
    [InlineData("RowKey='turn_007_0f0e0d0c'", "RowKey='turn_007_********'")]
    [InlineData(@"{""message"":""call me on \u002B61412345678""}", @"{""message"":""call me on \u002B6141***5678""}")] // System.Text.Json escapes "+"
    [InlineData(@"""content"": ""{\""message\"":\""on \\u002b15550100001\""}""", @"""content"": ""{\""message\"":\""on \\u002b1555***0001\""}""")] // and again, nested
    public void Masks_numbers_with_and_without_plus_in_any_text(string text, string expected) => Assert.Equal(expected, PhoneMask.MaskNumbersIn(text));

    [Theory]
    [InlineData("listening on http://127.0.0.1:11111, 1234567 items, took 250 ms")] // ports, counts below 8 digits
    [InlineData("Silo S127.0.0.1:11111:108123456 is active")] // the generation of an Orleans silo address
    [InlineData("SM00000000000000000000000000000001 and SMab12345678cd")] // digits glued to letters: Twilio SIDs
    [InlineData("ticks 638712345678901234")] // more than 15 digits
    [InlineData("at 2025-01-31T12:00:00Z")]
    [InlineData("trace 12345678-1234-abcd-1234-123456789012")] // GUIDs whose first or last group is all digits
    public void Leaves_alone_what_operators_need(string text) => Assert.Equal(text, PhoneMask.MaskNumbersIn(text));

    [Fact]
    public void Masking_twice_changes_nothing()
    {
        var once = PhoneMask.MaskNumbersIn("conversation/+61412345678 guest-61412345678 %2B15550100001");
        Assert.Equal(once, PhoneMask.MaskNumbersIn(once));
        Assert.False(PhoneMask.HasNumbersIn(once));
    }
}
