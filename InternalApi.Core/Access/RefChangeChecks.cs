using System.Buffers;
using InternalApi.Core.Git;
using InternalApi.Core.Model;

namespace InternalApi.Core.Access;

/// <summary>
/// The per-change checks GitLab runs for a push with real ref updates (spec §3.1.7), in its order:
/// push permission for the ref, then branch checks or tag checks. Refs that are neither branches nor
/// tags only need the push permission.
/// <para>
/// What cannot be known without the repository is not claimed: whether an update is a force push
/// (needs the commit graph), whether the basis of a new protected branch is already on a protected branch,
/// and whether a merge request is being merged by GitLab. So a force push to a protected branch is
/// treated like a normal update, and protected-branch creation by a user who may only merge is refused
/// by the web-only rule (or allowed from <c>web</c>). Whether a tag exists is read from the change line
/// itself: git reports an existing tag with a non-blank old revision.
/// </para>
/// </summary>
public sealed class RefChangeChecks(ActorAccess access, IReadOnlyList<ProtectedRef> rules, string protocol, string externalUrl)
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly IReadOnlyList<ProtectedRef> NoRules = [];

    private Project Project => access.Project;

    private bool FromWeb => string.Equals(protocol, "web", StringComparison.Ordinal);

    /// <summary>The denial message for one change, or null when it passes.</summary>
    public string? Check(RefChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!CanPushForRef(change))
        {
            return AccessMessages.PushCode;
        }

        if (change.IsBranch)
        {
            return CheckBranch(change);
        }

        return change.IsTag ? CheckTag(change) : null;
    }

    /// <summary>GitLab's push check: the push ability (users) or the deploy key's rights on that branch.</summary>
    private bool CanPushForRef(RefChange change)
    {
        if (access.IsDeployKey)
        {
            return access.DeployKeyCanPush && (!change.IsBranch || DeployKeyMayPushBranch(change.Name));
        }

        return access.CanPushCode;
    }

    private string? CheckBranch(RefChange change)
    {
        var name = change.Name;
        if (change.IsDelete && string.Equals(name, Project.DefaultBranch, StringComparison.Ordinal))
        {
            return AccessMessages.DeleteDefaultBranch;
        }

        if (!change.IsDelete && name.Length == 40 && !name.AsSpan().ContainsAnyExcept(HexDigits))
        {
            return AccessMessages.HexBranchName;
        }

        var matching = Matching(RefKind.Branch, name);
        if (matching.Count == 0)
        {
            return null;
        }

        // In an empty repository every change to a protected branch is judged as a push.
        if (Project.IsEmpty)
        {
            return CanPushToBranch(matching, name) ? null : AccessMessages.EmptyProjectPush(Project.FullPath, externalUrl);
        }

        if (change.IsCreate)
        {
            if (CanPushToBranch(matching, name))
            {
                return null;
            }

            if (!AnyAdmits(matching, merge: true))
            {
                return AccessMessages.CreateProtectedBranch;
            }

            return FromWeb ? null : AccessMessages.NonWebCreateProtectedBranch;
        }

        if (change.IsDelete)
        {
            if (!access.HasLevel(AccessLevel.Maintainer))
            {
                return AccessMessages.DeleteProtectedBranch;
            }

            return FromWeb ? null : AccessMessages.NonWebDeleteProtectedBranch;
        }

        return CanPushToBranch(matching, name) ? null : AccessMessages.PushProtectedBranch;
    }

    private string? CheckTag(RefChange change)
    {
        var name = change.Name;
        if (!change.IsCreate && !access.HasLevel(AccessLevel.Maintainer))
        {
            return AccessMessages.ChangeExistingTags;
        }

        if (change.IsCreate && string.Equals(name, Project.DefaultBranch, StringComparison.Ordinal))
        {
            return AccessMessages.DefaultBranchTag;
        }

        if (!change.IsDelete)
        {
            // Names arrive as JSON strings, so they are always valid UTF-8: the UTF-8 rule cannot fail here.
            if (name.StartsWith("refs/tags/", StringComparison.Ordinal) || !GitRefName.IsValid(name))
            {
                return AccessMessages.ProhibitedTag;
            }

            if (name.Length >= 40 && !name.AsSpan(0, 40).ContainsAnyExcept(HexDigits))
            {
                return AccessMessages.ShaTag;
            }
        }

        var matching = Matching(RefKind.Tag, name);
        if (matching.Count == 0)
        {
            return null;
        }

        if (!change.IsCreate && !change.IsDelete)
        {
            return AccessMessages.ProtectedTagUpdate;
        }

        if (change.IsDelete)
        {
            if (!access.HasLevel(AccessLevel.Maintainer))
            {
                return AccessMessages.DeleteProtectedTag;
            }

            return FromWeb ? null : AccessMessages.NonWebDeleteProtectedTag;
        }

        return AnyAdmits(matching, merge: false) ? null : AccessMessages.CreateProtectedTag;
    }

    // Loops rather than LINQ: these run for every change of every push, and the lambdas over `access` and
    // `name` would each allocate a closure and delegates per call.
    private IReadOnlyList<ProtectedRef> Matching(RefKind kind, string name)
    {
        List<ProtectedRef>? matching = null;
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Kind == kind && rules[i].Matches(name))
            {
                (matching ??= []).Add(rules[i]);
            }
        }

        return matching ?? NoRules;
    }

    /// <summary>Whether an entry of a matching rule's push (or merge) levels admits the user.</summary>
    private bool AnyAdmits(IReadOnlyList<ProtectedRef> matching, bool merge)
    {
        for (var i = 0; i < matching.Count; i++)
        {
            var levels = merge ? matching[i].MergeAccessLevels : matching[i].PushAccessLevels;
            for (var j = 0; j < levels.Count; j++)
            {
                if (access.Satisfies(levels[j]))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private bool CanPushToBranch(IReadOnlyList<ProtectedRef> matching, string name)
    {
        if (access.IsDeployKey)
        {
            return DeployKeyMayPushBranch(name);
        }

        return access.CanPushCode && AnyAdmits(matching, merge: false);
    }

    /// <summary>A deploy key with write access may push unprotected branches, and protected ones that list it.</summary>
    private bool DeployKeyMayPushBranch(string name)
    {
        var matching = Matching(RefKind.Branch, name);
        if (matching.Count == 0)
        {
            return true;
        }

        if (access.Actor.Key is not { } key)
        {
            return false;
        }

        for (var i = 0; i < matching.Count; i++)
        {
            if (matching[i].DeployKeyIds.Contains(key.Id))
            {
                return true;
            }
        }

        return false;
    }
}
