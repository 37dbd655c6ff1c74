namespace Switchboard.Grains;

internal static class PersistentStateExtensions
{
    /// <summary>
    /// Writes the state; if the write fails, the activation's state is ahead of storage, so it is dropped and the
    /// next call reloads what storage really holds. The caller sees the exception (the webhook answers 5xx).
    /// </summary>
    public static async Task WriteOrReloadAsync<T>(this IPersistentState<T> state, IGrainBase grain)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }
}
