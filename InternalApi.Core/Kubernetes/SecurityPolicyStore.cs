using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Data.Tables;
using InternalApi.Core.Data;
using InternalApi.Core.Model;
using InternalApi.Core.Storage;
using Microsoft.Extensions.Options;

namespace InternalApi.Core.Kubernetes;

/// <summary>The security policy configurations' table.</summary>
public sealed class SecurityPolicyTables(TableServiceClient service, IOptions<StorageOptions> options) : ITableSet
{
    /// <summary>PK project id, RK <c>""</c>: the project's configuration, its policies as one JSON column (one read).</summary>
    public TableClient Configurations { get; } = service.GetTableClient(options.Value.TablePrefix + "SecurityPolicyConfigurations");

    /// <inheritdoc/>
    public IReadOnlyList<TableClient> All => [Configurations];
}

/// <summary>Reads and writes security policy configurations (<see cref="SecurityPolicyTables"/>).</summary>
public sealed class SecurityPolicyStore(SecurityPolicyTables tables)
{
    /// <summary>The table.</summary>
    public SecurityPolicyTables Tables => tables;

    /// <summary>The project's configuration, or null.</summary>
    public async Task<SecurityPolicyConfiguration?> GetAsync(long projectId, CancellationToken cancellationToken = default) =>
        await tables.Configurations.FindAsync(Key(projectId), "", cancellationToken: cancellationToken) is { } e
            ? new SecurityPolicyConfiguration
            {
                ProjectId = projectId,
                SecurityPolicyProjectId = e.GetInt64("SecurityPolicyProjectId"),
                UpdatedAt = e.GetDateTimeOffset("UpdatedAt") ?? default,
                ScanExecutionPolicies = JsonSerializer.Deserialize(e.GetString("ScanExecutionPolicies") ?? "[]", PolicyJsonContext.Default.IReadOnlyListScanExecutionPolicy) ?? [],
            }
            : null;

    /// <summary>Creates or replaces the project's configuration.</summary>
    public Task UpsertAsync(SecurityPolicyConfiguration configuration, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return tables.Configurations.UpsertEntityAsync(
            new TableEntity(Key(configuration.ProjectId), "")
            {
                ["SecurityPolicyProjectId"] = configuration.SecurityPolicyProjectId,
                ["UpdatedAt"] = configuration.UpdatedAt,
                ["ScanExecutionPolicies"] = JsonSerializer.Serialize(configuration.ScanExecutionPolicies, PolicyJsonContext.Default.IReadOnlyListScanExecutionPolicy),
            },
            TableUpdateMode.Replace,
            cancellationToken);
    }

    private static string Key(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Source-generated JSON for the stored policies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<ScanExecutionPolicy>))]
internal sealed partial class PolicyJsonContext : JsonSerializerContext;
