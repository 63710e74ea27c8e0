using System.Globalization;

namespace InternalApi.Core.Access;

/// <summary>The user-visible texts of <c>/allowed</c> (spec §3.1.5, §3.1.7, §3.1.8), exactly as GitLab words them.</summary>
public static class AccessMessages
{
    /// <summary>Step 9c/9d: unknown or invisible project.</summary>
    public const string ProjectNotFound = "The project you were looking for could not be found or you don't have permission to view it.";

    /// <summary>Step 9a: a project path without namespace.</summary>
    public const string NamespaceNotFound = "The namespace you were looking for could not be found.";

    /// <summary>
    /// Step 9 (EE, first): outside the group of the SSH certificate the user logged in with, or a plain key where
    /// the top-level group enforces certificates.
    /// </summary>
    public const string NamespaceForbidden = "You are not allowed to access projects in this namespace.";

    /// <summary>Step 10.</summary>
    public const string NoRepository = "A repository for this project does not exist yet.";

    /// <summary>Step 2: expired key.</summary>
    public const string KeyExpired = "Your SSH key has expired.";

    /// <summary>Step 3 reasons.</summary>
    public const string InternalUser = "This action cannot be performed by internal users";

    /// <summary>Step 3: awaiting approval.</summary>
    public const string PendingApproval = "Your account is pending approval from your administrator and hence blocked.";

    /// <summary>Step 3: blocked.</summary>
    public const string Blocked = "Your account has been blocked.";

    /// <summary>Step 3: password expired.</summary>
    public const string PasswordExpired = "Your password expired. Please access GitLab from a web browser to update your password.";

    /// <summary>Step 3: anything else (sic: no space after the period, as GitLab writes it).</summary>
    public const string UnknownReason = "Your request has been rejected for an unknown reason.Please contact your GitLab administrator and/or GitLab Support.";

    /// <summary>Step 5.</summary>
    public const string PullOverHttpDisabled = "Pulling over HTTP is not allowed.";

    /// <summary>Step 5.</summary>
    public const string PushOverHttpDisabled = "Pushing over HTTP is not allowed.";

    /// <summary>Step 6.</summary>
    public const string UnknownCommand = "The command you're trying to execute is not allowed.";

    /// <summary>Step 11.</summary>
    public const string Download = "You are not allowed to download code from this project.";

    /// <summary>Step 12.</summary>
    public const string ReadOnly = "The repository is temporarily read-only. Please try again later.";

    /// <summary>Step 12.</summary>
    public const string Archived = "You can't push code to an archived project.";

    /// <summary>Step 12.</summary>
    public const string DeployKeyUpload = "This deploy key does not have write access to this project.";

    /// <summary>Step 12: anonymous push.</summary>
    public const string Upload = "You are not allowed to upload code for this project.";

    /// <summary>Push permission (<c>_any</c> and per change).</summary>
    public const string PushCode = "You are not allowed to push code to this project.";

    /// <summary>Wiki push.</summary>
    public const string WriteToWiki = "You are not allowed to write to this project's wiki.";

    /// <summary>Design repositories outside the web interface [unconfirmed text].</summary>
    public const string DesignsWebOnly = "Designs are only accessible using the web interface";

    /// <summary>Branch check.</summary>
    public const string DeleteDefaultBranch = "The default branch of a project cannot be deleted.";

    /// <summary>Branch check.</summary>
    public const string HexBranchName = "You cannot create a branch with a 40-character hexadecimal branch name.";

    /// <summary>Protected branch creation.</summary>
    public const string CreateProtectedBranch = "You are not allowed to create protected branches on this project.";

    /// <summary>Protected branch creation outside the web.</summary>
    public const string NonWebCreateProtectedBranch = "You can only create protected branches using the web interface and API.";

    /// <summary>Protected branch deletion by a non-maintainer.</summary>
    public const string DeleteProtectedBranch = "You are not allowed to delete protected branches from this project. Only a project maintainer or owner can delete a protected branch.";

    /// <summary>Protected branch deletion outside the web.</summary>
    public const string NonWebDeleteProtectedBranch = "You can only delete protected branches using the web interface.";

