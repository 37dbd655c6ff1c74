using System.ComponentModel.DataAnnotations;
using Switchboard.Contracts;

namespace Switchboard.Tests.WhatsApp;

/// <summary>The options validator (data annotations, checked at start) refuses WhatsApp settings Twilio would refuse later.</summary>
public sealed class WhatsAppOptionsTests
{
    [Theory]
    [InlineData("whatsapp:+14155238886", null, true)]
    [InlineData("+14155238886", null, false)] // an SMS number: replies would go by SMS
    [InlineData("whatsapp:14155238886", null, false)]
    [InlineData(null, "HX0123456789abcdef0123456789abcdef", true)]
    [InlineData(null, "MG0123456789abcdef0123456789abcdef", false)] // a messaging service sid, not a template
    public void WhatsApp_sender_and_template_are_validated(string? from, string? template, bool valid)
    {
        var options = new TwilioOptions { AuthToken = "token", WhatsAppFrom = from, WhatsAppReminderContentSid = template };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
    }
}
