namespace Switchboard.Contracts;

/// <summary>
/// The directory's index of email addresses: one grain per normalised address (<see cref="EmailAddress"/>) naming the
/// number of the employee who emails from it, so that a mail joins that person's conversation.
/// </summary>
[Alias("Switchboard.IEmployeeEmailGrain")]
public interface IEmployeeEmailGrain : IGrainWithStringKey
{
    /// <summary>The number of the employee registered with this address, or null.</summary>
    [Alias("Phone")]
    Task<string?> Phone();

    /// <summary>
    /// Points the address at <paramref name="phone"/>; false when another employee still holds it (an entry whose
    /// employee no longer uses the address is taken over).
    /// </summary>
    [Alias("Claim")]
    Task<bool> Claim(string phone);

    /// <summary>Forgets the address if it points at <paramref name="phone"/> (another employee's claim stays).</summary>
    [Alias("Release")]
    Task Release(string phone);
}
