namespace InternalApi.Core.Access;

/// <summary>GitLab's denial texts for <c>/internal/allowed</c> (spec §3.1.5–3.1.7), verbatim.</summary>
public static class GitAccessMessages
{
    /// <summary>Unknown or invisible project.</summary>
    public const string ProjectNotFound = "The project you were looking for could not be found or you don't have permission to view it.";

    /// <summary>Path without a namespace.</summary>
    public const string NamespaceNotFound = "The namespace you were looking for could not be found.";

    /// <summary>Repository missing on Gitaly.</summary>
    public const string NoRepository = "A repository for this project does not exist yet.";

    /// <summary>Unknown action.</summary>
    public const string CommandNotAllowed = "The command you're trying to execute is not allowed.";

    /// <summary>Download refused.</summary>
    public const string DownloadNotAllowed = "You are not allowed to download code from this project.";

    /// <summary>Push refused (generic).</summary>
    public const string PushNotAllowed = "You are not allowed to push code to this project.";

    /// <summary>Anonymous push.</summary>
    public const string UploadNotAllowed = "You are not allowed to upload code for this project.";

    /// <summary>Archived project.</summary>
    public const string Archived = "You can't push code to an archived project.";

    /// <summary>Read-only repository.</summary>
    public const string ReadOnly = "The repository is temporarily read-only. Please try again later.";

    /// <summary>Deploy key without write access.</summary>
    public const string DeployKeyNoWrite = "This deploy key does not have write access to this project.";

    /// <summary>Expired key.</summary>
    public const string KeyExpired = "Your SSH key has expired.";

    /// <summary>Wiki push refused.</summary>
    public const string WikiWriteNotAllowed = "You are not allowed to write to this project's wiki.";

    /// <summary>Design repository over SSH/HTTP.</summary>
    public const string DesignOnlyWeb = "Design repositories can only be accessed through the web interface.";

    /// <summary>Default branch deletion.</summary>
    public const string DeleteDefaultBranch = "The default branch of a project cannot be deleted.";

    /// <summary>40-hex branch name.</summary>
    public const string HexBranchName = "You cannot create a branch with a 40-character hexadecimal branch name.";

    /// <summary>Protected branch: create refused.</summary>
    public const string CreateProtectedBranch = "You are not allowed to create protected branches on this project.";

    /// <summary>Protected branch: create allowed only on the web.</summary>
    public const string CreateProtectedBranchWebOnly = "You can only create protected branches using the web interface and API.";

    /// <summary>Protected branch: delete refused.</summary>
    public const string DeleteProtectedBranch = "You are not allowed to delete protected branches from this project. Only a project maintainer or owner can delete a protected branch.";

    /// <summary>Protected branch: delete allowed only on the web.</summary>
    public const string DeleteProtectedBranchWebOnly = "You can only delete protected branches using the web interface.";

    /// <summary>Protected branch: push refused.</summary>
    public const string PushProtectedBranch = "You are not allowed to push code to protected branches on this project.";

    /// <summary>Existing tag change refused.</summary>
    public const string ChangeExistingTag = "You are not allowed to change existing tags on this project.";

    /// <summary>Tag named like the default branch.</summary>
    public const string DefaultBranchTag = "You cannot use default branch name to create a tag";

    /// <summary>Tag name not valid UTF-8.</summary>
    public const string TagNotUtf8 = "Tag names must be valid when converted to UTF-8 encoding";

    /// <summary>Invalid tag name.</summary>
    public const string TagProhibitedPattern = "You cannot create a tag with a prohibited pattern.";

    /// <summary>SHA-like tag name.</summary>
    public const string TagShaName = "You cannot create a tag with a SHA-1 or SHA-256 tag name.";

    /// <summary>Protected tag update.</summary>
    public const string ProtectedTagUpdate = "Protected tags cannot be updated.";

    /// <summary>Protected tag delete refused.</summary>
    public const string ProtectedTagDelete = "You are not allowed to delete protected tags from this project. Only a project maintainer or owner can delete a protected tag.";

    /// <summary>Protected tag delete only on the web.</summary>
    public const string ProtectedTagDeleteWebOnly = "You can only delete protected tags using the web interface.";

    /// <summary>Protected tag create refused.</summary>
    public const string ProtectedTagCreate = "You are not allowed to create this tag as it is protected.";

    /// <summary>Key expiring soon (console message, not a denial).</summary>
    public const string KeyExpiringSoon = "INFO: Your SSH key is expiring soon. Please generate a new key.";

    /// <summary>Timeout of the push checks.</summary>
    public const string Timeout = "Push operation timed out\n\nTiming information for debugging purposes:\nRunning checks for ref: (decision did not finish within the time limit)";
}
