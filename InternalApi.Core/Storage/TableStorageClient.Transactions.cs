using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Core;

namespace InternalApi.Core.Storage;

/// <summary>Entity group transactions (<c>$batch</c>): up to 100 actions on one partition, all or nothing.</summary>
public partial class TableStorageClient
{
    /// <summary>
    /// Submits the actions atomically. Returns each action's new ETag (default for deletes). A refused
    /// changeset throws <see cref="TableTransactionFailedException"/> and nothing is applied.
    /// </summary>
    public virtual async Task<IReadOnlyList<ETag>> SubmitTransactionAsync(string table, IReadOnlyList<TableTransactionAction> actions, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ValidateTableName(table);
        if (actions.Count is 0 or > 100)
        {
            throw new ArgumentException("A transaction holds 1 to 100 actions.", nameof(actions));
        }

        if (actions.Select(a => a.Entity.PartitionKey).Distinct(StringComparer.Ordinal).Count() != 1)
        {
            throw new ArgumentException("All actions of a transaction must share one PartitionKey.", nameof(actions));
        }

        var batch = "batch_" + Guid.NewGuid().ToString("N");
        var changeset = "changeset_" + Guid.NewGuid().ToString("N");
        var endpoint = Endpoint.ToString().TrimEnd('/');
        var body = new StringBuilder();
        body.Append("--").Append(batch).Append("\r\n");
        body.Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        foreach (var action in actions)
        {
            var entity = action.Entity;
            ValidateKeys(entity.PartitionKey, entity.RowKey);
            var (method, url, ifMatch, hasBody) = action.Type switch
            {
                TableTransactionActionType.Add => ("POST", $"{endpoint}/{table}", null, true),
                TableTransactionActionType.UpsertReplace => ("PUT", endpoint + EntityPath(table, entity.PartitionKey, entity.RowKey), null, true),
                TableTransactionActionType.UpsertMerge => ("MERGE", endpoint + EntityPath(table, entity.PartitionKey, entity.RowKey), null, true),
                TableTransactionActionType.UpdateReplace => ("PUT", endpoint + EntityPath(table, entity.PartitionKey, entity.RowKey), IfMatch(action.ETag), true),
                TableTransactionActionType.UpdateMerge => ("MERGE", endpoint + EntityPath(table, entity.PartitionKey, entity.RowKey), IfMatch(action.ETag), true),
                _ => ("DELETE", endpoint + EntityPath(table, entity.PartitionKey, entity.RowKey), IfMatch(action.ETag), false),
            };
            body.Append("--").Append(changeset).Append("\r\n");
            body.Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n");
            body.Append(method).Append(' ').Append(url).Append(" HTTP/1.1\r\n");
            body.Append("Accept: ").Append(JsonAccept).Append("\r\n");
            body.Append("DataServiceVersion: 3.0;\r\n");
            if (ifMatch is not null)
            {
                body.Append("If-Match: ").Append(ifMatch).Append("\r\n");
            }

            if (hasBody)
            {
                body.Append("Content-Type: application/json\r\n");
                if (action.Type == TableTransactionActionType.Add)
                {
                    body.Append("Prefer: return-no-content\r\n");
                }

                body.Append("\r\n").Append(Encoding.UTF8.GetString(TableEntityJson.Write(entity))).Append("\r\n");
            }
            else
            {
                body.Append("\r\n");
            }
        }

        body.Append("--").Append(changeset).Append("--\r\n");
        body.Append("--").Append(batch).Append("--\r\n");

        using var message = CreateMessage(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue("Content-Type", "multipart/mixed; boundary=" + batch);
        message.Request.Content = RequestContent.Create(Encoding.UTF8.GetBytes(body.ToString()));
        var response = await SendAsync(message, cancellationToken);
        if (response.Status != 202)
        {
            throw StorageResponses.Failure(response, "transaction");
        }

        return ParseTransactionResponse(response.Content.ToString(), actions.Count);
    }

    private static string IfMatch(ETag etag) => etag == default ? "*" : etag.ToString();

    private static List<ETag> ParseTransactionResponse(string text, int count)
    {
        var statuses = StatusLine().Matches(text);
        foreach (Match status in statuses)
        {
            var code = int.Parse(status.Groups[1].Value, CultureInfo.InvariantCulture);
            if (code < 400)
            {
                continue;
            }

            // The failing part's JSON names the action as "<index>:<message>".
            string? errorCode = null;
            string? detail = null;
            var json = text.IndexOf('{', status.Index);
            if (json >= 0)
            {
                try
                {
                    using var doc = JsonDocument.Parse(text.AsMemory(json, text.LastIndexOf('}') - json + 1));
                    var error = doc.RootElement.GetProperty("odata.error");
                    errorCode = error.TryGetProperty("code", out var c) ? c.GetString() : null;
                    detail = error.TryGetProperty("message", out var m) && m.TryGetProperty("value", out var v) ? v.GetString() : null;
                }
                catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    // Keep what the status line says.
                }
            }

            int? index = detail is not null && IndexPrefix().Match(detail) is { Success: true } i ? int.Parse(i.Groups[1].Value, CultureInfo.InvariantCulture) : null;
            throw new TableTransactionFailedException(code, $"Storage transaction failed: {code} {errorCode} - {detail?.Split('\n')[0]}", errorCode, index);
        }

        // One response part per action, in order; deletes carry no ETag.
        var etags = new List<ETag>(count);
        for (var i = 0; i < statuses.Count; i++)
        {
            var end = i + 1 < statuses.Count ? statuses[i + 1].Index : text.Length;
            var part = text[statuses[i].Index..end];
            etags.Add(EtagHeader().Match(part) is { Success: true } m ? new ETag(m.Groups[1].Value.Trim()) : default);
        }

        return etags;
    }

    [GeneratedRegex(@"HTTP/1\.1 (\d{3})")]
    private static partial Regex StatusLine();

    [GeneratedRegex(@"^(\d+):")]
    private static partial Regex IndexPrefix();

    [GeneratedRegex(@"(?im)^ETag:\s*(.+?)\r?$")]
    private static partial Regex EtagHeader();
}
