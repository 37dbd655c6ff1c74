namespace Switchboard.Grains.Agents;

/// <summary>Why a reply may not be sent as it is.</summary>
public enum ReplyProblem
{
    Empty,
    /// <summary>Over Twilio's 1,600-character limit.</summary>
    TooLong,
    /// <summary>Over Quality:MaxSegments.</summary>
    OverSegmentBudget,
    /// <summary>Does not carry the fact the sender asked for (the hours logged, the week total...).</summary>
    MissesIntent,
    /// <summary>Contains a phone number other than the sender's: another employee's data.</summary>
    ForeignPhoneNumber,
    /// <summary>Contains exception or stack-trace text.</summary>
    ExceptionText,
}
