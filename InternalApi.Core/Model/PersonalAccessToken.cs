namespace InternalApi.Core.Model;

/// <summary>A personal access token; only its SHA-256 digest is stored.</summary>
public sealed record PersonalAccessToken
{
    /// <summary>Id.</summary>
    public required long Id { get; init; }

    /// <summary>Owner.</summary>
    public required long UserId { get; init; }

    /// <summary>Name.</summary>
    public required string Name { get; init; }

    /// <summary>Hex SHA-256 of the token text.</summary>
    public required string Digest { get; init; }

    /// <summary>Scopes.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Expiry date (end of that day UTC), or null.</summary>
    public DateOnly? ExpiresAt { get; init; }

    /// <summary>Revoked.</summary>
    public bool Revoked { get; init; }

    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last use.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }

    /// <summary>Usable now: not revoked, not past its expiry date.</summary>
    public bool IsActive(DateTimeOffset now) => !Revoked && (ExpiresAt is null || ExpiresAt.Value >= DateOnly.FromDateTime(now.UtcDateTime));
}

/// <summary>An error-tracking client key of a project.</summary>
public sealed record ErrorTrackingClientKey(long ProjectId, string PublicKey, bool Active);
