namespace Switchboard.Tests.Infrastructure;

/// <summary>
/// One-way calls, timers and reminders finish later than the call that started them: poll for the expected state
/// instead of sleeping a fixed time. The timeout is a safety net, never the thing measured.
/// </summary>
public static class Eventually
{
    public static async Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        await HoldsAsync(() => Task.FromResult(condition()), timeout, what);
    }

    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
