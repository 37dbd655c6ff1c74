using Orleans.Storage;

namespace Switchboard.Grains;

/// <summary>
/// A grain's persisted state read when first needed instead of on activation (what <see cref="IPersistentState{T}"/>
/// does). For a grain whose first call usually creates it: <see cref="TryCreateAsync"/> inserts the new state without
/// the read that would only miss, and reads only when the row turns out to exist. Same storage row as
/// <c>[PersistentState(name, storage)]</c>, so it reads what that wrote.
/// </summary>
public sealed class LazyGrainState<T>(IGrainStorage storage, string name, IGrainBase grain) where T : class, new()
{
    private readonly GrainState<T> _state = new(new T());

    public bool IsLoaded { get; private set; }

    public T State => _state.State ??= new T(); // a read that found nothing may leave it null

    /// <summary>Reads the stored state, once per activation.</summary>
    public async Task LoadAsync()
    {
        if (!IsLoaded)
        {
            await storage.ReadStateAsync(name, grain.GrainContext.GrainId, _state);
            IsLoaded = true;
        }
    }

    /// <summary>
    /// Before the state is loaded: stores <paramref name="create"/>'s state if storage has none (an insert, no read),
    /// and says so; if storage has one, loads it instead and returns false. Once loaded: false, nothing written.
    /// </summary>
    public async Task<bool> TryCreateAsync(Action<T> create)
    {
        if (IsLoaded)
        {
            return false;
        }

        create(State);
        try
        {
            await WriteAsync(); // no ETag: an insert, refused (409) if the row exists
            IsLoaded = true;
            return true;
        }
        catch (InconsistentStateException)
        {
            Forget();
            await LoadAsync();
            return false;
        }
        catch
        {
            Forget();
            throw;
        }
    }

    /// <summary>
    /// Writes the state; if the write fails, the activation's state is ahead of storage, so it is
    /// dropped and the next call reloads what storage really holds. The caller sees the exception.
    /// </summary>
    public async Task WriteOrReloadAsync()
    {
        try
        {
            await WriteAsync();
        }
        catch
        {
            grain.DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>Drops what was not stored: the next call starts from storage.</summary>
    private void Forget()
    {
        _state.State = new T();
        _state.ETag = null;
        _state.RecordExists = false;
        IsLoaded = false;
    }

    private Task WriteAsync() => storage.WriteStateAsync(name, grain.GrainContext.GrainId, _state);
}
