using System.Security.Cryptography;

namespace Switchboard.LoadTest;

/// <summary>The distinct senders of a run (deterministic from the seed) and fresh MessageSids.</summary>
public static class SenderPlan
{
    /// <summary>+1555 followed by 7 digits; distinct; the same list for the same seed and count.</summary>
    public static string[] Senders(int count, int seed)
    {
        if (count is < 1 or > 10_000_000)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "between 1 and 10,000,000 senders");
        }

        var random = new Random(seed);
        var seen = new HashSet<int>(count);
        var senders = new string[count];
        for (var i = 0; i < count;)
        {
            var subscriber = random.Next(0, 10_000_000);
            if (seen.Add(subscriber))
            {
                senders[i++] = $"+1555{subscriber:D7}";
            }
        }

        return senders;
    }

    /// <summary>SM + 32 hex digits, random: a rerun with the same seed must not be deduplicated by the service.</summary>
    public static string NewMessageSid() => "SM" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
