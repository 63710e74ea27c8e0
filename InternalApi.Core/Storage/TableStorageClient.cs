using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace InternalApi.Core.Storage;

/// <summary>How an update treats properties absent from the written entity.</summary>
public enum TableUpdateMode
{
    /// <summary>Replace the whole entity (PUT).</summary>
    Replace,

    /// <summary>Merge into the stored entity (MERGE).</summary>
    Merge,
}

/// <summary>One page of a query, with the continuation to pass back for the next one.</summary>
public sealed record TablePage(IReadOnlyList<TableEntity> Entities, TableContinuation? Continuation);

/// <summary>Opaque continuation of a table query (never parse it: Azure and Azurite differ).</summary>
public sealed record TableContinuation(string NextPartitionKey, string? NextRowKey);

/// <summary>
/// A small Table service client over the REST API, shaped like Azure.Data.Tables: one pipeline,
/// async operations, <see cref="RequestFailedException"/> for unexpected statuses and
/// <see cref="StorageConcurrencyException"/> for lost races.
/// </summary>
public partial class TableStorageClient
{
    private const string JsonAccept = "application/json;odata=minimalmetadata";
    private readonly HttpPipeline _pipeline = null!;
    private readonly string _serviceVersion = "";

    /// <summary>For mocking only.</summary>
    protected TableStorageClient()
    {
        Endpoint = new Uri("http://127.0.0.1");
    }

    /// <summary>Creates a client from a storage connection string (SharedKey).</summary>
    public TableStorageClient(string connectionString, TableStorageClientOptions? options = null)
        : this(StorageConnectionString.Parse(connectionString), options)
    {
    }

    /// <summary>Creates a client for a service endpoint authenticated by a token credential.</summary>
    public TableStorageClient(Uri endpoint, TokenCredential credential, TableStorageClientOptions? options = null)
        : this(StorageAccount.FromIdentity(endpoint, endpoint, credential), options)
    {
    }

    /// <summary>Creates a client for an account (key or credential).</summary>
    public TableStorageClient(StorageAccount account, TableStorageClientOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        options ??= new TableStorageClientOptions();
        Endpoint = account.TableEndpoint;
        _serviceVersion = options.ServiceVersion;
        _pipeline = StoragePipeline.Build(options, account, time ?? TimeProvider.System, queue: false);
    }

    /// <summary>The table service endpoint.</summary>
    public virtual Uri Endpoint { get; }

