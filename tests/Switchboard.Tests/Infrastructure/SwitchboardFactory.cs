using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// The real host (src/Silo Program: silo, Api, dashboard) on Azurite storage and reminders, replying through the real
/// Twilio and SendGrid SDKs to a <see cref="FakeTwilioServer"/>. HTTP goes through the in-memory test server.
/// </summary>
public sealed class SwitchboardFactory(
    string storageConnectionString, string twilioBaseUrl, IReadOnlyDictionary<string, string?>? overrides = null, string environment = "Development")
    : WebApplicationFactory<Program>
{
    public const string AuthToken = "http-test-auth-token";
    public const string AdminKey = "http-test-admin-key-0123456789";
    public const string HashKey = "http-test-privacy-hash-key-0123456789";
    public const string FromNumber = "+15005550006";
    public const string WhatsAppFrom = "whatsapp:+14155238886";
    public const string WebhookBaseUrl = "https://switchboard.example.test";
    public const string EmailFrom = "timesheets@switchboard.example.test";
    public const string SendGridApiKey = "SG.http-test-key";
    public const string EmailInboundUsername = "sendgrid";
    public const string EmailInboundPassword = "http-test-inbound-password";

    /// <summary>An inbound SMS as Twilio would post it to this host: signed for its public webhook URL.</summary>
    public static HttpRequestMessage SignedSms(string from, string body, string? messageSid = null) => TwilioSigner.SignedPost(
        AuthToken,
        WebhookBaseUrl + "/twilio/sms",
        new() { ["MessageSid"] = messageSid ?? TestSms.NewSid(), ["From"] = from, ["To"] = FromNumber, ["Body"] = body });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:AzureStorage"] = storageConnectionString,
            ["Orleans:SiloPort"] = $"{FreePorts.Next()}",
            ["Orleans:GatewayPort"] = $"{FreePorts.Next()}",
            // Own cluster and service ids: factories sharing one Azurite never see each other's reminders or state.
            ["Orleans:ClusterId"] = $"http-tests-{Guid.NewGuid():N}",
            ["Orleans:ServiceId"] = $"http-tests-{Guid.NewGuid():N}",
            ["Twilio:AccountSid"] = "AC11111111111111111111111111111111",
            ["Twilio:AuthToken"] = AuthToken,
            ["Twilio:FromNumber"] = FromNumber,
            ["Twilio:WhatsAppFrom"] = WhatsAppFrom,
            ["Twilio:ApiBaseUrl"] = twilioBaseUrl,
            ["Twilio:WebhookBaseUrl"] = WebhookBaseUrl,
            ["Twilio:Enabled"] = "true",
            ["Email:Enabled"] = "true",
            ["Email:From"] = EmailFrom,
            ["Email:SendGridApiKey"] = SendGridApiKey,
            ["Email:SendGridBaseUrl"] = twilioBaseUrl, // one fake for Twilio and SendGrid
            ["Email:InboundUsername"] = EmailInboundUsername,
            ["Email:InboundPassword"] = EmailInboundPassword,
            ["Admin:ApiKey"] = AdminKey,
            ["Privacy:HashKey"] = HashKey,
            ["Employees:AutoEnroll"] = "true",
            ["Guard:UnregisteredReplies"] = "1000000", // every sender is a guest here; GuardTests test the guards
            ["Guard:AllowedCountries"] = "*",
            ["Outbound:InitialBackoff"] = "00:00:00.100",
            ["Outbound:MaxBackoff"] = "00:00:00.500",
        };
        if (environment == "Development")
        {
            // Sub-minute reminders are refused outside Development.
            settings["Conversation:ReminderPeriod"] = "00:00:02";
            settings["Outbound:ReminderPeriod"] = "00:00:02";
        }

        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        builder.UseEnvironment(environment);
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }
}
