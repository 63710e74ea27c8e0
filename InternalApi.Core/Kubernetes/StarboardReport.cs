namespace InternalApi.Core.Kubernetes;

/// <summary>An identifier as sent; <c>external_type</c>/<c>external_id</c> are keys KAS does not send but GitLab reads.</summary>
public sealed record ReportedIdentifier(string Type, string Name, string? Value, string? Url, string? ExternalType = null, string? ExternalId = null);

/// <summary>The location fields the UUID and <c>scan_result</c> use; the whole object is kept as JSON besides.</summary>
public sealed record ReportedLocation(
    string Image,
    string PackageName,
    string Namespace,
    string Kind,
    string Name,
    string ContainerName,
    string AgentId,
    string? Container);

/// <summary>One Trivy/Starboard finding as KAS reports it (spec §4.5), after schema validation.</summary>
public sealed record StarboardReport
{
    /// <summary>Title.</summary>
    public required string Name { get; init; }

    /// <summary>Lower-cased severity.</summary>
    public required string Severity { get; init; }

    /// <summary>Lower-cased confidence, or null.</summary>
    public string? Confidence { get; init; }

    /// <summary>The location fields.</summary>
    public required ReportedLocation Location { get; init; }

    /// <summary>The <c>location</c> object as sent (JSON).</summary>
    public required string LocationJson { get; init; }

    /// <summary>Identifiers, primary first (at least one).</summary>
    public required IReadOnlyList<ReportedIdentifier> Identifiers { get; init; }

    /// <summary>Message, or null.</summary>
    public string? Message { get; init; }

    /// <summary>Description, or null.</summary>
    public string? Description { get; init; }

    /// <summary>Solution, or null.</summary>
    public string? Solution { get; init; }

    /// <summary>The <c>links</c> array as sent (JSON), or null.</summary>
    public string? LinksJson { get; init; }

    /// <summary><c>scanner.id</c>.</summary>
    public required string ScannerId { get; init; }

    /// <summary><c>scanner.name</c>.</summary>
    public required string ScannerName { get; init; }

    /// <summary><c>scanner.vendor.name</c>.</summary>
    public required string ScannerVendor { get; init; }
}

/// <summary>The values GitLab's vulnerability enums accept.</summary>
public static class StarboardValues
{
    /// <summary>Severities.</summary>
    public static readonly IReadOnlySet<string> Severities = new HashSet<string>(["info", "unknown", "low", "medium", "high", "critical"], StringComparer.Ordinal);

    /// <summary>Confidences.</summary>
    public static readonly IReadOnlySet<string> Confidences = new HashSet<string>(["ignore", "unknown", "experimental", "low", "medium", "high", "confirmed"], StringComparer.Ordinal);

    /// <summary>GitLab's title limit; longer names are truncated.</summary>
    public const int TitleLength = 255;

    /// <summary>GitLab's model limits (its validation messages name the attribute).</summary>
    public static readonly IReadOnlyList<(string Attribute, int Maximum)> Limits = [("Description", 15_000), ("Message", 3_000), ("Solution", 7_000)];

    /// <summary>
    /// Longest JSON kept for <c>location</c>, <c>identifiers</c> and <c>links</c>: a table property holds 64 KiB
    /// (32K UTF-16 characters).
    /// </summary>
    public const int MaxJsonLength = 30_000;
}
