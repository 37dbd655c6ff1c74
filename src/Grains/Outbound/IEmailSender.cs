namespace Switchboard.Grains.Outbound;

/// <summary>
/// Hands one email (<see cref="Contracts.MessageChannel.Email"/>) to the mail service: SendGrid's Mail Send, or the dev
/// outbox. The same contract as an SMS carrier, so an email gets the outbound grain's persistence, retries, order and
/// bookkeeping unchanged. SendGrid has no list of sent mail to look an attempt up in: <see cref="ISmsSender.FindSentAsync"/>
/// finds nothing, and an attempt whose answer was lost is sent again (the recipient may get the mail twice).
/// </summary>
public interface IEmailSender : ISmsSender;
