using Switchboard.Contracts;

namespace Switchboard.Grains.Employees;

/// <summary>
/// One email address of the directory, pointing at the employee's number. The employee grain is the record: it claims
/// the address when registered with it and releases it when it changes or is removed; an entry whose employee no
/// longer names the address (a crash between the two writes) is treated as free, so the index never blocks anyone.
/// </summary>
[CollectionAgeLimit(Minutes = 2)]
public sealed class EmployeeEmailGrain(
    [PersistentState("employee-email", StorageNames.State)] IPersistentState<EmployeeEmailState> state)
    : Grain, IEmployeeEmailGrain
{
    private string Address => this.GetPrimaryKeyString();

    public async Task<string?> Phone() =>
        state.State.Phone is { } phone && await GrainFactory.GetGrain<IEmployeeGrain>(phone).EmailsFrom(Address) ? phone : null;

    public async Task<bool> Claim(string phone)
    {
        if (state.State.Phone == phone)
        {
            return true;
        }

        if (await Phone() is not null)
        {
            return false;
        }

        state.State.Phone = phone;
        await state.WriteOrReloadAsync(this);
        return true;
    }

    public async Task Release(string phone)
    {
        if (state.State.Phone == phone)
        {
            await state.ClearStateAsync();
        }
    }
}

/// <summary>The number an email address points at.</summary>
[GenerateSerializer, Alias("Switchboard.EmployeeEmailState")]
public sealed class EmployeeEmailState
{
    [Id(0)] public string? Phone { get; set; }
}
