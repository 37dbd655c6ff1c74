using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Switchboard.Contracts;
using Switchboard.Grains.Conversations;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Stateless and reentrant: any number of steps run at once on every silo, each a plain async call.
/// </summary>
[StatelessWorker, Reentrant]
public sealed class AgentWorkerGrain(AgentPipeline pipeline, IOptions<AgentOptions> options, TimeProvider time, ILogger<AgentWorkerGrain> logger)
    : Grain, IAgentWorkerGrain
{
    public async Task RunStep(StepRequest request)
    {
        var context = request.Context;
        var step = pipeline[request.StepIndex];
        var started = Stopwatch.GetTimestamp();
        TurnContext? result = null;
        string? error = null;

        // A child of the turn's span (the context came with the request): an OpenAI HTTP call made by the step is its child.
        using (var span = SwitchboardTracing.Start($"step {step.Name}", request.TraceParent))
        {
            span.Activity?.SetTag("switchboard.message_sid", context.MessageSid);
            try
            {
                if (options.Value.StepDelayMs > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(options.Value.StepDelayMs), time);
                }

                result = await step.RunAsync(context, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // Operators see the type and message in the turn record; the sender only ever sees an apology.
                error = PhoneMask.Describe(ex);
                AgentLog.StepFailed(logger, step.Name, context.MessageSid, error);
                span.Activity?.SetStatus(ActivityStatusCode.Error, error);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var conversation = GrainFactory.GetGrain<IConversationTurnGrain>(context.Phone);
        try
        {
            await conversation.CompleteStep(new StepCompletion(context.MessageSid, request.StepIndex, result, error, elapsed));
        }
        catch (Exception ex)
        {
            // The conversation's watchdog dispatches the step again; this call is one-way, so only the log knows.
            AgentLog.CallbackFailed(logger, step.Name, context.MessageSid, PhoneMask.Describe(ex));
        }
    }
}
