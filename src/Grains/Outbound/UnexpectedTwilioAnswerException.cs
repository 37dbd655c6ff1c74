namespace Switchboard.Grains.Outbound;

/// <summary>
/// Twilio answered with success but not with a message we can read (no sid, a body that is not JSON): it may well
/// have taken the message, so this is neither an acceptance nor a refusal. The grain records it as Unknown.
/// </summary>
public sealed class UnexpectedTwilioAnswerException(string message, Exception? inner = null) : Exception(message, inner);
