using Azure;

namespace InternalApi.Core.Storage;

/// <summary>What a transaction action does.</summary>
public enum TableTransactionActionType
{
    /// <summary>Insert; fails (409) if the entity exists.</summary>
    Add,

    /// <summary>Insert or replace.</summary>
    UpsertReplace,

    /// <summary>Insert or merge.</summary>
    UpsertMerge,

    /// <summary>Replace if the ETag matches (412 otherwise).</summary>
    UpdateReplace,

    /// <summary>Merge if the ETag matches (412 otherwise).</summary>
    UpdateMerge,

    /// <summary>Delete if the ETag matches (<see cref="ETag.All"/> = unconditionally).</summary>
    Delete,
}

/// <summary>One operation of an entity group transaction.</summary>
public sealed record TableTransactionAction(TableTransactionActionType Type, TableEntity Entity, ETag ETag = default);

/// <summary>
/// A transaction was refused as a whole (nothing was applied). <see cref="FailedIndex"/> is the action the
/// service blamed; <see cref="RequestFailedException.Status"/> and <see cref="RequestFailedException.ErrorCode"/>
/// tell a 409 (<c>EntityAlreadyExists</c>) from a 412 (<c>UpdateConditionNotSatisfied</c>).
/// </summary>
public sealed class TableTransactionFailedException : RequestFailedException
{
    /// <summary>Creates the exception.</summary>
    public TableTransactionFailedException(int status, string message, string? errorCode, int? failedIndex)
        : base(status, message, errorCode, null)
    {
        FailedIndex = failedIndex;
    }

    /// <summary>Zero-based index of the failing action, when the service said.</summary>
    public int? FailedIndex { get; }
}
