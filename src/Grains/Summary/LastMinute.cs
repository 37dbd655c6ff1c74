namespace Switchboard.Grains.Summary;

/// <summary>
/// How much a running total grew in the last minute, from samples taken as it is reported (every few seconds): the
/// total now less the total of the newest sample at least a minute old, or of the first sample while there is none.
/// </summary>
public sealed class LastMinute
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Queue<(DateTimeOffset At, long Total)> _samples = new();

    public int Add(DateTimeOffset now, long total)
    {
        _samples.Enqueue((now, total));
        while (_samples.Count > 1 && _samples.ElementAt(1).At <= now - Window)
        {
            _samples.Dequeue();
        }

        return (int)Math.Min(int.MaxValue, total - _samples.Peek().Total);
    }
}
