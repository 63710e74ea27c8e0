using System.Text.Json;
using InternalApi.Core.Kubernetes;
using InternalApi.Functions.Hosting;

namespace InternalApi.Functions.Functions.Kubernetes;

/// <summary>
/// Reads a posted <c>agent_config</c> into what Core keeps: the whole configuration, the <c>projects</c> and
/// <c>groups</c> of <c>ci_access</c> and <c>user_access</c>, and <c>user_access</c>'s <c>access_as</c>. Grape's
/// <c>JSON</c> type takes an object or a string holding one. Where GitLab's refresh services would fail with a 500
/// (a keyword that is not an object, a list that is not an array, an entry without a string <c>id</c>) this answers
/// 400 <c>agent_config is invalid</c> before anything is written.
/// </summary>
public static class AgentConfigurationBody
{
    /// <summary>The update, or a 400.</summary>
    public static AgentConfigurationUpdate Read(long agentId, JsonElement config)
    {
        if (config.ValueKind == JsonValueKind.String)
        {
            config = ParseText(config.GetString() ?? "");
        }

        if (config.ValueKind != JsonValueKind.Object)
        {
            throw Invalid();
        }

        var userAccess = Keyword(config, "user_access");
        var accessAs = userAccess is { } u && u.TryGetProperty("access_as", out var value)
            ? "{\"access_as\":" + value.GetRawText() + "}"
            : "{}";
        return new AgentConfigurationUpdate(agentId, Compact(config), Section(Keyword(config, "ci_access")), Section(userAccess), Compact(ParseText(accessAs)));
    }

    private static JsonElement ParseText(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw Invalid();
        }
    }

    /// <summary>The keyword's object; null when absent or null.</summary>
    private static JsonElement? Keyword(JsonElement config, string name) =>
        !config.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Object ? value
        : throw Invalid();

    private static AgentAccessSection Section(JsonElement? keyword) =>
        keyword is { } k ? new AgentAccessSection(Entries(k, "projects"), Entries(k, "groups")) : new AgentAccessSection(null, null);

    private static List<AgentAccessEntry>? Entries(JsonElement keyword, string name)
    {
        if (!keyword.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            throw Invalid();
        }

        var entries = new List<AgentAccessEntry>();
        foreach (var entry in list.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String)
            {
                throw Invalid();
            }

            // The entry without its id is the authorization's configuration (default_namespace, access_as, environments, ...).
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                foreach (var property in entry.EnumerateObject().Where(p => p.Name != "id"))
                {
                    property.WriteTo(writer);
                }

                writer.WriteEndObject();
            }

            entries.Add(new AgentAccessEntry(id.GetString()!, System.Text.Encoding.UTF8.GetString(buffer.ToArray())));
        }

        return entries;
    }

    private static string Compact(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static ApiErrorException Invalid() => ApiErrorException.Parameters(["agent_config is invalid"]);
}
