using System.Text.Json;
using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>
/// Turns the JSON document into domain records, checking field types and references that can be
/// checked inside the file. References to entities already in the store are checked by the importer.
/// </summary>
internal static class ImportParser
{
    /// <summary>Top-level sections; a later issue adds one by adding its name and a parse step.</summary>
    public static readonly IReadOnlyList<string> Sections =
    [
        "users", "groups", "keys", "deploy_keys", "projects", "memberships", "protected_branches", "protected_tags",
        "personal_access_tokens", "error_tracking_keys", "broadcast_messages",
    ];

    private static readonly Dictionary<string, UserState> States = new(StringComparer.Ordinal)
    {
        ["active"] = UserState.Active, ["blocked"] = UserState.Blocked, ["deactivated"] = UserState.Deactivated, ["blocked_pending_approval"] = UserState.BlockedPendingApproval,
    };

    private static readonly Dictionary<string, UserType> Types = new(StringComparer.Ordinal) { ["human"] = UserType.Human, ["internal"] = UserType.Internal };

    private static readonly Dictionary<string, Visibility> Visibilities = new(StringComparer.Ordinal)
    {
        ["private"] = Visibility.Private, ["internal"] = Visibility.Internal, ["public"] = Visibility.Public,
    };

    private static readonly Dictionary<string, FeatureAccess> Features = new(StringComparer.Ordinal)
    {
        ["disabled"] = FeatureAccess.Disabled, ["private"] = FeatureAccess.Private, ["enabled"] = FeatureAccess.Enabled,
    };

    private static readonly Dictionary<string, AccessLevel> Roles = new(StringComparer.Ordinal)
    {
        ["guest"] = AccessLevel.Guest, ["planner"] = AccessLevel.Planner, ["reporter"] = AccessLevel.Reporter, ["developer"] = AccessLevel.Developer,
        ["maintainer"] = AccessLevel.Maintainer, ["owner"] = AccessLevel.Owner,
    };

    private static readonly Dictionary<string, AccessLevel> RefLevels = new(StringComparer.Ordinal)
    {
        ["no_one"] = AccessLevel.NoAccess, ["developer"] = AccessLevel.Developer, ["maintainer"] = AccessLevel.Maintainer, ["admin"] = AccessLevel.Admin,
    };

    private static readonly Dictionary<string, string> UsageTypes = new(StringComparer.Ordinal)
    {
        ["auth"] = "auth", ["signing"] = "signing", ["auth_and_signing"] = "auth_and_signing",
    };

    private static readonly Dictionary<string, string?> Protocols = new(StringComparer.Ordinal) { ["all"] = null, ["ssh"] = "ssh", ["http"] = "http" };

    public static ImportFile Parse(JsonElement root)
    {
        var errors = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new ImportFile { Errors = ["$: must be an object"] };
        }

        foreach (var property in root.EnumerateObject().Where(p => !Sections.Contains(p.Name) && p.Name != "$schema"))
        {
            errors.Add($"$.{property.Name}: unknown section (known: {string.Join(", ", Sections)})");
        }

        var file = new ImportReader(root, "$", errors);
        var users = new List<(User, long?)>();
        foreach (var r in file.Objects("users"))
        {
            var user = new User
            {
                Id = r.Id("id", required: true) ?? 0,
                Username = r.Text("username", required: true) ?? "",
                Name = r.Text("name", required: true) ?? "",
                Email = r.Text("email"),
                State = r.Choice("state", States, UserState.Active),
                Type = r.Choice("type", Types, UserType.Human),
                Admin = r.Bool("admin", false),
                External = r.Bool("external", false),
                EmailConfirmed = r.Bool("email_confirmed", true),
                PasswordExpired = r.Bool("password_expired", false),
                TwoFactorEnabled = r.Bool("two_factor_enabled", false),
                CanCreateProject = r.Bool("can_create_project", true),
                CanCreatePersonalAccessToken = r.Bool("can_create_personal_access_token", true),
                RecoveryCodeDigests = r.Strings("recovery_codes").Select(SecretDigest.Sha256Hex).ToList(),
                CreatedAt = r.Time("created_at") ?? DateTimeOffset.UnixEpoch,
            };
            if (user.Username.Length > 0 && !IsPathSegment(user.Username))
            {
                r.Error("username", "may contain only letters, digits, '_', '-' and '.'");
            }

            users.Add((user, r.Id("namespace_id")));
        }

        Duplicates(errors, "users", users.Select(u => u.Item1.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), "id");
        Duplicates(errors, "users", users.Select(u => u.Item1.Username.ToLowerInvariant()), "username");

