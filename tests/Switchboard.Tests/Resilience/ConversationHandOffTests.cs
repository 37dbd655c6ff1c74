using System.Reflection;
using Switchboard.Api;
using Switchboard.Contracts;
using Switchboard.Tests.Infrastructure;

namespace Switchboard.Tests.Resilience;

/// <summary>
/// While a dead silo is not yet declared dead, the cluster refuses calls to the conversations it held at once. The
/// webhook asks again within Webhook:AcceptTimeout, so such a message is acknowledged late instead of refused; anything
/// else, or a refusal outlasting the deadline, is answered 503 as before.
/// </summary>
public sealed class ConversationHandOffTests
{
    private static readonly WebhookOptions Durable = new() { AckMode = AckMode.Durable, AcceptTimeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public async Task A_hand_off_the_cluster_refuses_for_a_moment_is_asked_again_and_accepted()
    {
        var conversation = Conversation.Refusing(2, Rejection);

        var failed = await ConversationHandOff.TryAsync(conversation.Factory, TestSms.From(TestSms.NewPhone(), "hours"), Durable, TimeProvider.System, CancellationToken.None);

        Assert.Null(failed);
        Assert.Equal(3, conversation.Calls);
    }

    [Fact]
    public async Task A_refusal_that_outlasts_the_accept_timeout_is_answered_as_a_failure()
    {
        var conversation = Conversation.Refusing(int.MaxValue, () => new SiloUnavailableException("Silo unavailable"));
        var shortDeadline = new WebhookOptions { AckMode = AckMode.Durable, AcceptTimeout = TimeSpan.FromSeconds(1) };

        var failed = await ConversationHandOff.TryAsync(conversation.Factory, TestSms.From(TestSms.NewPhone(), "hours"), shortDeadline, TimeProvider.System, CancellationToken.None);

        Assert.Contains("Silo unavailable", failed, StringComparison.Ordinal);
        Assert.InRange(conversation.Calls, 2, 4); // 200, 400 ms pauses fit in one second; no busy loop
    }

    [Fact]
    public async Task Any_other_failure_is_not_asked_again()
    {
        var conversation = Conversation.Refusing(int.MaxValue, () => new InvalidOperationException("storage refused the write"));

        var failed = await ConversationHandOff.TryAsync(conversation.Factory, TestSms.From(TestSms.NewPhone(), "hours"), Durable, TimeProvider.System, CancellationToken.None);

        Assert.Contains("storage refused the write", failed, StringComparison.Ordinal);
        Assert.Equal(1, conversation.Calls);
    }

    /// <summary>What the cluster throws when it cannot reach the silo a call is addressed to (its constructor is internal).</summary>
    private static Exception Rejection() => (Exception)Activator.CreateInstance(
        typeof(OrleansMessageRejectionException), BindingFlags.NonPublic | BindingFlags.Instance, null, ["Unable to connect to the silo"], null)!;

    /// <summary>A conversation grain whose Accept fails the first N times, behind a grain factory that hands it out.</summary>
    private sealed class Conversation
    {
        private int _calls;

        public int Calls => _calls;

        public required IGrainFactory Factory { get; init; }

        public static Conversation Refusing(int refusals, Func<Exception> refusal)
        {
            Conversation? conversation = null;
            var grain = Proxy<IConversationGrain>.Create(method =>
            {
                Assert.Equal(nameof(IConversationGrain.Accept), method.Name);
                return Interlocked.Increment(ref conversation!._calls) <= refusals ? Task.FromException<AcceptOutcome>(refusal()) : Task.FromResult(AcceptOutcome.Queued);
            });
            conversation = new Conversation { Factory = Proxy<IGrainFactory>.Create(_ => grain) };
            return conversation;
        }
    }

    /// <summary>An implementation of <typeparamref name="T"/> whose every call is answered by a function of the method.</summary>
    public class Proxy<T> : DispatchProxy
        where T : class
    {
        private Func<MethodInfo, object?> _answer = _ => null;

        public static T Create(Func<MethodInfo, object?> answer)
        {
            var proxy = Create<T, Proxy<T>>();
            ((Proxy<T>)(object)proxy)._answer = answer;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _answer(targetMethod!);
    }
}
