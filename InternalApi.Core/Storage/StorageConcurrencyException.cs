using Azure;

namespace InternalApi.Core.Storage;

/// <summary>
/// A conditional write lost a race (HTTP 412, <c>UpdateConditionNotSatisfied</c>), or an insert
/// met an existing entity (HTTP 409). Callers re-read and retry.
/// </summary>
public sealed class StorageConcurrencyException : RequestFailedException
{
    /// <summary>Creates the exception for a status and storage error code.</summary>
    public StorageConcurrencyException(int status, string message, string? errorCode)
        : base(status, message, errorCode, null)
    {
    }
}
