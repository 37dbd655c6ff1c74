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

    /// <summary>The read or insert under way: calls that interleave (a view) wait for it instead of reading twice.</summary>
    private Task? _busy;

    /// <summary>
    /// Reads the stored state, once per activation; a caller that interleaves with a read or insert under way waits for
    /// it. Returns true to the caller whose read loaded it (that caller resumes whatever the state says is pending).
    /// </summary>
    public async Task<bool> EnsureLoadedAsync()
    {
        while (!IsLoaded)
        {
            if (_busy is { } busy)
            {
                await QuietlyAsync(busy);
                continue;
            }

            await ExclusiveAsync(ReadAsync());
            return true;
        }

        return false;
    }

    /// <summary>Waits until no read or insert is under way.</summary>
    public async Task WaitIdleAsync()
    {
        while (_busy is { } busy)
        {
            await QuietlyAsync(busy);
        }
    }

    private async Task<bool> ReadAsync()
    {
        await storage.ReadStateAsync(name, grain.GrainContext.GrainId, _state);
        IsLoaded = true;
        return true;
    }

    private async Task<bool> ExclusiveAsync(Task<bool> work)
    {
        _busy = work;
        try
        {
            return await work;
        }
        finally
        {
            _busy = null;
        }
    }

    /// <summary>Another caller's read or insert: a failure is that caller's to report; this one tries again.</summary>
    private static async Task QuietlyAsync(Task task)
    {
        try
        {
            await task;
        }
        catch
        {
            // reported by the caller that started it
        }
    }

    /// <summary>
    /// Before the state is loaded: stores <paramref name="create"/>'s state if storage has none (an insert, no read),
    /// and says so; if storage has one, loads it instead and returns false. Once loaded: false, nothing written.
    /// </summary>
    public async Task<bool> TryCreateAsync(Action<T> create)
    {
        await WaitIdleAsync();
        return await ExclusiveAsync(CreateAsync(create));
    }

    private async Task<bool> CreateAsync(Action<T> create)
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
            await ReadAsync();
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
