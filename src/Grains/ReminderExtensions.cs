namespace Switchboard.Grains;

internal static class ReminderExtensions
{
    /// <summary>Unregisters the reminder if there is one; <paramref name="known"/>, when the grain kept its handle, saves the lookup.</summary>
    public static async Task UnregisterIfPresentAsync(this IGrainBase grain, string name, IGrainReminder? known = null)
    {
        if ((known ?? await grain.GetReminder(name)) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }
    }
}
