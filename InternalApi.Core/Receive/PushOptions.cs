namespace InternalApi.Core.Receive;

/// <summary>
/// The <c>git push -o</c> options GitLab defines that matter here: <c>ci.skip</c> and
/// <c>merge_request.create</c> / <c>.target=</c> / <c>.title=</c> / <c>.description=</c>. Anything else is
/// reported as unknown (GitLab ignores it).
/// </summary>
public sealed record PushOptions(bool CiSkip, bool CreateMergeRequest, string? Target, string? Title, string? Description, IReadOnlyList<string> Unknown)
{
    private static readonly string[] KnownButIgnored = ["ci.variable", "ci.input", "integrations.skip_ci", "secret_push_protection.skip_all", "merge_request.merge_when_pipeline_succeeds", "merge_request.auto_merge", "merge_request.remove_source_branch", "merge_request.draft", "merge_request.label", "merge_request.unlabel", "merge_request.milestone", "merge_request.assign", "merge_request.unassign"];

    /// <summary>Parses the option list.</summary>
    public static PushOptions Parse(IReadOnlyList<string> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool ciSkip = false, create = false;
        string? target = null, title = null, description = null;
        var unknown = new List<string>();
        foreach (var option in options)
        {
            var eq = option.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? option : option[..eq];
            var value = eq < 0 ? null : option[(eq + 1)..];
            switch (name)
            {
                case "ci.skip":
                    ciSkip = true;
                    break;
                case "merge_request.create":
                    create = true;
                    break;
                case "merge_request.target":
                    target = value;
                    break;
                case "merge_request.title":
                    title = value;
                    break;
                case "merge_request.description":
                    description = value;
                    break;
                default:
                    if (!KnownButIgnored.Contains(name))
                    {
                        unknown.Add(option);
                    }

                    break;
            }
        }

        return new PushOptions(ciSkip, create, target, title, description, unknown);
    }
}
