namespace Switchboard.Contracts;

/// <summary>
/// An email as it came in (<see cref="InboundSms.Email"/>): whom to answer and what mail clients need to thread the
/// answer under it.
/// </summary>
/// <param name="From">The sender's address (the envelope's), normalised (<see cref="EmailAddress"/>).</param>
/// <param name="Subject">The subject as sent.</param>
[GenerateSerializer, Immutable, Alias("Switchboard.InboundEmail")]
public sealed record InboundEmail(string From, string Subject)
{
    /// <summary>Its Message-ID, angle brackets included; null when the mail had none.</summary>
    [Id(0)] public string? MessageId { get; init; }

    /// <summary>Its References: the thread so far, ids in angle brackets separated by spaces.</summary>
    [Id(1)] public string? References { get; init; }
}

/// <summary>An email to send (<see cref="OutboundSms.Email"/>): the address, subject and threading headers.</summary>
[GenerateSerializer, Immutable, Alias("Switchboard.OutboundEmail")]
public sealed record OutboundEmail(string To, string Subject)
{
    /// <summary>The Message-ID of the mail this answers (In-Reply-To).</summary>
    [Id(0)] public string? InReplyTo { get; init; }

    /// <summary>The thread: the answered mail's References and its Message-ID.</summary>
    [Id(1)] public string? References { get; init; }

    /// <summary>Subjects and reference lists have no limit of their own; a stored message must stay small.</summary>
    public const int MaxHeaderLength = 998;

    /// <summary>The answer to <paramref name="mail"/>: "Re: subject" (once), In-Reply-To and References, so clients thread it.</summary>
    public static OutboundEmail Answering(InboundEmail mail)
    {
        var subject = mail.Subject.Trim();
        if (!subject.StartsWith("re:", StringComparison.OrdinalIgnoreCase))
        {
            subject = subject.Length == 0 ? "Re: your message" : $"Re: {subject}";
        }

        // A list too long for one header keeps its newest ids: the answered mail's own always.
        var ids = (mail.References ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (mail.MessageId is { } answered)
        {
            ids.Add(answered);
        }

        while (ids.Count > 1 && ids.Sum(id => id.Length + 1) > MaxHeaderLength)
        {
            ids.RemoveAt(0);
        }

        return new OutboundEmail(mail.From, Shorten(subject)) { InReplyTo = mail.MessageId, References = ids.Count == 0 ? null : string.Join(' ', ids) };
    }

    private static string Shorten(string text) => text.Length <= MaxHeaderLength ? text : text[..MaxHeaderLength];
}
