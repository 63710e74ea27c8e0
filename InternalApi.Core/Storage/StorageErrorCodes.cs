namespace InternalApi.Core.Storage;

/// <summary>Storage service error codes (the <c>x-ms-error-code</c> header) that the app reacts to.</summary>
public static class StorageErrorCodes
{
    /// <summary>Insert of an entity whose keys already exist.</summary>
    public const string EntityAlreadyExists = "EntityAlreadyExists";

    /// <summary>Conditional update/delete with a stale ETag.</summary>
    public const string UpdateConditionNotSatisfied = "UpdateConditionNotSatisfied";

    /// <summary>Entity or table not found.</summary>
    public const string ResourceNotFound = "ResourceNotFound";

    /// <summary>Table does not exist.</summary>
    public const string TableNotFound = "TableNotFound";

    /// <summary>Create of a table that exists.</summary>
    public const string TableAlreadyExists = "TableAlreadyExists";

    /// <summary>Create of a queue that exists with other metadata.</summary>
    public const string QueueAlreadyExists = "QueueAlreadyExists";

    /// <summary>Queue does not exist.</summary>
    public const string QueueNotFound = "QueueNotFound";

    /// <summary>Message id unknown (deleted or expired).</summary>
    public const string MessageNotFound = "MessageNotFound";

    /// <summary>Pop receipt superseded by a newer get/update.</summary>
    public const string PopReceiptMismatch = "PopReceiptMismatch";

    /// <summary>Message text over 64 KiB.</summary>
    public const string RequestBodyTooLarge = "RequestBodyTooLarge";
}
