namespace Switchboard.Grains;

/// <summary>Exponential backoff that stops doubling at its cap, so no attempt number can overflow a <see cref="TimeSpan"/>.</summary>
public static class Backoff
{
    /// <summary><paramref name="initial"/> × 2^(attempt − 1), at most <paramref name="cap"/>.</summary>
    public static TimeSpan Doubling(TimeSpan initial, int attempt, TimeSpan cap)
    {
        var delay = initial;
        for (var i = 1; i < attempt && delay < cap; i++)
        {
            delay *= 2;
        }

        return delay < cap ? delay : cap;
    }
}
