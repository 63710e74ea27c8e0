namespace InternalApi.Core.Access;

/// <summary>The rules of <c>git check-ref-format</c> that GitLab applies to new tag names.</summary>
public static class GitRefName
{
    /// <summary>Whether <paramref name="name"/> (without <c>refs/tags/</c>) is a valid ref name.</summary>
    public static bool IsValid(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || name == "@" || name.EndsWith('.') || name.EndsWith('/') || name.StartsWith('/') ||
            name.Contains("..", StringComparison.Ordinal) || name.Contains("@{", StringComparison.Ordinal) ||
            name.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c < ' ' || c == '\u007f' || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\')
            {
                return false;
            }
        }

        return name.Split('/').All(component => !component.StartsWith('.') && !component.EndsWith(".lock", StringComparison.Ordinal));
    }
}