    /// <summary>Protected branch update.</summary>
    public const string PushProtectedBranch = "You are not allowed to push code to protected branches on this project.";

    /// <summary>Tag check.</summary>
    public const string ChangeExistingTags = "You are not allowed to change existing tags on this project.";

    /// <summary>Tag check.</summary>
    public const string DefaultBranchTag = "You cannot use default branch name to create a tag";

    /// <summary>Tag check.</summary>
    public const string ProhibitedTag = "You cannot create a tag with a prohibited pattern.";

    /// <summary>Tag check.</summary>
    public const string ShaTag = "You cannot create a tag with a SHA-1 or SHA-256 tag name.";

    /// <summary>Protected tag update.</summary>
    public const string ProtectedTagUpdate = "Protected tags cannot be updated.";

    /// <summary>Protected tag deletion by a non-maintainer.</summary>
    public const string DeleteProtectedTag = "You are not allowed to delete protected tags from this project. Only a project maintainer or owner can delete a protected tag.";

    /// <summary>Protected tag deletion outside the web.</summary>
    public const string NonWebDeleteProtectedTag = "You can only delete protected tags using the web interface.";

    /// <summary>Protected tag creation.</summary>
    public const string CreateProtectedTag = "You are not allowed to create this tag as it is protected.";

    /// <summary>Start of the 503 answer when the budget runs out.</summary>
    public const string TimedOut = "Push operation timed out";

    /// <summary>Step 1: <c>Git access over SSH is not allowed</c> (protocol upper-cased, no period).</summary>
    public static string ProtocolNotAllowed(string protocol) =>
        $"Git access over {protocol.ToUpperInvariant()} is not allowed";

    /// <summary>Step 3: deactivated account.</summary>
    public static string Deactivated(string externalUrl) =>
        $"Your account has been deactivated by your administrator. Please log back in from a web browser to reactivate your account at {externalUrl}";

    /// <summary>Step 3: primary e-mail not confirmed.</summary>
    public static string EmailNotConfirmed(string externalUrl) =>
        $"Your primary email address is not confirmed. Please check your inbox for the confirmation instructions. In case the link is expired, you can request a new confirmation email at {externalUrl}/users/confirmation/new";

    /// <summary>Our own denial for a <c>changes</c> line that is not <c>oldrev newrev ref</c> (GitLab would fail internally).</summary>
    public static string MalformedChange(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var shown = line.Length > 100 ? line[..100] + "..." : line;
        return $"The change '{shown}' is malformed: expected '<oldrev> <newrev> <ref>' with full object ids.";
    }

    /// <summary>Protected-branch push into an empty repository: a hint to create the default branch [unconfirmed exact text].</summary>
    public static string EmptyProjectPush(string fullPath, string externalUrl) =>
        $"\nA default branch (e.g. main) does not yet exist for {fullPath}\nAsk a project Owner or Maintainer to create a default branch:\n\n  {externalUrl}/{fullPath}/-/project_members\n\n";

    /// <summary>§3.1.6: creation failed.</summary>
    public static string CouldNotCreateProject(IEnumerable<string> errors) =>
        "Could not create project: " + string.Join(", ", errors);

    /// <summary>§3.1.8 "moved" message.</summary>
    public static string Moved(string modelName, string oldPath, string newPath, string remoteUrl) =>
        $"{modelName} '{oldPath}' was moved to '{newPath}'.\n\nPlease update your Git remote:\n\n  git remote set-url origin {remoteUrl}\n";

    /// <summary>§3.1.8 "project created" message (leading and trailing blank lines included).</summary>
    public static string ProjectCreated(string fullPath, string remoteUrl, string projectUrl) =>
        string.Create(CultureInfo.InvariantCulture,
            $"\nThe private project {fullPath} was successfully created.\n\nTo configure the remote, run:\n  git remote add origin {remoteUrl}\n\nTo view the project, visit:\n  {projectUrl}\n\n");

    /// <summary>Console message when the key expires within 7 days.</summary>
    public const string KeyExpiringSoon = "INFO: Your SSH key is expiring soon. Please generate a new key.";
}
