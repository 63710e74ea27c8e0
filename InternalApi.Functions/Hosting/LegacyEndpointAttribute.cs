namespace InternalApi.Functions.Hosting;

/// <summary>
/// Marks an HTTP function that only older callers use (an older kas, a seed-era CustomersDot route GitLab deprecated):
/// it keeps working, and the OpenAPI document lists it as deprecated with <see cref="Note"/> (what current callers do
/// instead).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LegacyEndpointAttribute(string note) : Attribute
{
    /// <summary>What current callers do instead.</summary>
    public string Note { get; } = note;
}
