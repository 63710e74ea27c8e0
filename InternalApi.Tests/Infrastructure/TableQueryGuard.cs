using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;

namespace InternalApi.Tests.Infrastructure;

/// <summary>
/// Refuses every table query the worker sends that is not confined to one partition: a <c>$filter</c> without a
/// top-level <c>PartitionKey eq '…'</c> conjunct is, in Azure Table Storage, a scan of the whole table, paid per page of
/// 1,000 rows whatever the answer's size, so a request's cost would grow with data it does not concern. Every test app
/// carries one (<see cref="TestApp"/>): the offending storage call throws, so the test that caused it fails where it
/// happened, and the app's disposal fails the test class if anything swallowed that exception.
/// Point reads (<c>Table(PartitionKey='…',RowKey='…')</c>) and the table list pass; <see cref="Allowed"/> names the few
/// scans that are meant to scan. Only what a function sends is judged (<see cref="Invocation"/>, which the test worker's
/// executor opens around every function): a test reading back whole tables to check what was written is not the app.
/// </summary>
public sealed partial class TableQueryGuard : HttpPipelineSynchronousPolicy
{
    /// <summary>
    /// The scans that are meant to scan, as table name (without the app's prefix) and filter (null: none). Each is an
    /// operator's question, never a caller's: the import's "is the store empty?" (<c>--if-empty</c>, one row at most)
    /// and the usage-metrics report's range of day partitions.
    /// </summary>
    private static readonly (string Table, Func<Uri, string?, bool> Query)[] Allowed =
    [
        ("Users", (uri, filter) => filter is null && QueryValue(uri, "$top") == "1"),
        ("UsageMetrics", (_, filter) => filter is not null && UsageMetricsRange().IsMatch(filter)),
    ];

    private static readonly AsyncLocal<bool> InFunction = new();

    private readonly ConcurrentQueue<string> _violations = new();

    /// <summary>Marks the calling flow, until disposed, as a function's: its table queries are judged.</summary>
    public static IDisposable Invocation()
    {
        var outer = InFunction.Value;
        InFunction.Value = true;
        return new Scope(() => InFunction.Value = outer);
    }

    /// <summary>The scans seen so far, as "table: filter".</summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <inheritdoc/>
    public override void OnSendingRequest(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!InFunction.Value || message.Request.Method != RequestMethod.Get || Violation(message.Request.Uri.ToUri()) is not { } violation)
        {
            return;
        }

        _violations.Enqueue(violation);
        throw new InvalidOperationException("Table scan refused by the test harness's query guard (a query must name one partition): " + violation);
    }

    /// <summary>"table: filter" when <paramref name="uri"/> is a table query that is not confined to one partition; else null.</summary>
    public static string? Violation(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);

        // Entity queries are GET {account}/{table}() with $filter, $select and $top; point reads end in (PartitionKey=…,RowKey=…).
        var path = Uri.UnescapeDataString(uri.AbsolutePath);
        if (!path.EndsWith("()", StringComparison.Ordinal))
        {
            return null;
        }

        var table = path[(path.LastIndexOf('/') + 1)..^2];
        var filter = QueryValue(uri, "$filter");
        if (filter is not null && NamesOnePartition(filter))
        {
            return null;
        }

        foreach (var (name, allowed) in Allowed)
        {
            if (table.EndsWith(name, StringComparison.Ordinal) && allowed(uri, filter))
            {
                return null;
            }
        }

        return $"{table}: {filter ?? "(no filter)"}";
    }

    /// <summary>Whether one of the filter's top-level <c>and</c> terms is <c>PartitionKey eq '…'</c>.</summary>
    public static bool NamesOnePartition(string filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // "and" binds tighter than "or": a top-level "or" widens the whole filter beyond any one partition.
        return TopLevelTerms(filter, " or ").Count == 1 &&
            TopLevelTerms(filter, " and ").Any(term => PartitionEquality().IsMatch(Unwrap(term)));
    }

    /// <summary>The filter split at <paramref name="separator"/> where it stands outside parentheses and string literals.</summary>
    private static List<string> TopLevelTerms(string filter, string separator)
    {
        var terms = new List<string>();
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < filter.Length; i++)
        {
            var c = filter[i];
            if (c == '\'')
            {
                quoted = !quoted; // '' inside a literal toggles twice: still inside
            }
            else if (!quoted && c == '(')
            {
                depth++;
            }
            else if (!quoted && c == ')')
            {
                depth--;
            }
            else if (!quoted && depth == 0 && string.CompareOrdinal(filter, i, separator, 0, separator.Length) == 0)
            {
                terms.Add(filter[start..i]);
                start = i + separator.Length;
                i += separator.Length - 1;
            }
        }

        terms.Add(filter[start..]);
        return terms;
    }

    private static string Unwrap(string term)
    {
        term = term.Trim();
        // "(a) and (b)" starts and ends with parentheses that are not one pair: unwrap only a term whose inside is balanced.
        while (term.Length > 1 && term[0] == '(' && term[^1] == ')' && Balanced(term[1..^1]))
        {
            term = term[1..^1].Trim();
        }

        return term;
    }

    private static bool Balanced(string text)
    {
        var depth = 0;
        var quoted = false;
        foreach (var c in text)
        {
            quoted ^= c == '\'';
            depth += quoted ? 0 : c == '(' ? 1 : c == ')' ? -1 : 0;
            if (depth < 0)
            {
                return false;
            }
        }

        return depth == 0;
    }

    private static string? QueryValue(Uri uri, string name)
    {
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (key == name)
            {
                return eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            }
        }

        return null;
    }

    [GeneratedRegex(@"^PartitionKey eq '(?:[^']|'')*'$")]
    private static partial Regex PartitionEquality();

    [GeneratedRegex(@"^PartitionKey ge '(?:[^']|'')*' and PartitionKey le '(?:[^']|'')*' and RowKey eq 'total'$")]
    private static partial Regex UsageMetricsRange();

    private sealed class Scope(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}
