namespace InternalApi.Core.Model;

/// <summary>What a membership is on.</summary>
public enum MemberSource
{
    /// <summary>A project.</summary>
    Project,

    /// <summary>A group (inherited by its subgroups and projects).</summary>
    Group,
}

/// <summary>A user's membership of a project or group.</summary>
public sealed record Membership(MemberSource Source, long SourceId, long UserId, AccessLevel AccessLevel);