        var groups = new List<GitLabNamespace>();
        foreach (var r in file.Objects("groups"))
        {
            var fullPath = (r.Text("path", required: true) ?? "").Trim('/');
            if (fullPath.Length > 0 && !fullPath.Split('/').All(IsPathSegment))
            {
                r.Error("path", "is not a valid group path");
            }

            groups.Add(new GitLabNamespace
            {
                Id = r.Id("id", required: true) ?? 0,
                Kind = NamespaceKind.Group,
                FullPath = fullPath,
                Name = r.Text("name") ?? fullPath[(fullPath.LastIndexOf('/') + 1)..],
                GitAccessProtocol = r.Choice("git_access_protocol", Protocols, null),
            });
        }

        Duplicates(errors, "groups", groups.Select(g => g.FullPath.ToLowerInvariant()), "path");
        Duplicates(errors, "groups/users namespace", groups.Select(g => g.Id).Concat(users.Where(u => u.Item2 is not null).Select(u => u.Item2!.Value)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), "id");

        var keys = new List<SshKey>();
        var deployLinks = new List<DeployKeyProject>();
        foreach (var (section, kind) in new[] { ("keys", SshKeyKind.User), ("deploy_keys", SshKeyKind.Deploy) })
        {
            foreach (var r in file.Objects(section))
            {
                var id = r.Id("id", required: true) ?? 0;
                var text = r.Text("key", required: true);
                var parsed = text is null ? null : ParsePublicKey(text);
                if (text is not null && parsed is null)
                {
                    r.Error("key", "is not a valid OpenSSH public key");
                }

                keys.Add(new SshKey
                {
                    Id = id,
                    Kind = kind,
                    UserId = r.Id("user_id", required: kind == SshKeyKind.User),
                    Title = r.Text("title", required: true) ?? "",
                    KeyType = parsed?.Type ?? "",
                    Blob = parsed?.Blob ?? "",
                    Fingerprint = parsed?.Fingerprint ?? "",
                    UsageType = r.Choice("usage_type", UsageTypes, "auth_and_signing"),
                    CreatedAt = r.Time("created_at") ?? DateTimeOffset.UnixEpoch,
                    ExpiresAt = r.Time("expires_at"),
                });
                if (kind == SshKeyKind.Deploy)
                {
                    foreach (var p in r.Objects("projects"))
                    {
                        deployLinks.Add(new DeployKeyProject(id, p.Id("project_id", required: true) ?? 0, p.Bool("can_push", false)));
                    }
                }
            }
        }

        Duplicates(errors, "keys/deploy_keys", keys.Select(k => k.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), "id");
        Duplicates(errors, "keys/deploy_keys", keys.Where(k => k.Fingerprint.Length > 0).Select(k => k.Fingerprint), "key (same public key twice)");

        var projects = new List<(Project, string, IReadOnlyList<string>)>();
        foreach (var r in file.Objects("projects"))
        {
            var ns = (r.Text("namespace", required: true) ?? "").Trim('/');
            var path = r.Text("path", required: true) ?? "";
            if (path.Length > 0 && !IsPathSegment(path))
            {
                r.Error("path", "is not a valid project path");
            }

            projects.Add((new Project
            {
                Id = r.Id("id", required: true) ?? 0,
                Name = r.Text("name") ?? path,
                NamespaceId = 0,
                FullPath = ns + "/" + path,
                Visibility = r.Choice("visibility", Visibilities, Visibility.Private),
                RepositoryAccess = r.Choice("repository_access", Features, FeatureAccess.Enabled),
                WikiAccess = r.Choice("wiki_access", Features, FeatureAccess.Enabled),
                Archived = r.Bool("archived", false),
                DefaultBranch = r.Text("default_branch"),
                LfsEnabled = r.Bool("lfs_enabled", true),
                MergeRequestsEnabled = r.Bool("merge_requests_enabled", true),
                PrintMergeRequestLink = r.Bool("print_merge_request_link", true),
                ErrorTrackingEnabled = r.Bool("error_tracking_enabled", false),
                StorageName = r.Text("storage_name") ?? "default",
                RepositoryExists = r.Bool("repository_exists", true),
                RepositoryReadOnly = r.Bool("read_only", false),
                CreatorId = r.Id("creator_id"),
                CreatedAt = r.Time("created_at") ?? DateTimeOffset.UnixEpoch,
            }, ns, r.Strings("redirects").Select(p => p.Trim('/')).ToList()));
        }

        Duplicates(errors, "projects", projects.Select(p => p.Item1.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), "id");
        Duplicates(errors, "projects", projects.SelectMany(p => p.Item3.Append(p.Item1.FullPath)).Select(p => p.ToLowerInvariant()), "path or redirect");

        var memberships = new List<(long, long?, string?, AccessLevel)>();
        foreach (var r in file.Objects("memberships"))
        {
            var projectId = r.Id("project_id");
            var group = r.Text("group");
            if ((projectId is null) == (group is null))
            {
                r.Error("project_id", "give exactly one of project_id or group");
            }

            var role = r.Text("role", required: true);
            if (role is not null && !Roles.ContainsKey(role))
            {
                r.Error("role", $"must be one of {string.Join(", ", Roles.Keys)}");
            }

            memberships.Add((r.Id("user_id", required: true) ?? 0, projectId, group?.Trim('/'), role is not null && Roles.TryGetValue(role, out var level) ? level : AccessLevel.NoAccess));
        }

