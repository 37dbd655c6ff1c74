using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Switchboard.Grains.Conversations;

/// <summary>
/// The MessageSids a conversation has taken in lately, to drop Twilio's redeliveries: the last
/// Conversation:DedupeHorizon of them, oldest first, 16 bytes each. A Twilio MessageSid is two letters and 32 hex
/// digits, so its digits are the key; any other id is keyed by the first 16 bytes of its SHA-256.
/// </summary>
[GenerateSerializer, Alias("Switchboard.RecentMessages")]
public sealed class RecentMessages
{
    [Id(0)] public List<Guid> Keys { get; set; } = [];

    public bool Contains(string messageSid) => Keys.Contains(KeyOf(messageSid));

    /// <summary>Remembers the id, forgetting the oldest beyond <paramref name="horizon"/>.</summary>
    public void Add(string messageSid, int horizon)
    {
        Keys.Add(KeyOf(messageSid));
        if (Keys.Count > horizon)
        {
            Keys.RemoveRange(0, Keys.Count - horizon);
        }
    }

    public static Guid KeyOf(string messageSid)
    {
        Span<byte> key = stackalloc byte[32];
        if (messageSid.Length == 34 && char.IsAsciiLetter(messageSid[0]) && char.IsAsciiLetter(messageSid[1])
            && UInt128.TryParse(messageSid.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var digits))
        {
            BinaryPrimitives.WriteUInt128BigEndian(key, digits);
        }
        else
        {
            SHA256.HashData(Encoding.UTF8.GetBytes(messageSid), key);
        }

        return new Guid(key[..16]);
    }
}
