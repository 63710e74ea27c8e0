namespace InternalApi.Core.Git;

/// <summary>One ref update line: <c>&lt;oldrev&gt; &lt;newrev&gt; &lt;ref&gt;</c>.</summary>
public sealed record RefChange(string OldRev, string NewRev, string Ref)
{
    /// <summary>The value gitlab-shell sends when it does not know the refs.</summary>
    public const string Any = "_any";

    private const string BranchPrefix = "refs/heads/";
    private const string TagPrefix = "refs/tags/";

    /// <summary>Old revision is the blank (all-zero) SHA: the ref is being created.</summary>
    public bool IsCreate => IsBlank(OldRev);

    /// <summary>New revision is blank: the ref is being deleted.</summary>
    public bool IsDelete => IsBlank(NewRev);

    /// <summary>A branch (<c>refs/heads/</c>).</summary>
    public bool IsBranch => Ref.StartsWith(BranchPrefix, StringComparison.Ordinal);

    /// <summary>A tag (<c>refs/tags/</c>).</summary>
    public bool IsTag => Ref.StartsWith(TagPrefix, StringComparison.Ordinal);

    /// <summary>Branch or tag name without its prefix; the full ref for other refs.</summary>
    public string Name => IsBranch ? Ref[BranchPrefix.Length..] : IsTag ? Ref[TagPrefix.Length..] : Ref;

    /// <summary>Whether a revision is the blank SHA-1 (40 zeros) or SHA-256 (64 zeros).</summary>
    public static bool IsBlank(string rev) => rev is { Length: 40 or 64 } && rev.All(c => c == '0');

    /// <summary>Whether a revision looks like a full SHA-1 or SHA-256 object id.</summary>
    public static bool IsObjectId(string rev) => rev is { Length: 40 or 64 } && rev.All(char.IsAsciiHexDigit);

    /// <summary>
    /// Parses newline-separated change lines. Blank lines are skipped; each line is trimmed and split on
    /// spaces. Lines that are not exactly <c>oldrev newrev ref</c> with object-id revisions are returned as
    /// malformed rather than failing the whole set.
    /// </summary>
    public static RefChangeSet Parse(string? changes)
    {
        var parsed = new List<RefChange>();
        var malformed = new List<string>();
        foreach (var raw in (changes ?? "").Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && IsObjectId(parts[0]) && IsObjectId(parts[1]) && parts[0].Length == parts[1].Length && parts[2].Length > 0)
            {
                parsed.Add(new RefChange(parts[0].ToLowerInvariant(), parts[1].ToLowerInvariant(), parts[2]));
            }
            else
            {
                malformed.Add(line);
            }
        }

        return new RefChangeSet(parsed, malformed);
    }
}

/// <summary>The parsed changes of a push.</summary>
public sealed record RefChangeSet(IReadOnlyList<RefChange> Changes, IReadOnlyList<string> Malformed);
