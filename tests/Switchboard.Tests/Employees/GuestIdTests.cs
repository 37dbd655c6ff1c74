using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Grains;
using Switchboard.Grains.Employees;

namespace Switchboard.Tests.Employees;

/// <summary>Guest ids are a keyed hash of the number (Privacy:HashKey): stable, but not traceable to the number without the key.</summary>
public sealed class GuestIdTests
{
    private const string Phone = "+15550100001";
    private const string Key = "first-privacy-hash-key-of-32-characters";
    private const string OtherKey = "other-privacy-hash-key-of-32-characters";

    /// <summary>A guest id as versions before keyed ids made it: anyone could compute it from the number alone.</summary>
    public static string Unkeyed(string phone) =>
        "guest-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(phone.TrimStart('+'))).AsSpan(0, 8));

    [Fact]
    public void A_numbers_guest_id_is_the_same_for_one_key_and_differs_with_another()
    {
        Assert.Matches("^guest-[0-9a-f]{16}$", EmployeeGrain.GuestId(Phone, Key));
        Assert.Equal(EmployeeGrain.GuestId(Phone, Key), EmployeeGrain.GuestId(Phone, Key));
        Assert.NotEqual(EmployeeGrain.GuestId(Phone, Key), EmployeeGrain.GuestId(Phone, OtherKey));
        Assert.NotEqual(EmployeeGrain.GuestId(Phone, Key), EmployeeGrain.GuestId("+15550100002", Key));
    }

    [Fact]
    public void A_guest_id_next_to_the_masked_number_no_longer_gives_the_number_away()
    {
        // "+1555***0001" in a log line leaves a thousand candidates: hashing them finds an unkeyed id's number.
        var candidates = Enumerable.Range(0, 1_000).Select(middle => $"+1555{middle:D3}0001").ToList();

        Assert.Single(candidates, candidate => Unkeyed(candidate) == Unkeyed(Phone));
        Assert.DoesNotContain(candidates, candidate => Unkeyed(candidate) == EmployeeGrain.GuestId(Phone, Key));
    }

    [Fact]
    public void The_key_is_required_outside_Development_and_has_at_least_32_characters()
    {
        Assert.Contains("Privacy:HashKey is required outside Development", Refusal(isDevelopment: false, key: null));
        Assert.Contains("at least 32 characters", Refusal(isDevelopment: false, key: new string('k', 31)));
        Assert.Contains("at least 32 characters", Refusal(isDevelopment: true, key: new string('k', 31)));
        Assert.Equal(Key, Options(isDevelopment: false, Key).HashKey);
    }

    [Fact]
    public void Development_without_a_key_uses_the_documented_one()
    {
        Assert.Equal(PrivacyOptions.DevelopmentHashKey, Options(isDevelopment: true, key: null).HashKey);
        Assert.True(PrivacyOptions.DevelopmentHashKey.Length >= 32);
    }

    private static PrivacyOptions Options(bool isDevelopment, string? key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Twilio:AuthToken"] = "token",
            ["Privacy:HashKey"] = key,
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddSwitchboardGrains(configuration, isDevelopment).BuildServiceProvider();
        return services.GetRequiredService<IOptions<PrivacyOptions>>().Value;
    }

    private static string Refusal(bool isDevelopment, string? key) =>
        Assert.Throws<OptionsValidationException>(() => Options(isDevelopment, key)).Message;
}
