using InternalApi.Core.Model;

namespace InternalApi.Core.Import;

/// <summary>The fields user keys and deploy keys share, and their checks (both live in one table, keyed by id and fingerprint).</summary>
internal static class SshKeyFields
{
    public static SshKey Read(ImportReader record, SshKeyKind kind)
    {
        var text = record.Text("key", required: true);
        var parsed = text is null ? null : OpenSshPublicKey.Parse(text);
        if (text is not null && parsed is null)
        {
            record.Error("key", "is not a valid OpenSSH public key");
        }

        return new SshKey
        {
            Id = record.Id("id", required: true) ?? 0,
            Kind = kind,
            // A deploy key's creator is optional (GitLab keeps deploy keys whose creator is gone).
            UserId = record.Id("user_id", required: kind == SshKeyKind.User),
            Title = record.Text("title", required: true) ?? "",
            KeyType = parsed?.Type ?? "",
            Blob = parsed?.Blob ?? "",
            Fingerprint = parsed?.Fingerprint ?? "",
            UsageType = record.Choice("usage_type", ImportValues.KeyUsageTypes, "auth_and_signing"),
            CreatedAt = record.Time("created_at") ?? DateTimeOffset.UnixEpoch,
            ExpiresAt = record.Time("expires_at"),
        };
    }

    /// <summary>Duplicate ids and public keys across both key sections (reported on the later record).</summary>
    public static void CheckDuplicates<T>(IEnumerable<ImportItem<T>> items, Func<T, SshKey> key, IEnumerable<ImportItem<SshKey>> earlier, ImportContext context)
    {
        // The earlier section's keys are only remembered (their duplicates were reported there); ids and
        // fingerprints are all that is kept, not the keys.
        var ids = new Dictionary<long, string>();
        var fingerprints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in earlier)
        {
            Check(item.Path, item.Value, report: false);
        }

        foreach (var item in items)
        {
            Check(item.Path, key(item.Value), report: true);
        }

        void Check(string path, SshKey k, bool report)
        {
            if (k.Id > 0 && !ids.TryAdd(k.Id, path) && report)
            {
                context.Error(path, "id", $"duplicate of {ids[k.Id]}");
            }

            if (k.Fingerprint.Length > 0 && !fingerprints.TryAdd(k.Fingerprint, path) && report)
            {
                context.Error(path, "key", $"the same public key as {fingerprints[k.Fingerprint]}");
            }
        }
    }

    public static async Task CheckAsync(IImportSection section, string path, SshKey key, ImportContext context, CancellationToken cancellationToken)
    {
        if (key.UserId is { } userId && !await context.UserExistsAsync(userId, cancellationToken))
        {
            context.Error(path, "user_id", $"unknown user {userId}");
        }

        if (key.Fingerprint.Length > 0 && await context.Stored.KeyIdByFingerprintAsync(key.Fingerprint, cancellationToken) is { } same && same != key.Id)
        {
            // The fingerprint index names one key: a second key with the same blob would take it over.
            context.Error(path, "key", $"this public key is already key {same} in the store");
        }

        var stored = key.Id > 0 ? await context.Stored.KeyKindAsync(key.Id, cancellationToken) : null;
        if (stored is not null)
        {
            context.MarkStored(section, key.Id);
        }

        if (stored is { } kind && kind != key.Kind)
        {
            context.Error(path, "id", $"key {key.Id} is a {(kind == SshKeyKind.Deploy ? "deploy" : "user")} key in the store");
        }
    }

    public static async Task WriteAsync(SshKey key, ImportContext context, CancellationToken cancellationToken)
    {
        var existing = await context.Stores.Keys.GetKeyAsync(key.Id, cancellationToken);
        // Last use is written by the app (/allowed and friends), not carried by the file: keep it.
        await context.Stores.Keys.UpsertKeyAsync(key with { LastUsedAt = existing?.LastUsedAt }, cancellationToken);
    }
}
