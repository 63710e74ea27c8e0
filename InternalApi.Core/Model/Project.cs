using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace InternalApi.Core.Model;

/// <summary>Project visibility.</summary>
public enum Visibility
{
    /// <summary>Members only.</summary>
    Private = 0,

    /// <summary>Any signed-in, non-external user.</summary>
    Internal = 10,

    /// <summary>Everyone, including anonymous.</summary>
    Public = 20,
}

/// <summary>Feature access level of the repository (or wiki) feature.</summary>
public enum FeatureAccess
{
    /// <summary>Disabled.</summary>
    Disabled = 0,

    /// <summary>Only project members.</summary>
    Private = 10,

    /// <summary>Everyone with access to the project.</summary>
    Enabled = 20,
}

/// <summary>A project and its repository.</summary>
public sealed record Project
{
    /// <summary>Id (<c>project-N</c>).</summary>
    public required long Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>Namespace id.</summary>
    public required long NamespaceId { get; init; }

    /// <summary>Full path, e.g. <c>gnuwget/wget2</c>.</summary>
    public required string FullPath { get; init; }

    /// <summary>Visibility.</summary>
    public Visibility Visibility { get; init; } = Visibility.Private;

    /// <summary>Repository feature access ("only project members" = Private).</summary>
    public FeatureAccess RepositoryAccess { get; init; } = FeatureAccess.Enabled;

    /// <summary>Wiki feature access.</summary>
    public FeatureAccess WikiAccess { get; init; } = FeatureAccess.Enabled;

    /// <summary>Merge requests feature enabled.</summary>
    public bool MergeRequestsEnabled { get; init; } = true;

    /// <summary>Print the "create a merge request" link after pushes.</summary>
    public bool PrintMergeRequestLink { get; init; } = true;

    /// <summary>LFS enabled.</summary>
    public bool LfsEnabled { get; init; } = true;

    /// <summary>Project-level error tracking feature.</summary>
    public bool ErrorTrackingEnabled { get; init; }

    /// <summary>Archived: read-only for Git.</summary>
    public bool Archived { get; init; }

    /// <summary>Repository temporarily read-only (e.g. storage move).</summary>
    public bool RepositoryReadOnly { get; init; }

    /// <summary>Whether the repository exists on Gitaly.</summary>
    public bool RepositoryExists { get; init; } = true;

    /// <summary>Default branch; null while the repository is empty.</summary>
    public string? DefaultBranch { get; init; }

    /// <summary>Gitaly storage name.</summary>
    public string StorageName { get; init; } = "default";

    /// <summary>Creator.</summary>
    public long? CreatorId { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last activity (push, etc.).</summary>
    public DateTimeOffset? LastActivityAt { get; init; }

    /// <summary>Last repository update (push).</summary>
    public DateTimeOffset? LastRepositoryUpdatedAt { get; init; }

    /// <summary>Repository identifier.</summary>
    public string GlRepository => "project-" + Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Last path segment.</summary>
    public string Path => FullPath[(FullPath.LastIndexOf('/') + 1)..];

    /// <summary>Whether the repository has no commits yet.</summary>
    public bool IsEmpty => DefaultBranch is null;

    /// <summary>Hashed-storage relative path: <c>@hashed/ab/cd/&lt;sha256(id)&gt;.git</c>.</summary>
    public string DiskPath => HashedPath(Id) + ".git";

    /// <summary>Hashed path without suffix for a project id.</summary>
    public static string HashedPath(long id)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(id.ToString(CultureInfo.InvariantCulture))));
        return $"@hashed/{hash[..2]}/{hash[2..4]}/{hash}";
    }
}
