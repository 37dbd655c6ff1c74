using Switchboard.Grains.Agents;

namespace Switchboard.Grains.Conversations;

/// <summary>The conversation's internal face: agent workers report finished steps here.</summary>
[Alias("Switchboard.IConversationTurnGrain")]
public interface IConversationTurnGrain : IGrainWithStringKey
{
    [Alias("CompleteStep")]
    Task CompleteStep(StepCompletion completion);
}
