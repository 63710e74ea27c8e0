namespace InternalApi.Core.Import;

/// <summary>One line of an import's summary: a section and how many of its records were written.</summary>
public sealed record ImportCount(string Section, int Count);

/// <summary>What an import did: the problems that stopped it, or what it wrote.</summary>
public sealed record ImportResult(IReadOnlyList<string> Errors, IReadOnlyList<ImportCount> Counts)
{
    /// <summary>True when the file was valid and everything was written.</summary>
    public bool Succeeded => Errors.Count == 0;
}
