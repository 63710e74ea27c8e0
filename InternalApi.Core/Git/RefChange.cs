using System.Buffers;

namespace InternalApi.Core.Git;

/// <summary>One ref update line: <c>&lt;oldrev&gt; &lt;newrev&gt; &lt;ref&gt;</c>.</summary>
public sealed record RefChange(string OldRev, string NewRev, string Ref)
{
    /// <summary>The value gitlab-shell sends when it does not know the refs.</summary>
    public const string Any = "_any";

    private const string BranchPrefix = "refs/heads/";
    private const string TagPrefix = "refs/tags/";

    // char.IsAsciiHexDigit's set, searched vectorized (and without the boxed enumerator of LINQ over a string).
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

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
    public static bool IsBlank(string rev) => rev is { Length: 40 or 64 } && !rev.AsSpan().ContainsAnyExcept('0');

    /// <summary>Whether a revision looks like a full SHA-1 or SHA-256 object id.</summary>
    public static bool IsObjectId(string rev) => rev is { Length: 40 or 64 } && !rev.AsSpan().ContainsAnyExcept(HexDigits);

    /// <summary>
    /// Parses newline-separated change lines. Blank lines are skipped; each line is trimmed and split on
    /// spaces. Lines that are not exactly <c>oldrev newrev ref</c> with object-id revisions are returned as
    /// malformed rather than failing the whole set.
    /// </summary>
    public static RefChangeSet Parse(string? changes)
    {
        // Split over spans: only the three words of each line become strings (no arrays of lines and words).
        var parsed = new List<RefChange>();
        List<string>? malformed = null;
        var text = (changes ?? "").AsSpan();
        Span<Range> words = stackalloc Range[4];
        foreach (var lineRange in text.Split('\n'))
        {
            var line = text[lineRange].Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            // Up to four non-empty words: exactly three make a change line.
            var count = 0;
            foreach (var word in line.Split(' '))
            {
                if (!line[word].IsEmpty)
                {
                    words[count++] = word;
                    if (count == words.Length)
                    {
                        break;
                    }
                }
            }

            if (count == 3 && IsObjectId(line[words[0]]) && IsObjectId(line[words[1]]) && line[words[0]].Length == line[words[1]].Length)
            {
                parsed.Add(new RefChange(new string(line[words[0]]).ToLowerInvariant(), new string(line[words[1]]).ToLowerInvariant(), new string(line[words[2]])));
            }
            else
            {
                (malformed ??= []).Add(new string(line));
            }
        }

        return new RefChangeSet(parsed, malformed ?? (IReadOnlyList<string>)[]);
    }

    private static bool IsObjectId(ReadOnlySpan<char> rev) => rev.Length is 40 or 64 && !rev.ContainsAnyExcept(HexDigits);
}

/// <summary>The parsed changes of a push.</summary>
public sealed record RefChangeSet(IReadOnlyList<RefChange> Changes, IReadOnlyList<string> Malformed);
