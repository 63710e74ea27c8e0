using System.Text.RegularExpressions;
using InternalApi.Core.Git;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>
/// Per-ref checks of a push with real changes (spec §3.1.7), evaluated line by line in order; the
/// first failure is the answer. Force pushes and "is the new commit already on a protected branch"
/// need the repository's object graph, which this service does not have: they are never claimed.
/// A tag "exists" exactly when the change's old revision is not blank.
/// </summary>
public static partial class ChangeChecks
{
    /// <summary>The first failing check's message, or null when every change may be pushed.</summary>
    public static string? Check(ProjectPermissions permissions, Project project, IReadOnlyList<RefChange> changes, string protocol, IReadOnlyList<ProtectedRef> rules)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        ArgumentNullException.ThrowIfNull(project);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(rules);
        var web = protocol == "web";
        foreach (var change in changes)
        {
            var message = change.IsBranch ? BranchCheck(permissions, project, change, web, rules)
                : change.IsTag ? TagCheck(permissions, project, change, web, rules)
                : permissions.CanPush ? null : GitAccessMessages.PushNotAllowed;
            if (message is not null)
            {
                return message;
            }
        }

        return null;
    }

    private static string? BranchCheck(ProjectPermissions p, Project project, RefChange change, bool web, IReadOnlyList<ProtectedRef> rules)
    {
        var name = change.Name;
        var rule = rules.FirstOrDefault(r => r.Kind == RefKind.Branch && r.Matches(name));

        // 1. Push permission for the ref: a protected branch may be pushed by its allowed levels even
        //    without the general push ability (e.g. a deploy key listed on the rule).
        if (!p.CanPush && !(rule is not null && p.Allows(rule.PushAccessLevels, rule.DeployKeyIds)))
        {
            return GitAccessMessages.PushNotAllowed;
        }

        // 2. Branch checks.
        if (change.IsDelete && name == project.DefaultBranch)
        {
            return GitAccessMessages.DeleteDefaultBranch;
        }

        if (!change.IsDelete && HexName().IsMatch(name))
        {
            return GitAccessMessages.HexBranchName;
        }

        if (rule is null)
        {
            return null;
        }

        var canPush = p.Allows(rule.PushAccessLevels, rule.DeployKeyIds);
        if (project.IsEmpty)
        {
            // An empty repository has nothing to protect yet: the push rule alone decides.
            return canPush ? null : GitAccessMessages.PushProtectedBranch;
        }

        if (change.IsDelete)
        {
            if (!p.IsMaintainer)
            {
                return GitAccessMessages.DeleteProtectedBranch;
            }

            return web ? null : GitAccessMessages.DeleteProtectedBranchWebOnly;
        }

        if (change.IsCreate)
        {
            if (canPush)
            {
                return null;
            }

            if (!p.Allows(rule.MergeAccessLevels))
            {
                return GitAccessMessages.CreateProtectedBranch;
            }

            return web ? null : GitAccessMessages.CreateProtectedBranchWebOnly;
        }

        return canPush ? null : GitAccessMessages.PushProtectedBranch;
    }

    private static string? TagCheck(ProjectPermissions p, Project project, RefChange change, bool web, IReadOnlyList<ProtectedRef> rules)
    {
        var name = change.Name;
        if (!p.CanPush)
        {
            return GitAccessMessages.PushNotAllowed;
        }

        // The tag exists when its old revision is not blank (an update or a deletion).
        if (!change.IsCreate && !p.IsMaintainer)
        {
            return GitAccessMessages.ChangeExistingTag;
        }

        if (change.IsCreate && name == project.DefaultBranch)
        {
            return GitAccessMessages.DefaultBranchTag;
        }

        if (!change.IsDelete)
        {
            if (name.Contains('\uFFFD', StringComparison.Ordinal))
            {
                return GitAccessMessages.TagNotUtf8;
            }

            if (name.StartsWith("refs/tags/", StringComparison.Ordinal) || !IsValidRefName(name))
            {
                return GitAccessMessages.TagProhibitedPattern;
            }

            if (ShaPrefix().IsMatch(name))
            {
                return GitAccessMessages.TagShaName;
            }
        }

        var rule = rules.FirstOrDefault(r => r.Kind == RefKind.Tag && r.Matches(name));
        if (rule is null)
        {
            return null;
        }

        if (change.IsDelete)
        {
            return !p.IsMaintainer ? GitAccessMessages.ProtectedTagDelete : web ? null : GitAccessMessages.ProtectedTagDeleteWebOnly;
        }

        if (!change.IsCreate)
        {
            return GitAccessMessages.ProtectedTagUpdate;
        }

        return p.Allows(rule.PushAccessLevels) ? null : GitAccessMessages.ProtectedTagCreate;
    }

    /// <summary>The parts of git's check-ref-format rules that matter for tag names.</summary>
    private static bool IsValidRefName(string name) =>
        name.Length > 0 &&
        !name.StartsWith('/') && !name.EndsWith('/') && !name.EndsWith('.') && !name.StartsWith('-') &&
        !name.Contains("..", StringComparison.Ordinal) && !name.Contains("//", StringComparison.Ordinal) &&
        !name.Contains("@{", StringComparison.Ordinal) && name != "@" &&
        !name.EndsWith(".lock", StringComparison.Ordinal) && !name.Split('/').Any(s => s.StartsWith('.')) &&
        !name.Any(c => char.IsControl(c) || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\');

    [GeneratedRegex("^[0-9a-fA-F]{40}$")]
    private static partial Regex HexName();

    [GeneratedRegex("^([0-9a-fA-F]{64}|[0-9a-fA-F]{40})")]
    private static partial Regex ShaPrefix();
}
