namespace InternalApi.Core.Storage;

/// <summary>
/// Parses the connection-string forms the Functions host accepts for <c>AzureWebJobsStorage</c>.
/// We parse them ourselves because the storage SDKs that normally do it are not available to us.
/// </summary>
public static class StorageConnectionString
{
    /// <summary>Parses a connection string into a <see cref="StorageAccount"/>.</summary>
    /// <exception cref="FormatException">The string is malformed or lacks an account key.</exception>
    public static StorageAccount Parse(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var parts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Values (keys, SAS) may contain '=', so split on the first one only.
            var eq = segment.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException("Storage connection string segment is not of the form name=value.");
            }

            parts[segment[..eq].Trim()] = segment[(eq + 1)..].Trim();
        }

        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var isDev) && isDev)
        {
            var proxy = parts.TryGetValue("DevelopmentStorageProxyUri", out var p) ? new Uri(p) : new Uri("http://127.0.0.1");
            var host = proxy.Host;
            return new StorageAccount
            {
                AccountName = StorageAccount.DevelopmentAccountName,
                AccountKey = Convert.FromBase64String(StorageAccount.DevelopmentAccountKey),
                TableEndpoint = new Uri($"{proxy.Scheme}://{host}:10002/{StorageAccount.DevelopmentAccountName}"),
                QueueEndpoint = new Uri($"{proxy.Scheme}://{host}:10001/{StorageAccount.DevelopmentAccountName}"),
            };
        }

        if (!parts.TryGetValue("AccountName", out var account) || account.Length == 0)
        {
            throw new FormatException("Storage connection string has no AccountName.");
        }

        if (!parts.TryGetValue("AccountKey", out var key) || key.Length == 0)
        {
            throw new FormatException("Storage connection string has no AccountKey (SAS connection strings are not supported).");
        }

        byte[] keyBytes;
        try
        {
            keyBytes = Convert.FromBase64String(key);
        }
        catch (FormatException ex)
        {
            throw new FormatException("Storage connection string AccountKey is not base64.", ex);
        }

        var protocol = parts.TryGetValue("DefaultEndpointsProtocol", out var proto) ? proto : "https";
        var suffix = parts.TryGetValue("EndpointSuffix", out var sfx) ? sfx : "core.windows.net";
        return new StorageAccount
        {
            AccountName = account,
            AccountKey = keyBytes,
            TableEndpoint = Endpoint(parts, "TableEndpoint", protocol, account, "table", suffix),
            QueueEndpoint = Endpoint(parts, "QueueEndpoint", protocol, account, "queue", suffix),
        };
    }

    private static Uri Endpoint(Dictionary<string, string> parts, string name, string protocol, string account, string service, string suffix) =>
        parts.TryGetValue(name, out var explicitEndpoint) && explicitEndpoint.Length > 0
            ? new Uri(explicitEndpoint.TrimEnd('/'))
            : new Uri($"{protocol}://{account}.{service}.{suffix}");
}
