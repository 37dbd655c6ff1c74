using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Switchboard.Contracts;
using Switchboard.Grains.Conversations;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Stateless and reentrant: any number of slow steps run at once on every silo, each a plain async call.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class AgentWorkerGrain(AgentPipeline pipeline, IOptions<AgentOptions> options, TimeProvider time, ILogger<AgentWorkerGrain> logger)
    : Grain, IAgentWorkerGrain
{
    public async Task RunStep(StepRequest request)
    {
        var completion = await StepRunner.RunAsync(pipeline, request, options.Value, time, logger);
        var conversation = GrainFactory.GetGrain<IConversationTurnGrain>(request.Context.Phone);
        try
        {
            await conversation.CompleteStep(completion);
        }
        catch (Exception ex)
        {
            // The conversation's watchdog dispatches the step again; this call is one-way, so only the log knows.
            AgentLog.CallbackFailed(logger, pipeline[request.StepIndex].Name, request.Context.MessageSid, PhoneMask.Describe(ex));
        }
    }
}
