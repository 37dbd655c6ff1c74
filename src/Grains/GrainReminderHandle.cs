namespace Switchboard.Grains;

/// <summary>
/// A grain's one durable wake-up, held while it has work that must survive a restart and released when it has none.
/// Registering costs a storage write, so it is registered only when not known to be held (by this activation, or by a
/// tick that proves it).
/// </summary>
public sealed class GrainReminderHandle(string name, TimeSpan period)
{
    private IGrainReminder? _reminder;

    public bool IsHeld { get; private set; }

    public async Task HoldAsync(IGrainBase grain)
    {
        if (!IsHeld)
        {
            _reminder = await grain.RegisterOrUpdateReminder(name, period, period);
            IsHeld = true;
        }
    }

    /// <summary>The reminder exists, whatever this activation did: it ticked, or the stored state proves it was registered.</summary>
    public void MarkHeld() => IsHeld = true;

    /// <summary>Releases it if held. Cleared first: if the unregister succeeds but its answer is lost, the next need registers again.</summary>
    public async Task ReleaseAsync(IGrainBase grain)
    {
        if (IsHeld)
        {
            IsHeld = false;
            var reminder = _reminder;
            _reminder = null;
            await grain.UnregisterIfPresentAsync(name, reminder);
        }
    }
}