        var refs = new List<ProtectedRef>();
        foreach (var (section, kind) in new[] { ("protected_branches", RefKind.Branch), ("protected_tags", RefKind.Tag) })
        {
            foreach (var r in file.Objects(section))
            {
                var levels = Levels(r, kind == RefKind.Branch ? "push_access_levels" : "create_access_levels");
                refs.Add(new ProtectedRef
                {
                    ProjectId = r.Id("project_id", required: true) ?? 0,
                    Kind = kind,
                    Pattern = r.Text("name", required: true) ?? "",
                    PushAccessLevels = levels,
                    MergeAccessLevels = kind == RefKind.Branch ? Levels(r, "merge_access_levels") : [],
                    AllowForcePush = r.Bool("allow_force_push", false),
                    DeployKeyIds = r.Ids("deploy_key_ids"),
                });
            }
        }

        var tokens = new List<PersonalAccessToken>();
        foreach (var r in file.Objects("personal_access_tokens"))
        {
            var token = r.Text("token", required: true);
            var scopes = r.Strings("scopes");
            if (scopes.Count == 0)
            {
                r.Error("scopes", "is missing");
            }

            tokens.Add(new PersonalAccessToken
            {
                Id = r.Id("id", required: true) ?? 0,
                UserId = r.Id("user_id", required: true) ?? 0,
                Name = r.Text("name", required: true) ?? "",
                Digest = token is null ? "" : SecretDigest.Sha256Hex(token),
                Scopes = scopes,
                ExpiresAt = r.Date("expires_at"),
                Revoked = r.Bool("revoked", false),
                CreatedAt = r.Time("created_at") ?? DateTimeOffset.UnixEpoch,
            });
        }

        Duplicates(errors, "personal_access_tokens", tokens.Where(t => t.Digest.Length > 0).Select(t => t.Digest), "token");

        var errorKeys = file.Objects("error_tracking_keys")
            .Select(r => new ErrorTrackingClientKey(r.Id("project_id", required: true) ?? 0, r.Text("public_key", required: true) ?? "", r.Bool("active", true)))
            .ToList();

        var broadcasts = file.Objects("broadcast_messages").Select(r => new BroadcastMessage
        {
            Id = r.Id("id", required: true) ?? 0,
            Message = r.Text("message", required: true) ?? "",
            StartsAt = r.Time("starts_at"),
            EndsAt = r.Time("ends_at"),
            ShowOnCommandLine = r.Bool("show_on_command_line", true),
            TargetPath = r.Text("target_path"),
        }).ToList();

        return new ImportFile
        {
            Errors = errors,
            Users = users,
            Groups = groups.OrderBy(g => g.FullPath.Count(c => c == '/')).ToList(),
            Keys = keys,
            DeployKeyProjects = deployLinks,
            Projects = projects,
            Memberships = memberships,
            ProtectedRefs = refs,
            Tokens = tokens,
            ErrorTrackingKeys = errorKeys,
            BroadcastMessages = broadcasts,
        };
    }

    /// <summary><c>ssh-ed25519 AAAA... comment</c> → type, blob, fingerprint; null when malformed.</summary>
    public static (string Type, string Blob, string Fingerprint)? ParsePublicKey(string text)
    {
        var parts = text.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || SshKey.FingerprintOf(parts[1]) is not { } fingerprint)
        {
            return null;
        }

        // The blob starts with the key type as an SSH string; it must agree with the text.
        var blob = Convert.FromBase64String(parts[1]);
        if (blob.Length < 4)
        {
            return null;
        }

        var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        if (length <= 0 || length > blob.Length - 4 || System.Text.Encoding.ASCII.GetString(blob, 4, length) != parts[0])
        {
            return null;
        }

        return (parts[0], parts[1], fingerprint);
    }

    private static List<AccessLevel> Levels(ImportReader r, string name)
    {
        var list = new List<AccessLevel>();
        foreach (var level in r.Strings(name))
        {
            if (RefLevels.TryGetValue(level, out var value))
            {
                list.Add(value);
            }
            else
            {
                r.Error(name, $"'{level}' must be one of {string.Join(", ", RefLevels.Keys)}");
            }
        }

        return list.Count == 0 ? [AccessLevel.Maintainer] : list;
    }

    private static bool IsPathSegment(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.') && !s.StartsWith('-') && !s.EndsWith(".git", StringComparison.Ordinal);

    private static void Duplicates(List<string> errors, string section, IEnumerable<string> values, string what)
    {
        foreach (var duplicate in values.Where(v => v.Length > 0).GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add($"$.{section}: duplicate {what} '{duplicate.Key}'");
        }
    }
}
