using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Switchboard.Contracts;
using Switchboard.Grains.Agents.Tokens;

namespace Switchboard.Grains.Agents;

/// <summary>
/// Runs one agent step of a turn, in a "step …" span under the turn, timed and metered (the tokens of its model
/// calls), and says how it went. The agent worker runs slow steps with it (model calls, away from the conversation);
/// the conversation runs fast steps with it itself.
/// </summary>
public static class StepRunner
{
    public static async Task<StepCompletion> RunAsync(AgentPipeline pipeline, StepRequest request, AgentOptions options, TimeProvider time, ILogger logger)
    {
        var context = request.Context;
        var step = pipeline[request.StepIndex];
        var started = time.GetTimestamp();
        var meter = new StepTokenMeter(step.Name, request.TurnTokens ?? TokenUsage.None, options.MaxTokensPerTurn);
        TurnContext? result = null;
        string? error = null;
        var budgetSpent = false;

        // A child of the turn's span: the model calls made by the step (gen_ai spans) and their HTTP calls are its children.
        using (var span = SwitchboardTracing.Start($"step {step.Name}", request.TraceParent))
        using (meter.Enter())
        {
            span.Activity?.SetTag("switchboard.message_sid", context.MessageSid);
            try
            {
                if (options.StepDelayMs > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(options.StepDelayMs), time);
                }

                result = await step.RunAsync(context, CancellationToken.None);
            }
            catch (TurnTokenBudgetSpentException ex)
            {
                (error, budgetSpent) = (ex.Message, true);
                TokenLog.TurnBudgetSpent(logger, context.MessageSid, ex.Message);
                span.Activity?.SetStatus(ActivityStatusCode.Error, error);
            }
            catch (Exception ex)
            {
                // Operators see the type and message in the turn record; the sender only ever sees an apology.
                error = PhoneMask.Describe(ex);
                AgentLog.StepFailed(logger, step.Name, context.MessageSid, error);
                span.Activity?.SetStatus(ActivityStatusCode.Error, error);
            }
        }

        return new StepCompletion(context.MessageSid, request.StepIndex, result, error, time.GetElapsedTime(started).TotalMilliseconds)
        {
            Attempt = request.Attempt,
            Tokens = meter.Spent is { Total: > 0 } spent ? spent : null,
            TurnTokenBudgetSpent = budgetSpent,
        };
    }
}
