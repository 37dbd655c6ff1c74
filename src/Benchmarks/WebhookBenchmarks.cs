extern alias loadtool;

using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Switchboard.Api;
using Switchboard.Contracts;

namespace Switchboard.Benchmarks;

/// <summary>What every inbound webhook pays before it is acknowledged: signature check and number normalisation.</summary>
[MemoryDiagnoser]
public class WebhookBenchmarks
{
    private const string Token = "benchmark-auth-token";
    private HttpRequest _request = null!;
    private FormCollection _form = null!;

    [GlobalSetup]
    public void Setup()
    {
        var values = new Dictionary<string, string>
        {
            ["AccountSid"] = "AC00000000000000000000000000000000",
            ["Body"] = "log 8h on Apollo today",
            ["From"] = "+15550100001",
            ["MessageSid"] = "SM0123456789abcdef0123456789abcdef",
            ["NumMedia"] = "0",
            ["To"] = "+15005550006",
        };
        var context = new DefaultHttpContext();
        context.Request.Path = "/twilio/sms";
        context.Request.Headers[TwilioSignature.Header] =
            loadtool::Switchboard.LoadTest.TwilioSigner.Sign(Token, "https://switchboard.example.com/twilio/sms", values);
        _request = context.Request;
        _form = new FormCollection(values.ToDictionary(p => p.Key, p => new StringValues(p.Value)));
    }

    [Benchmark]
    public bool ValidateSignature() => TwilioSignature.IsValid(_request, _form, Token, "https://switchboard.example.com");

    [Benchmark]
    public string? NormalisePhoneNumber() => E164.TryNormalize("+15550100001", "US", out var e164) ? e164 : null;

    [Benchmark]
    public string MaskPhoneNumbersInALogLine() => PhoneMask.MaskNumbersIn("Outbound +15550100001:SM0123456789abcdef0123456789abcdef:reply accepted");
}
