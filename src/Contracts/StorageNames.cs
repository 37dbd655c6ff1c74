namespace Switchboard.Contracts;

/// <summary>Names of the Orleans providers, shared by the silo configuration and the grains.</summary>
public static class StorageNames
{
    /// <summary>Grain state store (Azure Table storage in every real host).</summary>
    public const string State = "switchboard";
}
