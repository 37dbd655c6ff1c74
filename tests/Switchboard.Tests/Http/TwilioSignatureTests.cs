using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchboard.Api;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Http;

public sealed class TwilioSignatureTests
{
    // The example of Twilio's security documentation: token 12345, this URL and form, this signature.
    private const string DocsToken = "12345";
    private const string DocsSignature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
    private static readonly Dictionary<string, string> DocsForm = new()
    {
        ["CallSid"] = "CA1234567890ABCDE",
        ["Caller"] = "+12349013030",
        ["Digits"] = "1234",
        ["From"] = "+12349013030",
        ["To"] = "+18005551212",
    };

    [Fact]
    public void The_load_tools_signer_reproduces_Twilios_documented_vector() =>
        Assert.Equal(DocsSignature, TwilioSigner.Sign(DocsToken, "https://mycompany.com/myapp.php?foo=1&bar=2", DocsForm));

    [Fact]
    public void The_documented_request_is_valid_at_its_public_url()
    {
        var request = Request("/myapp.php", "?foo=1&bar=2", DocsSignature);

        Assert.True(TwilioSignature.IsValid(request, Form(DocsForm), DocsToken, "https://mycompany.com"));
    }

    [Theory]
    [InlineData("", "12345")]
    [InlineData("0/KCTR6DLpKmkAf8muzZqo1nDgQ=", "54321")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "12345")]
    public void A_missing_or_wrong_signature_or_token_is_invalid(string signature, string token)
    {
        var request = Request("/myapp.php", "?foo=1&bar=2", signature);

        Assert.False(TwilioSignature.IsValid(request, Form(DocsForm), token, "https://mycompany.com"));
    }

    [Fact]
    public void A_changed_form_value_is_invalid()
    {
        var tampered = new Dictionary<string, string>(DocsForm) { ["Digits"] = "9999" };

        Assert.False(TwilioSignature.IsValid(Request("/myapp.php", "?foo=1&bar=2", DocsSignature), Form(tampered), DocsToken, "https://mycompany.com"));
    }

    [Fact]
    public void Without_a_configured_base_url_the_requests_own_url_is_signed()
    {
        var request = Request("/myapp.php", "?foo=1&bar=2", DocsSignature);
        request.Scheme = "https";
        request.Host = new HostString("mycompany.com");

        Assert.Equal("https://mycompany.com/myapp.php?foo=1&bar=2", TwilioSignature.PublicUrl(request, null));
        Assert.True(TwilioSignature.IsValid(request, Form(DocsForm), DocsToken, null));
    }

    private static HttpRequest Request(string path, string query, string signature)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("internal:8080");
        context.Request.Path = path;
        context.Request.QueryString = new QueryString(query);
        context.Request.Headers[TwilioSignature.Header] = signature;
        return context.Request;
    }

    private static FormCollection Form(Dictionary<string, string> values) =>
        new(values.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
}
