using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Switchboard.Api;

/// <summary>What the webhook reads of Twilio's form besides the sender: the text, and how many photos or files came with it.</summary>
public static class InboundFields
{
    /// <summary>
    /// The text to answer: Body, or for a WhatsApp quick-reply button press whose Body is empty, the button's text
    /// (ButtonText), else its payload. A button press means what its label says.
    /// </summary>
    public static string Text(IFormCollection form)
    {
        var body = form["Body"].ToString();
        if (!string.IsNullOrWhiteSpace(body))
        {
            return body;
        }

        var button = form["ButtonText"].ToString();
        return !string.IsNullOrWhiteSpace(button) ? button : form["ButtonPayload"].ToString() is { Length: > 0 } payload ? payload : body;
    }

    /// <summary>Twilio's NumMedia (0 when absent or unreadable: the text is still answered).</summary>
    public static int MediaCount(IFormCollection form) =>
        int.TryParse(form["NumMedia"].ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? Math.Min(count, 100) : 0;
}