    /// <summary>Creates a table; returns false when it already existed.</summary>
    public virtual async Task<bool> CreateTableIfNotExistsAsync(string table, CancellationToken cancellationToken = default)
    {
        ValidateTableName(table);
        using var message = CreateMessage(RequestMethod.Post, "/Tables");
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message.Request, JsonSerializer.SerializeToUtf8Bytes(new TableNameBody(table), StorageJsonContext.Default.TableNameBody));
        var response = await SendAsync(message, cancellationToken);
        return response.Status switch
        {
            201 or 204 => true,
            409 => false,
            _ => throw StorageResponses.Failure(response, "create table"),
        };
    }

    /// <summary>Deletes a table; returns false when it did not exist.</summary>
    public virtual async Task<bool> DeleteTableAsync(string table, CancellationToken cancellationToken = default)
    {
        ValidateTableName(table);
        using var message = CreateMessage(RequestMethod.Delete, $"/Tables('{Uri.EscapeDataString(table)}')");
        var response = await SendAsync(message, cancellationToken);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw StorageResponses.Failure(response, "delete table"),
        };
    }

    /// <summary>Answers whether the service responds to an authenticated request.</summary>
    public virtual async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, "/Tables");
        message.Request.Uri.AppendQuery("$top", "1");
        var response = await SendAsync(message, cancellationToken);
        return response.Status == 200;
    }

    /// <summary>Longest PartitionKey or RowKey the service stores: 1 KiB of UTF-16.</summary>
    public const int MaxKeyLength = 512;

    /// <summary>Point read; null when the entity (or table) does not exist, or cannot exist (a key over <see cref="MaxKeyLength"/>).</summary>
    public virtual async Task<TableEntity?> GetEntityAsync(string table, string partitionKey, string rowKey, IEnumerable<string>? columns = null, CancellationToken cancellationToken = default)
    {
        // Lookups take keys from request parameters: a longer key names nothing, while asking would be refused
        // (400, or 431 once the URL is too long) and surface as a failure of the caller.
        if (IsOverlong(partitionKey, rowKey))
        {
            return null;
        }

        using var message = CreateMessage(RequestMethod.Get, EntityPath(table, partitionKey, rowKey));
        AppendSelect(message.Request, columns);
        var response = await SendAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return null;
        }

        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response, "get entity");
        }

        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        return TableEntityJson.Read(doc.RootElement, response.Headers.ETag?.ToString());
    }

    /// <summary>Inserts a new entity; throws <see cref="StorageConcurrencyException"/> (409) when it exists.</summary>
    public virtual async Task<ETag> AddEntityAsync(string table, TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKeys(entity.PartitionKey, entity.RowKey);
        using var message = CreateMessage(RequestMethod.Post, "/" + ValidateTableName(table));
        message.Request.Headers.SetValue("Prefer", "return-no-content");
        SetJson(message.Request, TableEntityJson.Write(entity));
        var response = await SendAsync(message, cancellationToken);
        if (response.Status is not (201 or 204))
        {
            throw StorageResponses.Failure(response, "insert entity");
        }

        return entity.ETag = response.Headers.ETag ?? default;
    }

    /// <summary>Insert-or-replace / insert-or-merge (no If-Match).</summary>
    public virtual Task<ETag> UpsertEntityAsync(string table, TableEntity entity, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default) =>
        WriteAsync(table, entity, mode, ifMatch: null, "upsert entity", cancellationToken);

    /// <summary>
    /// Conditional update: replace or merge only if the stored ETag equals <paramref name="ifMatch"/>
    /// (<see cref="ETag.All"/> for "exists"). Throws <see cref="StorageConcurrencyException"/> on 412 and
    /// <see cref="RequestFailedException"/> (404) when the entity is gone.
    /// </summary>
    public virtual Task<ETag> UpdateEntityAsync(string table, TableEntity entity, ETag ifMatch, TableUpdateMode mode = TableUpdateMode.Replace, CancellationToken cancellationToken = default)
    {
        if (ifMatch == default)
        {
            throw new ArgumentException("An update needs an ETag (or ETag.All); use UpsertEntityAsync for unconditional writes.", nameof(ifMatch));
        }

        return WriteAsync(table, entity, mode, ifMatch, "update entity", cancellationToken);
    }

    /// <summary>Deletes an entity (unconditionally unless an ETag is given); false when it did not exist.</summary>
    public virtual async Task<bool> DeleteEntityAsync(string table, string partitionKey, string rowKey, ETag ifMatch = default, CancellationToken cancellationToken = default)
    {
        if (IsOverlong(partitionKey, rowKey))
        {
            return false;
        }

        using var message = CreateMessage(RequestMethod.Delete, EntityPath(table, partitionKey, rowKey));
        // A DELETE without If-Match is a 400; '*' is the unconditional form.
        message.Request.Headers.SetValue("If-Match", ifMatch == default ? "*" : ifMatch.ToString());
        var response = await SendAsync(message, cancellationToken);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw StorageResponses.Failure(response, "delete entity"),
        };
    }

    /// <summary>One page of a query. <paramref name="filter"/> must come from <see cref="TableFilter"/>.</summary>
    public virtual async Task<TablePage> QueryPageAsync(string table, string? filter = null, IEnumerable<string>? columns = null, int? top = null, TableContinuation? continuation = null, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, "/" + ValidateTableName(table) + "()");
        var uri = message.Request.Uri;
        if (!string.IsNullOrEmpty(filter))
        {
            uri.AppendQuery("$filter", filter, escapeValue: true);
        }

        AppendSelect(message.Request, columns);
        if (top is { } t)
        {
            uri.AppendQuery("$top", Math.Clamp(t, 1, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (continuation is not null)
        {
            uri.AppendQuery("NextPartitionKey", continuation.NextPartitionKey, escapeValue: true);
            if (continuation.NextRowKey is not null)
            {
                uri.AppendQuery("NextRowKey", continuation.NextRowKey, escapeValue: true);
            }
        }

        var response = await SendAsync(message, cancellationToken);
        if (response.Status == 404)
        {
            return new TablePage([], null);
        }

        if (response.Status != 200)
        {
            throw StorageResponses.Failure(response, "query entities");
        }

        using var doc = JsonDocument.Parse(response.Content.ToMemory());
        var entities = new List<TableEntity>();
        if (doc.RootElement.TryGetProperty("value", out var value))
        {
            foreach (var item in value.EnumerateArray())
            {
                entities.Add(TableEntityJson.Read(item, null));
            }
        }

        TableContinuation? next = response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var npk) && !string.IsNullOrEmpty(npk)
            ? new TableContinuation(npk, response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nrk) && !string.IsNullOrEmpty(nrk) ? nrk : null)
            : null;
        return new TablePage(entities, next);
    }

    /// <summary>
    /// All entities matching a filter, following continuations until the service stops sending one
    /// (pages may be short or empty in Azure; never stop on an empty page).
    /// </summary>
    public virtual async IAsyncEnumerable<TableEntity> QueryAsync(string table, string? filter = null, IEnumerable<string>? columns = null, int? maxPerPage = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var selectList = columns?.ToList();
        TableContinuation? continuation = null;
        do
        {
            var page = await QueryPageAsync(table, filter, selectList, maxPerPage, continuation, cancellationToken);
            foreach (var entity in page.Entities)
            {
                yield return entity;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }

    private async Task<ETag> WriteAsync(string table, TableEntity entity, TableUpdateMode mode, ETag? ifMatch, string operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var message = CreateMessage(mode == TableUpdateMode.Replace ? RequestMethod.Put : new RequestMethod("MERGE"), EntityPath(table, entity.PartitionKey, entity.RowKey));
        if (ifMatch is { } etag)
        {
            // Sent back byte for byte: Azurite rejects an ETag without its W/ prefix.
            message.Request.Headers.SetValue("If-Match", etag.ToString());
        }

        SetJson(message.Request, TableEntityJson.Write(entity));
        var response = await SendAsync(message, cancellationToken);
        if (response.Status != 204)
        {
            throw StorageResponses.Failure(response, operation);
        }

        return entity.ETag = response.Headers.ETag ?? default;
    }

    private HttpMessage CreateMessage(RequestMethod method, string path)
    {
        var message = _pipeline.CreateMessage();
        var request = message.Request;
        request.Method = method;
        request.Uri.Reset(Endpoint);
        request.Uri.AppendPath(path, escape: false);
        request.Headers.SetValue("Accept", JsonAccept);
        request.Headers.SetValue("x-ms-version", _serviceVersion);
        request.Headers.SetValue("DataServiceVersion", "3.0");
        request.Headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private async Task<Response> SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        await _pipeline.SendAsync(message, cancellationToken);
        return message.Response;
    }

    private static void SetJson(Request request, byte[] body)
    {
        request.Headers.SetValue("Content-Type", "application/json");
        request.Content = RequestContent.Create(body);
    }

    private static void AppendSelect(Request request, IEnumerable<string>? select)
    {
        if (select is not null)
        {
            var list = string.Join(',', select);
            if (list.Length > 0)
            {
                request.Uri.AppendQuery("$select", list, escapeValue: true);
            }
        }
    }

    private static string EntityPath(string table, string partitionKey, string rowKey)
    {
        ValidateKeys(partitionKey, rowKey);
        return "/" + ValidateTableName(table) + "(PartitionKey=" + KeyLiteral(partitionKey) + ",RowKey=" + KeyLiteral(rowKey) + ")";
    }

    /// <summary>Quotes doubled inside the literal, then the whole literal percent-encoded.</summary>
    private static string KeyLiteral(string key) => Uri.EscapeDataString("'" + key.Replace("'", "''", StringComparison.Ordinal) + "'");

    private static bool IsOverlong(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        return partitionKey.Length > MaxKeyLength || rowKey.Length > MaxKeyLength;
    }

    private static void ValidateKeys(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        if (partitionKey.Any(IsForbiddenKeyChar) || rowKey.Any(IsForbiddenKeyChar))
        {
            throw new ArgumentException("Table keys may not contain '/', '\\', '#', '?' or control characters; encode them with TableKey.Encode.");
        }
    }

    private static bool IsForbiddenKeyChar(char c) => c is '/' or '\\' or '#' or '?' || char.IsControl(c);

    private static string ValidateTableName(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!TableNameRegex().IsMatch(table) || string.Equals(table, "Tables", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"'{table}' is not a valid table name.", nameof(table));
        }

        return table;
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableNameRegex();
}
