using System.Text.Json;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>A validated import file: domain records ready to write, or the list of problems.</summary>
public sealed record ImportFile
{
    /// <summary>Problems, each prefixed with its JSON path; empty when the file is valid.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Users with their personal namespace id (null = reuse the stored one or allocate).</summary>
    public IReadOnlyList<(User User, long? NamespaceId)> Users { get; init; } = [];

    /// <summary>Groups, parents first.</summary>
    public IReadOnlyList<GitLabNamespace> Groups { get; init; } = [];

    /// <summary>User keys and deploy keys.</summary>
    public IReadOnlyList<SshKey> Keys { get; init; } = [];

    /// <summary>Deploy key enablements.</summary>
    public IReadOnlyList<DeployKeyProject> DeployKeyProjects { get; init; } = [];

    /// <summary>Projects with their namespace path and old paths.</summary>
    public IReadOnlyList<(Project Project, string NamespacePath, IReadOnlyList<string> Redirects)> Projects { get; init; } = [];

    /// <summary>Memberships; group sources are given by path until resolved.</summary>
    public IReadOnlyList<(long UserId, long? ProjectId, string? GroupPath, AccessLevel Level)> Memberships { get; init; } = [];

    /// <summary>Protected branches and tags.</summary>
    public IReadOnlyList<ProtectedRef> ProtectedRefs { get; init; } = [];

    /// <summary>Personal access tokens (digest only).</summary>
    public IReadOnlyList<PersonalAccessToken> Tokens { get; init; } = [];

    /// <summary>Error tracking client keys.</summary>
    public IReadOnlyList<ErrorTrackingClientKey> ErrorTrackingKeys { get; init; } = [];

    /// <summary>Broadcast messages.</summary>
    public IReadOnlyList<BroadcastMessage> BroadcastMessages { get; init; } = [];

    /// <summary>Whether the file can be imported.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>Parses JSON text; a syntax error is reported with its position.</summary>
    public static ImportFile Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
            return ImportParser.Parse(doc.RootElement);
        }
        catch (JsonException ex)
        {
            return new ImportFile { Errors = [$"$: not valid JSON ({ex.Message})"] };
        }
    }
}
