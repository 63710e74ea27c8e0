using System.Text.Json.Serialization;

namespace InternalApi.Core.Storage;

internal sealed record TableNameBody(string TableName);

[JsonSerializable(typeof(TableNameBody))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
